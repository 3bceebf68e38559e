// The cloudlayer.io dialect over real HTTP with a real worker: the seed document's own client
// code (JavaScript fetch and Python requests) with only the base URL, key and job id replaced,
// every status it can show, paging to the end, a cancelled job ending the polling loop, and its
// errors. Waits follow the job's own changes (jobReaches), never a timer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sleepJobs } from '../helpers/compatJobs.js';
import { pythonSkip, runSeed } from '../helpers/seedClient.js';
import { type TestAccount, type TestServer, jobReaches, sleepJob, startTestServer } from '../helpers/server.js';

describe('compat: cloudlayer', () => {
  let server: TestServer;
  let account: TestAccount;
  let base: string;
  const urls = () => ({ 'https://api.cloudlayer.io': base, 'your-api-key-here': account.key });

  before(async () => {
    server = await startTestServer({ workers: 1 });
    account = await server.createAccount({ credits: 1000 });
    base = `${server.url}/compat/cloudlayer`;
  });
  after(async () => {
    await server.close();
  });

  const { create, finished } = sleepJobs(() => server, () => account.key);
  const get = (id: string, key = account.key) => server.request('GET', `/compat/cloudlayer/v2/jobs/${id}`, { key });

  it('shows a completed job in the document’s shape through the seed’s JavaScript get', async () => {
    const id = await finished({ durationMs: 5 });
    const run = await runSeed('cloudlayer-get.mjs', { ...urls(), job_abc123def456: id });
    assert.equal(run.code, 0, run.stderr);
    const job = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(job), ['id', 'uid', 'apiKeyUsed', 'type', 'status', 'params', 'size', 'processTime', 'apiCreditCost', 'worker', 'timestamp']);
    assert.equal(job.id, id);
    assert.equal(job.uid, account.accountId);
    assert.equal(job.apiKeyUsed, `key_…${account.key.slice(-4)}`);
    assert.equal(job.type, 'demo/sleep');
    assert.equal(job.status, 'completed');
    assert.deepEqual(job.params, { durationMs: 5 });
    assert.equal(job.apiCreditCost, 1);
    assert.equal(job.worker, server.pool?.workerId);
    assert.ok(job.processTime >= 0);
    assert.match(job.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // v1 answers the same.
    assert.deepEqual((await server.request('GET', `/compat/cloudlayer/v1/jobs/${id}`, { key: account.key })).json, job);
  });

  it('shows pending, processing, completed and failed (with the reason and credits net of the refund)', async () => {
    const running = await create({ durationMs: 600_000 });
    await jobReaches(server, running, (job) => job.status === 'running');
    const pending = await create({ durationMs: 0 }); // the one worker is busy
    assert.equal((await get(pending)).json.status, 'pending');
    const processing = (await get(running)).json;
    assert.equal(processing.status, 'processing');
    assert.equal((await server.request('POST', `/v1/jobs/${running}/cancel`, { key: account.key })).status, 200);
    await jobReaches(server, pending, (job) => job.status === 'completed');
    assert.equal((await get(pending)).json.status, 'completed');

    const failed = await finished({ durationMs: 0, failAt: 1, failCode: 'bad_input' });
    const view = (await get(failed)).json;
    assert.equal(view.status, 'failed');
    assert.match(view.error, /Failed at step 1/);
    const native = (await server.request('GET', `/v1/jobs/${failed}`, { key: account.key })).json;
    assert.equal(view.apiCreditCost, native.creditsCharged - native.creditsRefunded);
  });

  it('ends the seed’s polling loops: completed in JavaScript and Python, cancelled as failed', async () => {
    const done = await finished({ durationMs: 3 });
    const js = await runSeed('cloudlayer-poll.mjs', { ...urls(), job_abc123def456: done });
    assert.equal(js.code, 0, js.stderr);
    assert.match(js.stdout, /^Completed in \d+ms, size: 0 bytes\n$/);

    const cancelled = await create({ durationMs: 600_000 });
    assert.equal((await server.request('POST', `/v1/jobs/${cancelled}/cancel`, { key: account.key })).status, 200);
    const stuck = await runSeed('cloudlayer-poll.mjs', { ...urls(), job_abc123def456: cancelled });
    assert.notEqual(stuck.code, 0);
    assert.match(stuck.stderr, new RegExp(`Job ${cancelled} failed`));
  });

  it('runs the seed’s Python polling loop and usage analytics', { skip: pythonSkip }, async () => {
    const done = await finished({ durationMs: 2 });
    const poll = await runSeed('cloudlayer-poll.py', { ...urls(), job_abc123def456: done });
    assert.equal(poll.code, 0, poll.stderr);
    assert.match(poll.stdout, /^Completed in \d+ms, size: 0 bytes\n$/);
    const stats = await runSeed('cloudlayer-analytics.py', urls());
    assert.equal(stats.code, 0, stats.stderr);
    assert.match(stats.stdout, /^Total credits used: \d+\nAverage processing time: \d+ms\nTotal output size: 0\.00 MB\nFailed jobs: \d+\n$/);
  });

  it('lists newest first as a plain array, through the seed’s list, and pages to the end', async () => {
    const other = await server.createAccount({ credits: 100 });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const answer = await server.request('POST', '/v1/jobs', { key: other.key, body: sleepJob({ durationMs: 600_000 }, { runAt: new Date(Date.now() + 86_400_000).toISOString() }) });
      ids.push(answer.json.id);
    }
    const run = await runSeed('cloudlayer-list.mjs', { ...urls(), 'your-api-key-here': other.key });
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trim().split('\n');
    assert.equal(lines.length, 10);
    assert.deepEqual(lines.map((line) => line.split(' | ')[0]), ids.slice().reverse().slice(0, 10));
    assert.match(lines[0]!, / \| demo\/sleep \| pending \| 0ms$/);

    const seen: string[] = [];
    for (let offset = 0; ; offset += 5) {
      const page = await server.request('GET', `/compat/cloudlayer/v1/jobs?limit=5&offset=${offset}`, { key: other.key });
      assert.equal(page.status, 200);
      assert.ok(Array.isArray(page.json));
      if (page.json.length === 0) break;
      seen.push(...page.json.map((job: { id: string }) => job.id));
    }
    assert.deepEqual(seen, ids.slice().reverse());
    const defaults = await server.request('GET', '/compat/cloudlayer/v2/jobs', { key: account.key });
    assert.ok(defaults.json.length <= 25);
  });

  it('answers errors in its own shape: wrong key 401, another account’s job 404, bad paging 400, never 5xx', async () => {
    const id = await create();
    const wrong = await get(id, 'lr_wrong');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.code, 'unauthorized');
    assert.equal(typeof wrong.json.error, 'string');
    const none = await server.request('GET', `/compat/cloudlayer/v2/jobs/${id}`);
    assert.equal(none.status, 401);

    const other = await server.createAccount();
    const theirs = await get(id, other.key);
    assert.equal(theirs.status, 404);
    assert.deepEqual(theirs.json, { error: `Job ${id} not found`, code: 'not_found' });
    assert.equal((await get('nonsense', account.key)).status, 404);

    for (const query of ['limit=0', 'limit=101', 'limit=abc', 'offset=-1', 'colour=red']) {
      const answer = await server.request('GET', `/compat/cloudlayer/v2/jobs?${query}`, { key: account.key });
      assert.equal(answer.status, 400, query);
      assert.equal(answer.json.code, 'invalid_request');
      assert.match(answer.json.error, new RegExp(`query ${query.split('=')[0]}`), query);
    }
    const unknown = await server.request('GET', '/compat/cloudlayer/v3/jobs', { key: account.key });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.code, 'not_found');
  });

  it('documents itself at /compat/cloudlayer/openapi.json and stays out of the native document', async () => {
    const doc = (await server.request('GET', '/compat/cloudlayer/openapi.json')).json;
    assert.equal(doc.openapi, '3.1.0');
    const gets = Object.keys(doc.paths).filter((path) => doc.paths[path].get).sort();
    assert.deepEqual(gets, ['/compat/cloudlayer/v1/jobs', '/compat/cloudlayer/v1/jobs/{id}', '/compat/cloudlayer/v2/jobs', '/compat/cloudlayer/v2/jobs/{id}']);
    assert.equal(doc.paths['/compat/cloudlayer/v2/jobs'].get.parameters.find((p: { name: string }) => p.name === 'limit').schema.maximum, 100);
    const native = (await server.request('GET', '/openapi.json')).json;
    assert.ok(!Object.keys(native.paths).some((path) => path.startsWith('/compat')));
  });

  it('is not mounted with --compat none', async () => {
    const bare = await startTestServer({ compat: [] });
    try {
      const key = (await bare.createAccount()).key;
      const answer = await bare.request('GET', '/compat/cloudlayer/v2/jobs', { key });
      assert.equal(answer.status, 404);
      assert.equal(answer.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      assert.equal((await bare.request('GET', '/compat/cloudlayer/openapi.json')).status, 404);
    } finally {
      await bare.close();
    }
  });
});
