// The Python worker library end to end: real `python3` processes running a worker script with the
// library from the checkout, against a real listening server whose own workers do not serve the
// type (it is declared without code). The server runs on a manual clock, so a lease runs out only
// when the test says; the workers heartbeat on their real clock every third of a 3 s lease, which
// is what brings a cancel to the handler in about a second.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/index.js';
import { reapExpired } from '../../src/service/index.js';
import type { LongrunProcess } from '../helpers/processes.js';
import { type TestAccount, type TestServer, jobReaches, startTestServer } from '../helpers/server.js';
import { issueWorkerKey } from '../worker-protocol/helpers.js';
import { type RecordingProxy, pythonSkipReason, spawnPythonWorker, startRecordingProxy, within } from './helpers.js';

const TYPE = 'py/e2e';
const EXAMPLE_DIR = new URL('../../examples/python-worker', import.meta.url).pathname;
const LEASE_MS = 3_000;
const skip = pythonSkipReason();

describe('Python worker library against a real server', { skip }, () => {
  const clock = new ManualClock();
  let server: TestServer;
  let account: TestAccount;
  let workerKey: string;
  const started: LongrunProcess[] = [];
  /** proxy stands between the Python workers and the server, recording every call they make. */
  let proxy: RecordingProxy;
  /** completeCalls are the complete requests a worker sent for the job, whatever the answer. */
  const completeCalls = (id: string) => proxy.seen.filter((line) => line.startsWith(`POST /v1/worker/jobs/${id}/complete `));

  before(async () => {
    server = await startTestServer({ clock, service: { leaseMs: LEASE_MS } });
    const declared = await server.request('PUT', `/v1/admin/job-types/${TYPE}`, {
      key: server.adminKey!,
      body: {
        description: 'Runs what its input says, in Python',
        inputSchema: { type: 'object', required: ['mode'], properties: { mode: { type: 'string' }, text: { type: 'string' } } },
        creditCost: 1,
        timeoutMs: 600_000,
        maxAttempts: 3,
      },
    });
    assert.equal(declared.status, 201, declared.text);
    account = await server.createAccount({ credits: 100 });
    workerKey = (await issueWorkerKey(server, [TYPE], 'python workers')).key;
    proxy = await startRecordingProxy(server.url);
  });
  afterEach(async () => {
    // Every process a test started is gone before the next test, whatever happened.
    await Promise.all(started.splice(0).map((worker) => worker.kill('SIGKILL')));
    // …and so is every job it left unfinished, so the next test's worker takes only its own.
    const open = await server.request('GET', '/v1/jobs?status=pending,running&limit=100', { key: account.key });
    assert.equal(open.status, 200, open.text);
    for (const job of open.json.data) assert.equal((await server.request('POST', `/v1/jobs/${job.id}/cancel`, { key: account.key })).status, 200);
  });
  after(async () => {
    await proxy?.close();
    await server?.close();
  });

  function startWorker(name: string, env: Record<string, string> = {}): LongrunProcess {
    const worker = spawnPythonWorker(name, { LONGRUN_URL: proxy.url, LONGRUN_WORKER_KEY: workerKey, WORKER_TYPE: TYPE, ...env });
    started.push(worker);
    return worker;
  }

  async function createJob(input: Record<string, unknown>): Promise<string> {
    const answer = await server.request('POST', '/v1/jobs', { key: account.key, body: { type: TYPE, input } });
    assert.equal(answer.status, 201, answer.text);
    return answer.json.id;
  }

  /** stopWorker sends SIGTERM and checks the worker said goodbye and exited 0. */
  async function stopWorker(worker: LongrunProcess, said = /^exiting/): Promise<void> {
    worker.child.kill('SIGTERM');
    const exit = await within(10_000, `${worker.name} exits on SIGTERM`, worker.exited);
    assert.deepEqual(exit, { code: 0, signal: null }, worker.output());
    assert.ok(worker.stdout.some((line) => said.test(line)), worker.output());
  }

  it('runs a job with progress, a file and output; the file downloads through the API', async () => {
    const id = await createJob({ mode: 'report', text: 'hello, world' });
    const halfway = jobReaches(server, id, (job) => job.progress === 50);
    const worker = startWorker('python worker');
    await within(10_000, 'the handler starts', worker.waitForLine(new RegExp(`^started ${id} 1 report`)));
    const seen = await within(5_000, 'progress 50 reaches the API', halfway);
    assert.equal(seen.statusMessage, 'halfway');
    assert.equal(seen.status, 'running');
    worker.child.stdin!.write('go\n');

    const done = await within(10_000, 'the job completes', jobReaches(server, id, (job) => job.status !== 'running'));
    assert.equal(done.status, 'completed', worker.output());
    const shown = await server.request('GET', `/v1/jobs/${id}`, { key: account.key });
    const expectedFile = 'report.txt';
    const content = '12 characters\ndlrow ,olleh\n';
    assert.deepEqual(shown.json.output, {
      reversed: 'dlrow ,olleh',
      files: [{ name: expectedFile, url: `/v1/jobs/${id}/files/${expectedFile}`, contentType: 'text/plain; charset=utf-8', size: content.length }],
    });
    assert.equal(shown.json.size, content.length);
    assert.match(shown.json.worker, /^wrk_/);
    const file = await fetch(`${server.url}/v1/jobs/${id}/files/${expectedFile}`, { headers: { 'x-api-key': account.key } });
    assert.equal(file.status, 200);
    assert.equal(await file.text(), content);

    // The same process reports failures: JobFailed with its own code, any other exception retried with its message.
    const failed = await createJob({ mode: 'fail' });
    const crashed = await createJob({ mode: 'crash' });
    const failedJob = await within(10_000, 'JobFailed fails the job', jobReaches(server, failed, (job) => job.status === 'failed'));
    assert.deepEqual(failedJob.error, { code: 'bad_text', message: 'the text is not allowed' });
    const retried = await within(10_000, 'an exception is a retryable failure', jobReaches(server, crashed, (job) => job.status === 'pending' && job.error !== null));
    assert.deepEqual(retried.error, { code: 'handler_error', message: 'division went wrong' });
    await stopWorker(worker);
  });

  it('a cancel reaches the handler within 2 s through the heartbeat; the library does not complete the job', async () => {
    const id = await createJob({ mode: 'wait-cancel' });
    const worker = startWorker('python worker');
    await within(10_000, 'the handler starts', worker.waitForLine(new RegExp(`^started ${id} `)));
    const cancelledAt = performance.now();
    const cancel = await server.request('POST', `/v1/jobs/${id}/cancel`, { key: account.key });
    assert.equal(cancel.status, 200, cancel.text);
    await within(2_000, 'the cancel reaches the Python handler', worker.waitForLine(new RegExp(`^stopped ${id} cancelled$`)));
    const tookMs = performance.now() - cancelledAt;
    assert.ok(tookMs < 2_000, `the handler heard of the cancel after ${Math.round(tookMs)} ms`);

    // The handler returned an output after the cancel; the worker must throw it away. Once the
    // worker has exited (SIGTERM waits for nothing it holds), nothing more can come.
    await stopWorker(worker);
    assert.deepEqual(completeCalls(id), [], 'the library never asked to complete a cancelled job');
    assert.ok(proxy.seen.includes(`POST /v1/worker/jobs/${id}/heartbeat → 409`), 'the cancel came as a heartbeat’s 409');
    const stored = await server.store.jobGet({ id });
    assert.equal(stored!.status, 'cancelled');
    assert.equal(stored!.output, null);
  });

  it('a worker killed with SIGKILL mid-job loses its lease; the job completes on another worker, from the saved checkpoint', async () => {
    const id = await createJob({ mode: 'resume' });
    const checkpointed = jobReaches(server, id, (job) => job.progress === 10);
    const first = startWorker('python worker 1');
    await within(10_000, 'the first attempt starts', first.waitForLine(new RegExp(`^started ${id} 1 resume`)));
    const seen = await within(5_000, 'the checkpoint heartbeat arrives', checkpointed);
    const firstWorkerId = seen.worker;
    await first.kill('SIGKILL');

    clock.advance(LEASE_MS + 1);
    await reapExpired(server.deps, { limit: 100 }); // the server's own reaper may have been first: either way
    const reaped = await within(5_000, 'the lease is reaped', jobReaches(server, id, (job) => job.status === 'pending'));
    assert.equal(reaped.error?.code, 'lease_expired');
    clock.advance(60_000); // past the retry backoff

    const second = startWorker('python worker 2');
    const done = await within(10_000, 'the job completes on the second worker', jobReaches(server, id, (job) => job.status === 'completed'));
    assert.deepEqual(done.output, { resumedFrom: { step: 1 }, attempt: 2 });
    assert.notEqual(done.worker, firstWorkerId);
    assert.equal(done.attempts, 2);
    await stopWorker(second);
  });

  it('a lease that ran out while the handler worked: the handler is told, and the stale result is never completed', async () => {
    const id = await createJob({ mode: 'resume' });
    const checkpointed = jobReaches(server, id, (job) => job.progress === 10);
    const worker = startWorker('python worker');
    await within(10_000, 'the handler starts', worker.waitForLine(new RegExp(`^started ${id} 1 resume`)));
    await within(5_000, 'the first heartbeat arrives', checkpointed);
    // The server stops hearing the lease (as if the worker had been cut off), and reaps it.
    clock.advance(LEASE_MS + 1);
    await reapExpired(server.deps, { limit: 100 });
    await within(5_000, 'the lease is reaped', jobReaches(server, id, (job) => job.status === 'pending'));
    // The next heartbeat answers 409 lease_lost expired; the handler hears it and returns an output.
    await within(5_000, 'the lease loss reaches the handler', worker.waitForLine(new RegExp(`^stopped ${id} expired$`)));
    await stopWorker(worker);
    assert.deepEqual(completeCalls(id), [], 'the library never asked to complete with a lease it lost');
    const stored = await server.store.jobGet({ id });
    assert.equal(stored!.status, 'pending');
    assert.equal(stored!.output, null);
  });

  it('SIGTERM hands a running job back untouched (its attempt not counted) and exits 0', async () => {
    const id = await createJob({ mode: 'wait-cancel' });
    const worker = startWorker('python worker');
    await within(10_000, 'the handler starts', worker.waitForLine(new RegExp(`^started ${id} `)));
    const released = jobReaches(server, id, (job) => job.status === 'pending');
    await stopWorker(worker);
    const job = await within(5_000, 'the job is handed back', released);
    assert.equal(job.attempts, 0);
    assert.deepEqual(completeCalls(id), []);
    assert.deepEqual(proxy.seen.filter((line) => line.includes(`${id}/release`)), [`POST /v1/worker/jobs/${id}/release → 200`]);
  });

  it('the example in examples/python-worker declares its type from its JSON, writes its report and completes', async () => {
    const spec = JSON.parse(readFileSync(join(EXAMPLE_DIR, 'text-report.json'), 'utf8'));
    const declared = await server.request('PUT', `/v1/admin/job-types/${spec.type}`, { key: server.adminKey!, body: spec });
    assert.equal(declared.status, 201, declared.text);
    const key = (await issueWorkerKey(server, [spec.type], 'example')).key;
    const worker = spawnPythonWorker('example worker', { LONGRUN_URL: proxy.url, LONGRUN_WORKER_KEY: key }, join(EXAMPLE_DIR, 'worker.py'));
    started.push(worker);
    const created = await server.request('POST', '/v1/jobs', {
      key: account.key,
      body: { type: spec.type, input: { title: 'Fish', text: 'One fish, two fish,\nred fish, blue fish.\nOne more.', top: 2 } },
    });
    assert.equal(created.status, 201, created.text);
    const done = await within(10_000, 'the report is done', jobReaches(server, created.json.id, (job) => job.status !== 'pending' && job.status !== 'running'));
    assert.equal(done.status, 'completed', worker.output());
    const output = done.output as { words: number; top: unknown[]; files: { name: string }[] };
    assert.equal(output.words, 10);
    assert.deepEqual(output.top, [{ word: 'fish', count: 4 }, { word: 'one', count: 2 }]);
    assert.deepEqual(output.files.map((f) => f.name), ['report.md', 'counts.json']);
    const report = await fetch(`${server.url}/v1/jobs/${done.id}/files/report.md`, { headers: { 'x-api-key': account.key } });
    assert.equal(report.status, 200);
    assert.match(await report.text(), /^# Fish\n\n10 words \(6 different\) on 3 lines\.\n[\s\S]*\| 1 \| fish \| 4 \| 40\.0 % \|/);
    await stopWorker(worker, /working on/);
  });

  it('run(max_jobs=N) takes N jobs, finishes them and returns', async () => {
    const ids = [await createJob({ mode: 'noop' }), await createJob({ mode: 'noop' }), await createJob({ mode: 'noop' })];
    const worker = startWorker('python worker', { WORKER_MAX_JOBS: '3', WORKER_CONCURRENCY: '2' });
    const exit = await within(10_000, 'the worker exits after 3 jobs', worker.exited);
    assert.deepEqual(exit, { code: 0, signal: null }, worker.output());
    assert.ok(worker.stdout.includes('exiting 3'), worker.output());
    for (const id of ids) assert.equal((await server.store.jobGet({ id }))!.status, 'completed');
  });
});
