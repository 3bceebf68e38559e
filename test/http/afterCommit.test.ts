// Once a create is committed the job exists and is charged, so its answer must be the job: an
// error after the commit would tell the client it failed, and its retry would make and charge a
// second job. Here the database goes away right after the commit, during a `Prefer: wait`.
// Needs LONGRUN_TEST_POSTGRES_URL: a real PostgreSQL behind a proxy on 127.0.0.1 that the test cuts.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import pg from 'pg';
import { startPgProxy } from '../helpers/pgProxy.js';
import { balance, jobTotal, sleepJob, startTestServer } from '../helpers/server.js';

const url = process.env.LONGRUN_TEST_POSTGRES_URL;

describe('a create after its commit', url ? {} : { skip: 'LONGRUN_TEST_POSTGRES_URL is not set' }, () => {
  it('answers 201 with the committed job when the store fails during Prefer: wait', async (t) => {
    const schema = `longrun_test_${randomBytes(6).toString('hex')}`;
    const proxy = await startPgProxy(url!);
    t.after(async () => {
      await proxy.close();
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    });
    const server = await startTestServer({ db: `${proxy.url}${proxy.url.includes('?') ? '&' : '?'}schema=${schema}` });
    t.after(() => server.close());
    const account = await server.createAccount({ credits: 5 });

    // The database goes away as the job is committed, before the wait's read of it.
    const stop = server.deps.bus.onAccount(account.accountId, (change) => {
      if (change.kind === 'created') proxy.block();
    });
    const answer = await server.request('POST', '/v1/jobs', { key: account.key, body: sleepJob({ durationMs: 10 }), headers: { prefer: 'wait=1' } });
    stop();
    assert.equal(answer.status, 201, answer.text);
    assert.equal(answer.json.status, 'pending');
    assert.equal(answer.headers.get('location'), `/v1/jobs/${answer.json.id}`);

    proxy.unblock();
    assert.equal(await jobTotal(server, account.accountId), 1);
    assert.equal(await balance(server, account.accountId), 4);
    assert.equal((await server.store.jobGet({ id: answer.json.id }))?.id, answer.json.id);
  });
});
