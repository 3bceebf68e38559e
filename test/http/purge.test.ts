// DELETE /v1/jobs/:id?purge=true: an owner deletes a final job and its files before retention
// would. A pending or running job is refused with 409 and stays as it was; another account's job
// is 404; credits never move. Over real HTTP, with one in-process worker running the jobs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type TestAccount, type TestServer, balance, jobReaches, jobTotal, sleepJob, startTestServer } from '../helpers/server.js';

describe('purging a job', () => {
  let server: TestServer;
  let account: TestAccount;
  before(async () => {
    server = await startTestServer({ workers: 1 });
    account = await server.createAccount({ credits: 10 });
  });
  after(() => server.close());

  const create = async (durationMs: number) => {
    const created = await server.request('POST', '/v1/jobs', { key: account.key, body: sleepJob({ durationMs }) });
    assert.equal(created.status, 201, created.text);
    return created.json.id as string;
  };

  it('deletes a final job and its files with 204; the job is then 404 and no credit moves', async () => {
    const id = await create(0);
    await jobReaches(server, id, (j) => j.status === 'completed');
    // A file of the job, as a job type stores one.
    await server.deps.files!.filePut({ jobId: id, name: 'report.txt', data: new TextEncoder().encode('kept until purged') });
    const credits = await balance(server, account.accountId);
    const jobs = await jobTotal(server, account.accountId);

    const purged = await server.request('DELETE', `/v1/jobs/${id}?purge=true`, { key: account.key });
    assert.equal(purged.status, 204, purged.text);
    assert.equal(purged.text, '');
    assert.equal((await server.request('GET', `/v1/jobs/${id}`, { key: account.key })).status, 404);
    assert.equal(await server.deps.files!.fileStat({ jobId: id, name: 'report.txt' }), null);
    assert.equal(await jobTotal(server, account.accountId), jobs - 1);
    assert.equal(await balance(server, account.accountId), credits);
    assert.equal((await server.request('DELETE', `/v1/jobs/${id}?purge=true`, { key: account.key })).status, 404, 'a second purge finds nothing');
  });

  it('refuses a running and a pending job with 409 job_not_purgeable, changing nothing', async () => {
    const running = await create(600_000);
    await jobReaches(server, running, (j) => j.status === 'running');
    const pending = await create(0); // the one worker is busy, so it waits
    for (const id of [running, pending]) {
      const before = await server.store.jobGet({ id });
      const refused = await server.request('DELETE', `/v1/jobs/${id}?purge=true`, { key: account.key });
      assert.equal(refused.status, 409, refused.text);
      assert.equal(refused.headers.get('content-type')?.split(';')[0], 'application/problem+json');
      assert.equal(refused.json.code, 'job_not_purgeable');
      assert.deepEqual(await server.store.jobGet({ id }), before);
    }
    for (const id of [running, pending]) assert.equal((await server.request('DELETE', `/v1/jobs/${id}`, { key: account.key })).status, 200, 'cancelled');
  });

  it('answers 404 for another account\'s job, 400 for a purge that is not a boolean, and still cancels without it', async () => {
    const id = await create(0);
    await jobReaches(server, id, (j) => j.status === 'completed');
    const other = await server.createAccount();
    assert.equal((await server.request('DELETE', `/v1/jobs/${id}?purge=true`, { key: other.key })).status, 404);
    const bad = await server.request('DELETE', `/v1/jobs/${id}?purge=soon`, { key: account.key });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json.errors.map((e: { path: string; in: string }) => [e.path, e.in]), [['purge', 'query']]);
    const plain = await server.request('DELETE', `/v1/jobs/${id}`, { key: account.key });
    assert.equal(plain.status, 409);
    assert.equal(plain.json.code, 'job_not_cancellable');
    assert.ok(await server.store.jobGet({ id }), 'nothing was deleted');
  });
});
