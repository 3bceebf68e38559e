// First start: with no admin key and an empty store, startServer makes the account `default` and
// hands back its key once; with an admin key, or a store that has accounts, it makes none.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type TestServer, sleepJob, startTestServer } from '../helpers/server.js';

/** withServer runs `body` against a started server and always closes it. */
async function withServer(server: TestServer, body: (server: TestServer) => Promise<void>): Promise<void> {
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

describe('first start', () => {
  it('creates the default account with unlimited credits and a working key when no admin key is set', async () => {
    await withServer(await startTestServer({ adminKey: null }), async (server) => {
      assert.ok(server.firstStart, 'firstStart is set');
      assert.equal(server.needsAccount, false);
      const { accountId, key } = server.firstStart;
      assert.match(accountId, /^acct_/);
      assert.match(key, /^lr_[0-9A-HJKMNP-TV-Z]{26}_[A-Za-z0-9_-]{43}$/);
      assert.equal(await server.store.accountCount(), 1);

      const me = await server.request('GET', '/v1/account', { key });
      assert.equal(me.status, 200);
      assert.equal(me.json.id, accountId);
      assert.equal(me.json.name, 'default');
      assert.equal(me.json.credits.balance, null);

      const job = await server.request('POST', '/v1/jobs', { key, body: sleepJob({ durationMs: 2000, steps: 4 }) });
      assert.equal(job.status, 201);
      assert.equal(job.json.accountId, accountId);
    });
  });

  it('creates no account when an admin key is set, and says the operator must make one', async () => {
    await withServer(await startTestServer({ adminKey: 'an-admin-key' }), async (server) => {
      assert.equal(server.firstStart, null);
      assert.equal(server.needsAccount, true);
      assert.equal(await server.store.accountCount(), 0);
    });
  });

  it('needs no account made when an admin key is set and the store has one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'longrun-firststart-'));
    const db = `sqlite:${join(dir, 'longrun.db')}`;
    try {
      await withServer(await startTestServer({ adminKey: 'an-admin-key', db }), async (server) => {
        assert.equal(server.needsAccount, true);
        await server.createAccount({ name: 'acme' });
      });
      await withServer(await startTestServer({ adminKey: 'an-admin-key', db }), async (server) => {
        assert.equal(server.needsAccount, false);
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('creates no second default account when the store already has one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'longrun-firststart-'));
    const db = `sqlite:${join(dir, 'longrun.db')}`;
    try {
      let firstKey = '';
      await withServer(await startTestServer({ adminKey: null, db }), async (server) => {
        assert.ok(server.firstStart);
        firstKey = server.firstStart.key;
      });
      await withServer(await startTestServer({ adminKey: null, db }), async (server) => {
        assert.equal(server.firstStart, null);
        assert.equal(await server.store.accountCount(), 1);
        const me = await server.request('GET', '/v1/account', { key: firstKey });
        assert.equal(me.status, 200, 'the first start’s key still works');
        assert.equal(me.json.name, 'default');
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
