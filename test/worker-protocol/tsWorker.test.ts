// `longrun worker --api` in process: startRemoteWorker runs the same job types (built in and from
// a --handlers module) against a real listening API node with --workers 0, over the HTTP worker
// protocol alone. Progress, files, cancel, a lost lease and shutdown, each waited for on an event.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Job } from '../../src/domain/index.js';
import { type RunningRemoteWorker, TypeOutsideKeyError, UnservableJobTypeError, WorkerKeyRefusedError, startRemoteWorker } from '../../src/runtime/index.js';
import { type TestAccount, type TestServer, jobReaches, startTestServer } from '../helpers/server.js';
import { finishHeld, holdEvents } from './fixtures/tsWorkerHandlers.js';
import { issueWorkerKey, workerClient } from './helpers.js';

const handlers = fileURLToPath(new URL('./fixtures/tsWorkerHandlers.ts', import.meta.url));
const TYPES = ['demo/sleep', 'test/write-file', 'test/hold'];

/** startedHold resolves when the test/hold attempt of `jobId` starts (listen before creating the job). */
function holdSignal(event: 'started' | 'aborted', jobId: () => string): Promise<string> {
  return new Promise((resolve) => {
    const listener = (id: string, reason?: string) => {
      if (id !== jobId()) return;
      holdEvents.off(event, listener);
      resolve(reason ?? id);
    };
    holdEvents.on(event, listener);
  });
}

describe('longrun worker --api (in process)', { timeout: 60_000 }, () => {
  let server: TestServer;
  let account: TestAccount;
  let workerKey: string;
  let worker: RunningRemoteWorker | null = null;

  before(async () => {
    server = await startTestServer({ workers: 0, handlers });
    account = await server.createAccount({ credits: 1000 });
    workerKey = (await issueWorkerKey(server, TYPES)).key;
  });
  afterEach(async () => {
    await worker?.close();
    worker = null;
  });
  after(() => server.close());

  function startWorker(extra: { concurrency?: number; graceMs?: number; types?: string[] } = {}) {
    return startRemoteWorker({
      api: server.url,
      workerKey,
      concurrency: extra.concurrency ?? 2,
      graceMs: extra.graceMs ?? 10_000,
      types: extra.types,
      handlers,
      logLevel: 'silent',
      // Frequent heartbeats bring a cancel or a lost lease to the attempt quickly; the wait is on events.
      heartbeatMs: 20,
    });
  }

  async function createJob(type: string, input: Record<string, unknown>): Promise<string> {
    const answer = await server.request('POST', '/v1/jobs', { key: account.key, body: { type, input } });
    assert.equal(answer.status, 201, answer.text);
    return answer.json.id;
  }

  it('runs every type of the key that it has a handler for: demo/sleep to completion, with its progress recorded', async () => {
    worker = await startWorker();
    assert.deepEqual([...worker.pool.types].sort(), [...TYPES].sort());
    assert.deepEqual(worker.key.types, TYPES);
    const progress: number[] = [];
    let id = '';
    const stop = server.deps.bus.onAny((change) => {
      if (change.kind === 'progress' && change.job.id === id) progress.push(change.job.progress);
    });
    id = await createJob('demo/sleep', { durationMs: 0, steps: 2 });
    const done = await jobReaches(server, id, (job) => job.status !== 'running' && job.status !== 'pending');
    stop();
    assert.equal(done.status, 'completed', JSON.stringify(done.error));
    assert.deepEqual(done.output, { sleptMs: 0 });
    assert.equal(done.worker, worker.pool.workerId);
    assert.deepEqual(progress, [50, 99]); // the second step's 100 is recorded as 99; completion makes it 100
  });

  it('a --handlers type stores a file through the API, which the owner downloads; its bytes are the job size', async () => {
    worker = await startWorker();
    const id = await createJob('test/write-file', { text: 'written far away' });
    const done = await jobReaches(server, id, (job) => job.status === 'completed' || job.status === 'failed');
    assert.equal(done.status, 'completed', JSON.stringify(done.error));
    const output = done.output as { files: { name: string; url: string; size: number }[]; length: number };
    assert.equal(output.files[0]!.name, 'out.txt');
    assert.equal(done.size, 'written far away'.length);
    const download = await server.request('GET', output.files[0]!.url, { key: account.key });
    assert.equal(download.status, 200);
    assert.equal(download.text, 'written far away');
  });

  it('a cancel reaches the handler\'s AbortSignal (through the heartbeat\'s 409), and the job stays cancelled', async () => {
    worker = await startWorker();
    let id = '';
    const started = holdSignal('started', () => id);
    const aborted = holdSignal('aborted', () => id);
    id = await createJob('test/hold', {});
    await started;
    assert.equal((await server.request('POST', `/v1/jobs/${id}/cancel`, { key: account.key })).status, 200);
    assert.match(await aborted, /cancelled/);
    finishHeld(id); // its late return is discarded
    await worker.close();
    worker = null;
    const stored = (await server.store.jobGet({ id }))!;
    assert.equal(stored.status, 'cancelled');
    assert.equal(stored.output, null);
  });

  it('a worker whose lease is lost stops, and its late return does not complete the job', async () => {
    worker = await startWorker({ concurrency: 1 });
    let id = '';
    const started = holdSignal('started', () => id);
    const aborted = holdSignal('aborted', () => id);
    id = await createJob('test/hold', {});
    await started;
    // The job is handed back behind the worker's back and claimed by another worker: a new lease.
    const held = (await server.store.jobGet({ id }))!;
    await server.store.jobRelease({ id, leaseToken: held.leaseToken!, now: new Date() });
    const other = workerClient(server, workerKey);
    const reclaimed = await other.claimOne({ types: ['test/hold'] });
    assert.equal(reclaimed.id, id);
    assert.match(await aborted, /lease_lost/);
    finishHeld(id);
    await worker.close(); // waits for the first attempt's end: nothing may be written by then
    worker = null;
    const stored = (await server.store.jobGet({ id }))!;
    assert.equal(stored.status, 'running');
    assert.equal(stored.leaseToken, reclaimed.leaseToken);
    assert.equal(stored.output, null);
    assert.equal((await other.complete(reclaimed, { by: 'the other worker' })).status, 200);
  });

  it('shutdown hands a running job back: pending again, the attempt not counted', async () => {
    worker = await startWorker({ concurrency: 1, graceMs: 0 });
    let id = '';
    const started = holdSignal('started', () => id);
    const aborted = holdSignal('aborted', () => id);
    id = await createJob('test/hold', {});
    await started;
    const handedBack = jobReaches(server, id, (job: Job) => job.status === 'pending');
    const closing = worker.close();
    worker = null;
    assert.match(await aborted, /shutdown/);
    finishHeld(id);
    await closing;
    const pending = await handedBack;
    assert.equal(pending.attempts, 0);
    assert.equal(pending.leaseToken, null);
    // Hand it to a worker that finishes it, so the test leaves nothing running.
    const other = workerClient(server, workerKey);
    const again = await other.claimOne({ types: ['test/hold'] });
    assert.equal((await other.complete(again, null)).status, 200);
  });

  it('refuses --types outside the key\'s types, types without a handler here, and a key the API does not know', async () => {
    const narrow = (await issueWorkerKey(server, ['demo/sleep', 'py/elsewhere'])).key;
    await assert.rejects(startRemoteWorker({ api: server.url, workerKey: narrow, concurrency: 1, graceMs: 0, types: ['test/hold'], handlers, logLevel: 'silent' }), TypeOutsideKeyError);
    await assert.rejects(startRemoteWorker({ api: server.url, workerKey: narrow, concurrency: 1, graceMs: 0, types: ['py/elsewhere'], logLevel: 'silent' }), UnservableJobTypeError);
    await assert.rejects(startRemoteWorker({ api: server.url, workerKey: 'lrw_not-a-key', concurrency: 1, graceMs: 0, logLevel: 'silent' }), WorkerKeyRefusedError);
    // Without --types it runs the key's types it can run, and leaves the others to other workers.
    worker = await startRemoteWorker({ api: server.url, workerKey: narrow, concurrency: 1, graceMs: 0, logLevel: 'silent' });
    assert.deepEqual(worker.pool.types, ['demo/sleep']);
  });
});

