// The document/crawl platform dialect over real HTTP with a real worker: the seed document's curl
// examples and Python polling loop with only the base URL, key and job id replaced; every status
// in the {data, error} envelope; a rerun of a failed and of a cancelled job; the platform's type
// names; and its errors. Waits follow the job's own changes, never a timer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sleepJobs } from '../helpers/compatJobs.js';
import { pythonSkip, runSeed } from '../helpers/seedClient.js';
import { type TestAccount, type TestServer, jobReaches, startTestServer } from '../helpers/server.js';

describe('compat: platform', () => {
  let server: TestServer;
  let account: TestAccount;
  const base = () => `${server.url}/compat/platform/v1/api`;
  const urls = (jobId: string) => ({ 'https://PLATFORM-URL-PLACEHOLDER/v1/api': base(), YOUR_API_KEY: account.key, '{jobId}': jobId });

  before(async () => {
    server = await startTestServer({ workers: 1 });
    account = await server.createAccount({ credits: 1000 });
  });
  after(async () => {
    await server.close();
  });

  const { create, finished } = sleepJobs(() => server, () => account.key);
  const get = (id: string, key = account.key) => server.request('GET', `/compat/platform/v1/api/jobs/${id}`, { headers: { authorization: `Bearer ${key}` } });

  it('gets a completed job in the envelope through the seed’s curl', async () => {
    const id = await finished({ durationMs: 4, steps: 2 });
    const run = await runSeed('platform-get.sh', urls(id));
    assert.equal(run.code, 0, run.stderr);
    const answer = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(answer), ['data', 'error']);
    assert.equal(answer.error, null);
    const job = answer.data;
    assert.deepEqual(Object.keys(job), ['id', 'type', 'status', 'progress', 'result', 'createdAt', 'completedAt']);
    assert.equal(job.id, id);
    assert.equal(job.type, 'demo/sleep');
    assert.equal(job.status, 'completed');
    assert.equal(job.progress, 100);
    assert.deepEqual(job.result, { sleptMs: 4 });
    assert.ok(job.completedAt >= job.createdAt);
  });

  it('shows pending, running, cancelled and failed, and reruns a failed and a cancelled job through the seed’s curl', async () => {
    const running = await create({ durationMs: 600_000, steps: 100 });
    await jobReaches(server, running, (job) => job.status === 'running');
    const pending = await create();
    assert.deepEqual([(await get(pending)).json.data.status, (await get(pending)).json.data.completedAt], ['pending', null]);
    const shown = (await get(running)).json.data;
    assert.deepEqual([shown.status, shown.result, shown.completedAt], ['running', null, null]);
    assert.equal((await server.request('POST', `/v1/jobs/${running}/cancel`, { key: account.key })).status, 200);
    const cancelled = (await get(running)).json.data;
    assert.equal(cancelled.status, 'cancelled');
    assert.deepEqual(cancelled.result, { error: { code: 'cancelled' } });
    assert.notEqual(cancelled.completedAt, null);

    const failed = await finished({ durationMs: 0, failAt: 1, failCode: 'bad_page' });
    const failedView = (await get(failed)).json.data;
    assert.equal(failedView.status, 'failed');
    assert.equal(failedView.result.error.code, 'bad_page');

    for (const original of [failed, running]) {
      const run = await runSeed('platform-rerun.sh', urls(original));
      assert.equal(run.code, 0, run.stderr);
      const answer = JSON.parse(run.stdout);
      assert.equal(answer.error, null);
      assert.deepEqual(Object.keys(answer.data), ['id', 'type', 'status', 'originalJobId', 'createdAt']);
      assert.equal(answer.data.status, 'pending');
      assert.equal(answer.data.originalJobId, original);
      assert.notEqual(answer.data.id, original);
      assert.equal((await get(answer.data.id)).json.data.type, 'demo/sleep');
      // The rerun of the long job would hold the one worker: cancel it (a no-op for a final one).
      await server.request('POST', `/v1/jobs/${answer.data.id}/cancel`, { key: account.key });
    }
    const busy = await create({ durationMs: 600_000 });
    await jobReaches(server, busy, (job) => job.status === 'running');
    const notFinal = await server.request('POST', `/compat/platform/v1/api/jobs/${busy}/rerun`, { key: account.key });
    assert.deepEqual([notFinal.status, notFinal.json.data, notFinal.json.error.code], [409, null, 'job_not_rerunnable']);
    await server.request('POST', `/v1/jobs/${busy}/cancel`, { key: account.key });
  });

  it('runs the seed’s Python polling loop to a completed and to a cancelled job', { skip: pythonSkip }, async () => {
    const done = await finished({ durationMs: 1 });
    const run = await runSeed('platform-poll.py', { 'https://PLATFORM-URL-PLACEHOLDER/v1/api': base(), your_api_key: account.key, job_abc123: done });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "Job completed: {'sleptMs': 1}\n");
    const cancelled = await create({ durationMs: 600_000 });
    await server.request('POST', `/v1/jobs/${cancelled}/cancel`, { key: account.key });
    const stopped = await runSeed('platform-poll.py', { 'https://PLATFORM-URL-PLACEHOLDER/v1/api': base(), your_api_key: account.key, job_abc123: cancelled });
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal(stopped.stdout, "Job cancelled: {'error': {'code': 'cancelled'}}\n");
  });

  it('answers errors in the envelope: wrong key 401, another account’s job 404, never 5xx', async () => {
    const id = await finished();
    for (const [key, status, code] of [['lr_wrong', 401, 'unauthorized'], [(await server.createAccount()).key, 404, 'not_found']] as const) {
      const answer = await get(id, key);
      assert.equal(answer.status, status);
      assert.equal(answer.json.data, null);
      assert.equal(answer.json.error.code, code);
      assert.equal(typeof answer.json.error.message, 'string');
    }
    const bare = await server.request('GET', `/compat/platform/v1/api/jobs/${id}`);
    assert.equal(bare.status, 401);
    const rerunTheirs = await server.request('POST', `/compat/platform/v1/api/jobs/${id}/rerun`, { key: (await server.createAccount()).key });
    assert.equal(rerunTheirs.status, 404);
    const long = await get('x'.repeat(500));
    assert.equal(long.status, 404);
    assert.equal(long.json.data, null);
    const unknown = await server.request('GET', '/compat/platform/v1/api/nothing', { key: account.key });
    assert.deepEqual([unknown.status, unknown.json.data, unknown.json.error.code], [404, null, 'not_found']);
  });

  it('documents itself at /compat/platform/openapi.json', async () => {
    const doc = (await server.request('GET', '/compat/platform/openapi.json')).json;
    assert.deepEqual(Object.keys(doc.paths).sort(), ['/compat/platform/v1/api/jobs/{id}', '/compat/platform/v1/api/jobs/{id}/rerun']);
  });
});
