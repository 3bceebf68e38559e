// The admin API over real HTTP: accounts and their first key, more keys, revocation, credits, and
// who may call it (the admin key only; an account key is forbidden; none configured is off).
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { TEST_ADMIN_KEY, type TestServer, balance, sleepJob, startTestServer } from '../helpers/server.js';

const SECRET = /^lr_[0-9A-HJKMNP-TV-Z]{26}_[A-Za-z0-9_-]{43}$/;

describe('admin API', () => {
  let server: TestServer;
  const admin = { key: TEST_ADMIN_KEY };

  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await server.close();
  });

  describe('accounts and keys', () => {
    it('creates an account with credits and shows its key once', async () => {
      const answer = await server.request('POST', '/v1/admin/accounts', { ...admin, body: { name: 'Acme', credits: 50 } });
      assert.equal(answer.status, 201, answer.text);
      const { account, apiKey } = answer.json;
      assert.match(account.id, /^acct_[0-9A-HJKMNP-TV-Z]{26}$/);
      assert.equal(account.name, 'Acme');
      assert.deepEqual(account.credits, { balance: 50 });
      assert.match(account.webhookSecret, /^whsec_/);
      assert.match(apiKey.key, SECRET);
      assert.match(apiKey.id, /^key_[0-9A-HJKMNP-TV-Z]{26}$/);
      assert.equal(apiKey.last4, apiKey.key.slice(-4));

      const me = await server.request('GET', '/v1/account', { key: apiKey.key });
      assert.equal(me.status, 200);
      assert.equal(me.json.id, account.id);
      assert.equal(me.json.name, 'Acme');
      assert.deepEqual(me.json.credits, { balance: 50 });
      assert.equal(me.json.webhookSecret, account.webhookSecret);
      assert.ok(!me.text.includes(apiKey.key), 'the secret is not shown again');
    });

    it('makes an account unlimited when credits are omitted or null', async () => {
      for (const body of [{ name: 'no credits field' }, { name: 'null credits', credits: null }]) {
        const answer = await server.request('POST', '/v1/admin/accounts', { ...admin, body });
        assert.equal(answer.status, 201, answer.text);
        assert.equal(answer.json.account.credits.balance, null);
        const me = await server.request('GET', '/v1/account', { key: answer.json.apiKey.key });
        assert.equal(me.json.credits.balance, null);
      }
    });

    it('refuses an account without a name or with negative credits, creating nothing', async () => {
      const before = await server.store.accountCount();
      for (const [body, path] of [
        [{}, '/name'],
        [{ name: '' }, '/name'],
        [{ name: 'x', credits: -1 }, '/credits'],
        [{ name: 'x', extra: 1 }, '/extra'],
      ] as const) {
        const answer = await server.request('POST', '/v1/admin/accounts', { ...admin, body });
        assert.equal(answer.status, 400, JSON.stringify(body));
        assert.equal(answer.json.code, 'invalid_request');
        assert.ok(answer.json.errors.some((e: { path: string }) => e.path === path), answer.text);
      }
      assert.equal(await server.store.accountCount(), before);
    });

    it('issues another key for the account that works alongside the first', async () => {
      const account = await server.createAccount();
      const answer = await server.request('POST', `/v1/admin/accounts/${account.accountId}/keys`, admin);
      assert.equal(answer.status, 201, answer.text);
      assert.match(answer.json.key, SECRET);
      assert.notEqual(answer.json.key, account.key);
      assert.equal(answer.json.last4, answer.json.key.slice(-4));
      for (const key of [account.key, answer.json.key]) {
        const me = await server.request('GET', '/v1/account', { key });
        assert.equal(me.status, 200);
        assert.equal(me.json.id, account.accountId);
      }
      const job = await server.request('POST', '/v1/jobs', { key: answer.json.key, body: sleepJob() });
      assert.equal(job.json.apiKeyUsed, `key_…${answer.json.last4}`);
    });

    it('answers 404 for keys of an unknown account', async () => {
      const answer = await server.request('POST', '/v1/admin/accounts/acct_01JF3V6Q2N8Y5M0RZ4T7C9K1QW/keys', admin);
      assert.equal(answer.status, 404);
      assert.equal(answer.json.code, 'not_found');
    });

    it('revokes a key so that it gets 401 at once, leaving the account’s other keys working', async () => {
      const account = await server.createAccount();
      const second = await server.request('POST', `/v1/admin/accounts/${account.accountId}/keys`, admin);
      assert.equal((await server.request('GET', '/v1/account', { key: account.key })).status, 200);

      const revoked = await server.request('DELETE', `/v1/admin/keys/${account.keyId}`, admin);
      assert.equal(revoked.status, 204);
      const refused = await server.request('GET', '/v1/account', { key: account.key });
      assert.equal(refused.status, 401);
      assert.equal(refused.json.code, 'unauthorized');
      assert.equal((await server.request('GET', '/v1/account', { key: second.json.key })).status, 200);

      const again = await server.request('DELETE', `/v1/admin/keys/${account.keyId}`, admin);
      assert.equal(again.status, 404);
      assert.equal(again.json.code, 'not_found');
    });
  });

  describe('lists', () => {
    it('lists every account oldest first, a page at a time, never with a key secret', async () => {
      const made = [await server.createAccount({ name: 'one', credits: 5 }), await server.createAccount({ name: 'two' }), await server.createAccount({ name: 'three' })];
      const first = await server.request('GET', '/v1/admin/accounts?limit=2', admin);
      assert.equal(first.status, 200, first.text);
      assert.deepEqual(first.json.data.map((a: { id: string }) => a.id), made.slice(0, 2).map((a) => a.accountId));
      assert.deepEqual(first.json.data[0].credits, { balance: 5 });
      assert.equal(first.json.data[0].name, 'one');
      assert.equal(typeof first.json.nextCursor, 'string');
      const second = await server.request('GET', `/v1/admin/accounts?limit=2&cursor=${first.json.nextCursor}`, admin);
      assert.deepEqual(second.json.data.map((a: { id: string }) => a.id), [made[2]!.accountId]);
      assert.equal(second.json.nextCursor, null);
      assert.ok(!first.text.includes(made[0]!.key) && !second.text.includes(made[2]!.key));
    });

    it('lists an account’s keys with their ids, revoked ones marked, and no secrets or hashes', async () => {
      const account = await server.createAccount();
      const second = await server.request('POST', `/v1/admin/accounts/${account.accountId}/keys`, admin);
      await server.createAccount({ name: 'someone else' });
      assert.equal((await server.request('DELETE', `/v1/admin/keys/${account.keyId}`, admin)).status, 204);
      const answer = await server.request('GET', `/v1/admin/accounts/${account.accountId}/keys`, admin);
      assert.equal(answer.status, 200, answer.text);
      assert.deepEqual(answer.json.data.map((k: { id: string }) => k.id), [account.keyId, second.json.id]);
      assert.match(answer.json.data[0].revokedAt, /^\d{4}-\d\d-\d\dT/);
      assert.equal(answer.json.data[1].revokedAt, null);
      assert.equal(answer.json.data[1].last4, second.json.last4);
      assert.equal(answer.json.data[1].accountId, account.accountId);
      assert.deepEqual(Object.keys(answer.json.data[1]).sort(), ['accountId', 'createdAt', 'id', 'last4', 'revokedAt']);
      assert.equal(answer.json.nextCursor, null);
    });

    it('answers 404 for the keys of an unknown account and 400 naming a bad cursor or limit', async () => {
      const unknown = await server.request('GET', '/v1/admin/accounts/acct_01JF3V6Q2N8Y5M0RZ4T7C9K1QW/keys', admin);
      assert.equal(unknown.status, 404);
      for (const query of ['cursor=garbage', 'limit=0', 'colour=red']) {
        const answer = await server.request('GET', `/v1/admin/accounts?${query}`, admin);
        assert.equal(answer.status, 400, query);
        assert.equal(answer.json.errors[0].in, 'query');
        assert.equal(answer.json.errors[0].path, query.split('=')[0]);
      }
    });
  });

  describe('credits', () => {
    it('adds and removes credits', async () => {
      const account = await server.createAccount({ credits: 5 });
      const added = await server.request('POST', `/v1/admin/accounts/${account.accountId}/credits`, { ...admin, body: { amount: 10 } });
      assert.equal(added.status, 200, added.text);
      assert.equal(added.json.id, account.accountId);
      assert.equal(added.json.credits.balance, 15);
      const removed = await server.request('POST', `/v1/admin/accounts/${account.accountId}/credits`, { ...admin, body: { amount: -4 } });
      assert.equal(removed.status, 200);
      assert.equal(removed.json.credits.balance, 11);
      const me = await server.request('GET', '/v1/account', { key: account.key });
      assert.equal(me.json.credits.balance, 11);
    });

    it('refuses to take the balance below zero, leaving it as it was', async () => {
      const account = await server.createAccount({ credits: 3 });
      const answer = await server.request('POST', `/v1/admin/accounts/${account.accountId}/credits`, { ...admin, body: { amount: -4 } });
      assert.equal(answer.status, 400);
      assert.equal(answer.json.code, 'invalid_request');
      assert.equal(answer.json.errors[0].path, '/amount');
      assert.equal(await balance(server, account.accountId), 3);
    });

    it('refuses an amount of zero, a fraction or none', async () => {
      const account = await server.createAccount({ credits: 3 });
      for (const body of [{ amount: 0 }, { amount: 1.5 }, {}, { amount: '5' }]) {
        const answer = await server.request('POST', `/v1/admin/accounts/${account.accountId}/credits`, { ...admin, body });
        assert.equal(answer.status, 400, JSON.stringify(body));
        assert.equal(answer.json.errors[0].path, '/amount');
      }
      assert.equal(await balance(server, account.accountId), 3);
    });

    it('keeps an unlimited account unlimited', async () => {
      const account = await server.createAccount();
      const answer = await server.request('POST', `/v1/admin/accounts/${account.accountId}/credits`, { ...admin, body: { amount: 10 } });
      assert.equal(answer.status, 200);
      assert.equal(answer.json.credits.balance, null);
    });

    it('answers 404 for credits of an unknown account', async () => {
      const answer = await server.request('POST', '/v1/admin/accounts/acct_01JF3V6Q2N8Y5M0RZ4T7C9K1QW/credits', { ...admin, body: { amount: 1 } });
      assert.equal(answer.status, 404);
      assert.equal(answer.json.code, 'not_found');
    });
  });

  describe('who may call it', () => {
    it('accepts the admin key as Authorization: Bearer', async () => {
      const answer = await server.request('POST', '/v1/admin/accounts', { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` }, body: { name: 'b' } });
      assert.equal(answer.status, 201);
    });

    it('answers 403 forbidden to an account key on every admin route', async () => {
      const account = await server.createAccount({ credits: 1 });
      const before = await server.store.accountCount();
      const calls: [string, string, unknown][] = [
        ['POST', '/v1/admin/accounts', { name: 'sneaky' }],
        ['POST', `/v1/admin/accounts/${account.accountId}/keys`, undefined],
        ['POST', `/v1/admin/accounts/${account.accountId}/credits`, { amount: 1000 }],
        ['DELETE', `/v1/admin/keys/${account.keyId}`, undefined],
        ['GET', '/v1/admin/accounts', undefined],
        ['GET', `/v1/admin/accounts/${account.accountId}/keys`, undefined],
      ];
      for (const [method, path, body] of calls) {
        const answer = await server.request(method, path, { key: account.key, body });
        assert.equal(answer.status, 403, `${method} ${path}: ${answer.text}`);
        assert.equal(answer.json.code, 'forbidden');
        assert.equal(answer.headers.get('content-type')?.split(';')[0], 'application/problem+json');
      }
      assert.equal(await server.store.accountCount(), before);
      assert.equal(await balance(server, account.accountId), 1);
      assert.equal((await server.request('GET', '/v1/account', { key: account.key })).status, 200, 'the key was not revoked');
    });

    it('answers 401 unauthorized with no key or a wrong one', async () => {
      for (const key of [undefined, 'not-the-admin-key']) {
        const answer = await server.request('POST', '/v1/admin/accounts', { key, body: { name: 'x' } });
        assert.equal(answer.status, 401);
        assert.equal(answer.json.code, 'unauthorized');
      }
      assert.equal(await server.store.accountCount(), 0);
    });

    it('does not let the admin key act as an account key', async () => {
      const answer = await server.request('GET', '/v1/jobs', admin);
      assert.equal(answer.status, 401);
    });
  });
});

describe('admin API with no admin key configured', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await startTestServer({ adminKey: null });
  });
  afterEach(async () => {
    await server.close();
  });

  it('answers 403 forbidden to any key, the default account’s included', async () => {
    assert.ok(server.firstStart);
    for (const key of [server.firstStart.key, TEST_ADMIN_KEY, 'anything-else']) {
      const answer = await server.request('POST', '/v1/admin/accounts', { key, body: { name: 'x' } });
      assert.equal(answer.status, 403, `${key}: ${answer.text}`);
      assert.equal(answer.json.code, 'forbidden');
    }
    const credits = await server.request('POST', `/v1/admin/accounts/${server.firstStart.accountId}/credits`, { key: TEST_ADMIN_KEY, body: { amount: 5 } });
    assert.equal(credits.status, 403);
    assert.equal(await server.store.accountCount(), 1);
  });
});
