// The HTTP worker protocol end to end, against a real listening server, spoken with fetch as a
// remote worker would: claim, heartbeat with progress and a checkpoint, upload a file, complete;
// the long-poll waking on a new job; every stale-lease reason; a repeated complete; fail and release.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/index.js';
import { reapExpired } from '../../src/service/index.js';
import { type TestAccount, type TestServer, jobReaches, startTestServer } from '../helpers/server.js';
import { assertLeaseLost, issueWorkerKey, workerClient } from './helpers.js';

describe('worker protocol', () => {
  const clock = new ManualClock();
  let server: TestServer;
  let account: TestAccount;
  let worker: ReturnType<typeof workerClient>;
  let workerKey: string;

  before(async () => {
    server = await startTestServer({ clock, render: { maxOutputBytes: 1024 } });
    account = await server.createAccount({ credits: 100 });
    workerKey = (await issueWorkerKey(server, ['demo/sleep'])).key;
    worker = workerClient(server, workerKey);
  });
  after(() => server.close());

  /** createJob makes a demo/sleep job for the account (no in-process worker runs it). */
  async function createJob(extra: Record<string, unknown> = {}) {
    const answer = await server.request('POST', '/v1/jobs', { key: account.key, body: { type: 'demo/sleep', input: { durationMs: 5 }, ...extra } });
    assert.equal(answer.status, 201, answer.text);
    return answer.json as { id: string };
  }

  it('runs a job end to end: claim, heartbeat with progress, upload a file, complete; the owner downloads the file', async () => {
    const created = await createJob({ metadata: { order: '42' }, priority: 5 });
    const claim = await worker.claim({ max: 4, host: 'gpu-7', concurrency: 8 });
    assert.equal(claim.status, 200, claim.text);
    assert.match(claim.json.workerId, /^wrk_/);
    assert.equal(claim.json.leaseMs, 30_000);
    const [job] = claim.json.jobs;
    assert.deepEqual(
      { ...job, leaseToken: typeof job.leaseToken },
      {
        id: created.id,
        type: 'demo/sleep',
        input: { durationMs: 5 },
        attempt: 1,
        maxAttempts: 3,
        metadata: { order: '42' },
        timeoutMs: job.timeoutMs,
        leaseToken: 'string',
        leaseExpiresAt: new Date(clock.now().getTime() + 30_000).toISOString(),
        checkpoint: null,
      },
    );

    const workers = await server.request('GET', '/v1/admin/workers', { key: server.adminKey! });
    assert.equal(workers.status, 200);
    const seen = workers.json.data.find((w: { id: string }) => w.id === claim.json.workerId);
    assert.deepEqual({ ...seen, keyId: undefined }, {
      id: claim.json.workerId,
      name: 'test workers',
      keyId: undefined,
      host: 'gpu-7',
      types: ['demo/sleep'],
      concurrency: 8,
      jobsInHand: 1,
      firstSeenAt: clock.now().toISOString(),
      lastSeenAt: clock.now().toISOString(),
    });

    clock.advance(1_000);
    const beat = await worker.heartbeat(job, { progress: 50, statusMessage: 'halfway', checkpoint: { step: 2 } });
    assert.equal(beat.status, 200, beat.text);
    assert.deepEqual(beat.json, { id: job.id, leaseExpiresAt: new Date(clock.now().getTime() + 30_000).toISOString(), progress: 50, statusMessage: 'halfway' });
    const seenByOwner = await server.request('GET', `/v1/jobs/${job.id}`, { key: account.key });
    assert.equal(seenByOwner.json.progress, 50);
    assert.equal(seenByOwner.json.statusMessage, 'halfway');

    const upload = await worker.upload(job, 'out.txt', new TextEncoder().encode('hello, world'), 'text/plain');
    assert.equal(upload.status, 201, upload.text);
    assert.deepEqual(upload.json, { name: 'out.txt', url: `/v1/jobs/${job.id}/files/out.txt`, contentType: 'text/plain; charset=utf-8', size: 12 });

    const done = await worker.complete(job, { text: 'done', files: [upload.json] });
    assert.equal(done.status, 200, done.text);
    assert.equal(done.json.status, 'completed');
    assert.equal(done.json.progress, 100);
    assert.equal(done.json.size, 12);
    assert.equal(done.json.worker, claim.json.workerId);
    assert.deepEqual(done.json.output, { text: 'done', files: [upload.json] });

    const file = await fetch(`${server.url}/v1/jobs/${job.id}/files/out.txt`, { headers: { 'x-api-key': account.key } });
    assert.equal(file.status, 200);
    assert.equal(await file.text(), 'hello, world');
    const after = await server.request('GET', '/v1/admin/workers', { key: server.adminKey! });
    assert.equal(after.json.data.find((w: { id: string }) => w.id === claim.json.workerId).jobsInHand, 0);
  });

  it('a claim that long-polls answers at once when a job of its type is created', async () => {
    // Park the claim: once its first look finds nothing, it is listening on the bus.
    const store = server.store;
    const realClaim = store.jobClaim.bind(store);
    let firstLook!: () => void;
    const looked = new Promise<void>((resolve) => (firstLook = resolve));
    store.jobClaim = async (p) => {
      const jobs = await realClaim(p);
      if (jobs.length === 0) firstLook();
      return jobs;
    };
    try {
      const started = performance.now();
      const claiming = worker.claim({ max: 1, waitSeconds: 20 });
      await looked;
      const created = await createJob();
      const answer = await claiming;
      const tookMs = performance.now() - started;
      assert.equal(answer.status, 200, answer.text);
      assert.deepEqual(answer.json.jobs.map((j: { id: string }) => j.id), [created.id]);
      assert.ok(tookMs < 10_000, `answered after ${Math.round(tookMs)} ms, well before the 20 s wait`);
      assertStatus((await worker.complete(answer.json.jobs[0], null)).status, 200);
    } finally {
      store.jobClaim = realClaim;
    }
  });

  it('a claim whose client goes away stops waiting and takes nothing', async () => {
    const store = server.store;
    const bus = server.deps.bus;
    const realClaim = store.jobClaim.bind(store);
    const realOnSignal = bus.onSignal.bind(bus);
    let firstLook!: () => void;
    const looked = new Promise<void>((resolve) => (firstLook = resolve));
    let stopped!: () => void;
    const stoppedListening = new Promise<void>((resolve) => (stopped = resolve));
    store.jobClaim = async (p) => {
      const jobs = await realClaim(p);
      if (jobs.length === 0) firstLook();
      return jobs;
    };
    // The claim's bus listener is removed when its wait ends: that is when the server let go.
    bus.onSignal = (listener) => {
      const stop = realOnSignal(listener);
      return () => {
        stop();
        stopped();
      };
    };
    try {
      const controller = new AbortController();
      const claiming = fetch(`${server.url}/v1/worker/claim`, {
        method: 'POST',
        headers: { 'x-api-key': workerKey, 'content-type': 'application/json' },
        body: JSON.stringify({ max: 1, waitSeconds: 20 }),
        signal: controller.signal,
      }).catch((error: unknown) => error);
      await looked;
      const abortedAt = performance.now();
      controller.abort();
      assert.ok((await claiming) instanceof Error);
      await stoppedListening;
      const heldMs = performance.now() - abortedAt;
      assert.ok(heldMs < 10_000, `stopped waiting ${Math.round(heldMs)} ms after the client left, not at the end of its 20 s wait`);
      const created = await createJob();
      const stored = await server.store.jobGet({ id: created.id });
      assert.equal(stored!.status, 'pending');
      assert.equal(stored!.attempts, 0);
      assertStatus((await worker.complete(await worker.claimOne(), null)).status, 200);
    } finally {
      store.jobClaim = realClaim;
      bus.onSignal = realOnSignal;
    }
  });

  it('a claim takes the highest priority first, then the oldest, up to max', async () => {
    // A millisecond apart: ids made in one millisecond of the manual clock do not say which came first.
    const low = await createJob({ priority: 1 });
    clock.advance(1);
    const high = await createJob({ priority: 9 });
    clock.advance(1);
    const lowLater = await createJob({ priority: 1 });
    const answer = await worker.claim({ max: 2 });
    assert.deepEqual(answer.json.jobs.map((j: { id: string }) => j.id), [high.id, low.id]);
    const rest = await worker.claim({ max: 5 });
    assert.deepEqual(rest.json.jobs.map((j: { id: string }) => j.id), [lowLater.id]);
    for (const job of [...answer.json.jobs, ...rest.json.jobs]) assertStatus((await worker.complete(job, null)).status, 200);
  });

  it('a claim with nothing due and no wait answers an empty list', async () => {
    const answer = await worker.claim({ max: 2, waitSeconds: 0 });
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(answer.json.jobs, []);
  });

  it('a repeated complete with the same lease answers 200 with the job, changing nothing', async () => {
    await createJob();
    const job = await worker.claimOne();
    const first = await worker.complete(job, { n: 1 });
    assert.equal(first.status, 200, first.text);
    const again = await worker.complete(job, { n: 2 });
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.json, first.json);
  });

  it('a stale lease changes nothing and answers 409 lease_lost: superseded for a token that never held the job', async () => {
    await createJob();
    const job = await worker.claimOne();
    const before = await server.store.jobGet({ id: job.id });
    for (const answer of [
      await worker.heartbeat({ ...job, leaseToken: 'not-the-lease' }, { progress: 10 }),
      await worker.complete({ ...job, leaseToken: 'not-the-lease' }, {}),
      await worker.fail({ ...job, leaseToken: 'not-the-lease' }, { error: { code: 'boom' } }),
      await worker.release({ ...job, leaseToken: 'not-the-lease' }),
      await worker.upload({ ...job, leaseToken: 'not-the-lease' }, 'x.txt', new Uint8Array([1])),
    ]) assertLeaseLost(answer, 'superseded');
    assert.deepEqual(await server.store.jobGet({ id: job.id }), before);
    assertStatus((await worker.complete(job, null)).status, 200);
  });

  it('cancelled: the owner cancels, and the heartbeat and the complete answer lease_lost cancelled', async () => {
    await createJob();
    const job = await worker.claimOne();
    assertStatus((await server.request('POST', `/v1/jobs/${job.id}/cancel`, { key: account.key })).status, 200);
    assertLeaseLost(await worker.heartbeat(job, { progress: 20 }), 'cancelled');
    assertLeaseLost(await worker.complete(job, { late: true }), 'cancelled');
    const stored = await server.store.jobGet({ id: job.id });
    assert.equal(stored!.status, 'cancelled');
    assert.equal(stored!.output, null);
  });

  it('timeout: a heartbeat after the attempt’s timeoutMs fails it with timeout and answers lease_lost timeout', async () => {
    await createJob({ timeoutMs: 5_000 });
    const job = await worker.claimOne();
    clock.advance(5_001);
    assertLeaseLost(await worker.heartbeat(job, {}), 'timeout');
    const stored = await server.store.jobGet({ id: job.id });
    assert.equal(stored!.status, 'pending', 'retried, as an in-process timeout is');
    assert.equal(stored!.error?.code, 'timeout');
    assertLeaseLost(await worker.complete(job, {}), 'timeout');
    clock.advance(60_000);
    const retry = await worker.claimOne();
    assert.equal(retry.id, job.id);
    assert.equal(retry.attempt, 2);
    assertLeaseLost(await worker.heartbeat(job, {}), 'superseded');
    assertStatus((await worker.complete(retry, null)).status, 200);
  });

  it('expired: a lease that ran out is reaped; the old lease answers expired, and superseded once the job is claimed again, which gets the checkpoint', async () => {
    await createJob();
    const job = await worker.claimOne();
    assertStatus((await worker.heartbeat(job, { checkpoint: { frame: 120 } })).status, 200);
    clock.advance(30_001);
    await reapExpired(server.deps, { limit: 100 });
    assertLeaseLost(await worker.heartbeat(job, {}), 'expired');
    clock.advance(60_000);
    const again = await worker.claimOne();
    assert.equal(again.id, job.id);
    assert.deepEqual(again.checkpoint, { frame: 120 });
    assertLeaseLost(await worker.complete(job, {}), 'superseded');
    assertStatus((await worker.complete(again, null)).status, 200);
  });

  it('fail with retryable false fails the job for good and refunds it; a retryable fail retries it', async () => {
    await createJob();
    let job = await worker.claimOne();
    const retried = await worker.fail(job, { error: { code: 'flaky', message: 'try again' } });
    assert.equal(retried.status, 200, retried.text);
    assert.equal(retried.json.status, 'pending');
    clock.advance(60_000);
    job = await worker.claimOne();
    const failed = await worker.fail(job, { error: { code: 'bad_input', message: 'no' }, retryable: false });
    assert.equal(failed.status, 200, failed.text);
    assert.equal(failed.json.status, 'failed');
    assert.deepEqual(failed.json.error, { code: 'bad_input', message: 'no' });
    assert.equal(failed.json.creditsRefunded, failed.json.creditsCharged);
  });

  it('release hands the job back untouched, its attempt not counted', async () => {
    await createJob();
    const job = await worker.claimOne();
    const released = await worker.release(job);
    assert.equal(released.status, 200, released.text);
    assert.equal(released.json.status, 'pending');
    assert.equal(released.json.attempts, 0);
    const again = await worker.claimOne();
    assert.equal(again.attempt, 1);
    assertStatus((await worker.complete(again, null)).status, 200);
  });

  it('refuses bad input with a 4xx naming the field, changing nothing', async () => {
    await createJob();
    const job = await worker.claimOne();
    const tooBig = await worker.upload(job, 'big.bin', new Uint8Array(2048));
    assert.equal(tooBig.status, 413, tooBig.text);
    const badName = await worker.upload(job, '.hidden', new Uint8Array(1));
    assert.equal(badName.status, 400, badName.text);
    const noLease = await server.request('POST', `/v1/worker/jobs/${job.id}/heartbeat`, { key: workerKey, body: {} });
    assert.equal(noLease.status, 400, noLease.text);
    assert.match(noLease.json.detail, /longrun-lease/);
    const bigCheckpoint = await worker.heartbeat(job, { checkpoint: { blob: 'x'.repeat(70_000) } });
    assert.equal(bigCheckpoint.status, 400, bigCheckpoint.text);
    assert.match(bigCheckpoint.json.detail, /checkpoint/);
    const missingFile = await worker.complete(job, { files: [{ name: 'never-uploaded.txt' }] });
    assert.equal(missingFile.status, 400, missingFile.text);
    assert.match(missingFile.json.detail, /\/output\/files\/0\/name/);
    const badClaim = await worker.claim({ max: 33 });
    assert.equal(badClaim.status, 400);
    assert.match(badClaim.json.detail, /max/);
    const badWait = await worker.claim({ max: 1, waitSeconds: 21 });
    assert.equal(badWait.status, 400);
    assert.equal((await server.store.jobGet({ id: job.id }))!.status, 'running');
    assertStatus((await worker.complete(job, null)).status, 200);
    await jobReaches(server, job.id, (j) => j.status === 'completed');
  });
});

function assertStatus(actual: number, expected: number): void {
  assert.equal(actual, expected);
}
