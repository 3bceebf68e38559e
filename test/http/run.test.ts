// Jobs that really run, over HTTP with two in-process workers: Prefer: wait, ?wait long-polls,
// failures and retries, and cancelling a running job. Waits use the API's own long-polls, the
// event bus or pool.idle(), never a timer.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type TestAccount, type TestServer, balance, jobReaches, sleepJob, startTestServer } from '../helpers/server.js';

describe('running jobs over HTTP', () => {
  let server: TestServer;
  let account: TestAccount;

  beforeEach(async () => {
    // A short safety sweep so a retry whose backoff came due is claimed quickly.
    server = await startTestServer({ workers: 2, sweepMs: 20 });
    account = await server.createAccount({ credits: 10 });
  });
  afterEach(async () => {
    await server.close();
  });

  const createWaiting = (body: unknown, wait = 10) =>
    server.request('POST', '/v1/jobs', { key: account.key, body, headers: { prefer: `wait=${wait}` } });

  it('answers a create with Prefer: wait with the completed job', async () => {
    const answer = await createWaiting(sleepJob({ durationMs: 40, steps: 4 }));
    assert.equal(answer.status, 201, answer.text);
    assert.equal(answer.headers.get('preference-applied'), 'wait=10');
    const job = answer.json;
    assert.equal(answer.headers.get('location'), `/v1/jobs/${job.id}`);
    assert.equal(job.status, 'completed');
    assert.equal(job.progress, 100);
    assert.deepEqual(job.output, { sleptMs: 40 });
    assert.equal(job.error, null);
    assert.equal(job.attempts, 1);
    assert.ok(Number.isInteger(job.processTime) && job.processTime >= 0, `processTime ${job.processTime}`);
    assert.equal(typeof job.worker, 'string');
    assert.ok(job.worker.length > 0);
    assert.equal(job.worker, server.pool?.workerId);
    assert.notEqual(job.startedAt, null);
    assert.notEqual(job.completedAt, null);
    assert.ok(job.completedAt >= job.startedAt);
    assert.equal(job.failedAt, null);
    assert.equal(job.creditsRefunded, 0);
    assert.equal(await balance(server, account.accountId), 9);
  });

  it('returns a GET ?wait as soon as the job is final, woken by the job’s change', async () => {
    const created = await server.request('POST', '/v1/jobs', { key: account.key, body: sleepJob({ durationMs: 50, steps: 2 }) });
    assert.equal(created.status, 201);
    const started = performance.now();
    const answer = await server.request('GET', `/v1/jobs/${created.json.id}?wait=5`, { key: account.key });
    const waited = performance.now() - started;
    assert.equal(answer.status, 200);
    assert.equal(answer.json.status, 'completed');
    assert.equal(answer.json.progress, 100);
    // Had it waited out its 5 s rather than waking on the change, it would have taken ≥ 5000 ms.
    assert.ok(waited < 4000, `the long-poll took ${Math.round(waited)} ms`);
  });

  it('wakes a waiting GET ?wait when the job is cancelled', async () => {
    const created = await server.request('POST', '/v1/jobs', { key: account.key, body: sleepJob({ durationMs: 60_000 }) });
    const id = created.json.id as string;
    await jobReaches(server, id, (job) => job.status === 'running');
    const listeners = server.deps.bus.listenerCount();
    const poll = server.request('GET', `/v1/jobs/${id}?wait=30`, { key: account.key });
    // Cancel only once the long-poll listens, so it is the change, not the first read, that ends it.
    await new Promise<void>((resolve) => {
      const check = () => (server.deps.bus.listenerCount() > listeners ? resolve() : setImmediate(check));
      check();
    });
    const started = performance.now();
    const cancel = await server.request('POST', `/v1/jobs/${id}/cancel`, { key: account.key });
    assert.equal(cancel.status, 200);
    const answer = await poll;
    assert.equal(answer.json.status, 'cancelled');
    assert.ok(performance.now() - started < 10_000);
  });

  it('fails a job whose handler throws on its only attempt, with the type’s code, and refunds it', async () => {
    const answer = await createWaiting(sleepJob({ durationMs: 20, steps: 2, failAt: 1 }, { maxAttempts: 1 }));
    assert.equal(answer.status, 201);
    const job = answer.json;
    assert.equal(job.status, 'failed');
    assert.equal(job.error.code, 'generation_failed');
    assert.equal(typeof job.error.message, 'string');
    assert.equal(job.attempts, 1);
    assert.equal(job.creditsCharged, 1);
    assert.equal(job.creditsRefunded, 1);
    assert.notEqual(job.failedAt, null);
    assert.equal(job.completedAt, null);
    assert.equal(job.output, null);
    assert.equal(await balance(server, account.accountId), 10);
  });

  it('fails with the failCode given', async () => {
    const answer = await createWaiting(sleepJob({ durationMs: 0, failAt: 1, failCode: 'navigation_failed' }, { maxAttempts: 1 }));
    assert.equal(answer.json.status, 'failed');
    assert.equal(answer.json.error.code, 'navigation_failed');
    assert.equal(answer.json.creditsRefunded, 1);
  });

  it('retries a job that failed once and completes it on the second attempt', async () => {
    const answer = await createWaiting(sleepJob({ durationMs: 10, steps: 2, failAt: 1, failTimes: 1 }, { maxAttempts: 2 }));
    assert.equal(answer.status, 201);
    const job = answer.json;
    assert.equal(job.status, 'completed', JSON.stringify(job));
    assert.equal(job.attempts, 2);
    assert.equal(job.progress, 100);
    assert.deepEqual(job.output, { sleptMs: 10 });
    assert.equal(job.creditsRefunded, 0);
    assert.equal(await balance(server, account.accountId), 9);
  });

  it('cancels a running job at once, refunds it and frees the worker’s slot', async () => {
    const created = await server.request('POST', '/v1/jobs', { key: account.key, body: sleepJob({ durationMs: 60_000 }) });
    const id = created.json.id as string;
    const running = await jobReaches(server, id, (job) => job.status === 'running');
    assert.equal(running.attempts, 1);

    const answer = await server.request('POST', `/v1/jobs/${id}/cancel`, { key: account.key });
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.json.status, 'cancelled');
    assert.equal(answer.json.error?.code, 'cancelled');
    assert.equal(answer.json.creditsRefunded, 1);
    assert.notEqual(answer.json.cancelledAt, null);
    assert.equal(answer.json.completedAt, null);

    await server.pool?.idle();
    assert.equal(server.pool?.runningCount, 0);
    // What the worker might report after the cancel is discarded: the job stays cancelled.
    const after = await server.request('GET', `/v1/jobs/${id}`, { key: account.key });
    assert.equal(after.json.status, 'cancelled');
    assert.equal(after.json.error?.code, 'cancelled');
    assert.equal(await balance(server, account.accountId), 10);
  });

  it('answers 409 job_not_cancellable for a completed job and reruns it', async () => {
    const done = await createWaiting(sleepJob({ durationMs: 0 }));
    assert.equal(done.json.status, 'completed');
    const cancel = await server.request('POST', `/v1/jobs/${done.json.id}/cancel`, { key: account.key });
    assert.equal(cancel.status, 409);
    assert.equal(cancel.json.code, 'job_not_cancellable');
    const rerun = await server.request('POST', `/v1/jobs/${done.json.id}/rerun`, { key: account.key, headers: { prefer: 'wait=10' } });
    assert.equal(rerun.status, 201);
    assert.equal(rerun.json.originalJobId, done.json.id);
    assert.equal(await balance(server, account.accountId), 8);
  });
  it('fails an attempt that runs past its timeoutMs with the code timeout and refunds it', async () => {
    const answer = await createWaiting(sleepJob({ durationMs: 60_000 }, { timeoutMs: 50, maxAttempts: 1 }));
    assert.equal(answer.status, 201);
    assert.equal(answer.json.status, 'failed', answer.text);
    assert.equal(answer.json.error.code, 'timeout');
    assert.equal(answer.json.timeoutMs, 50);
    assert.equal(answer.json.creditsRefunded, 1);
    await server.pool?.idle();
    assert.equal(await balance(server, account.accountId), 10);
  });

  it('answers Prefer: wait with the job as it stands when it is not final in time', async () => {
    const answer = await createWaiting(sleepJob({ durationMs: 60_000 }), 1);
    assert.equal(answer.status, 201);
    assert.ok(answer.json.status === 'pending' || answer.json.status === 'running', answer.json.status);
    assert.equal((await server.request('POST', `/v1/jobs/${answer.json.id}/cancel`, { key: account.key })).status, 200);
  });
});

describe('the order workers take jobs in', () => {
  let server: TestServer;
  let account: TestAccount;

  beforeEach(async () => {
    server = await startTestServer({ workers: 1 });
    account = await server.createAccount();
  });
  afterEach(async () => {
    await server.close();
  });

  it('starts the highest priority first, and the oldest first among equals', async () => {
    const post = async (priority: number) =>
      (await server.request('POST', '/v1/jobs', { key: account.key, body: sleepJob({ durationMs: 60_000 }, { priority }) })).json.id as string;
    // The one worker is busy with this job while the others queue up behind it.
    const blocker = await post(0);
    await jobReaches(server, blocker, (job) => job.status === 'running');
    const low = await post(-5);
    const highOld = await post(50);
    const mid = await post(10);
    const highNew = await post(50);

    const order: string[] = [];
    const stop = server.deps.bus.onAny((change) => {
      if (change.kind === 'started') order.push(change.job.id);
    });
    try {
      for (const next of [highOld, highNew, mid, low]) {
        const running = (await server.store.jobList({ accountId: account.accountId, statuses: ['running'], limit: 10 })).jobs;
        assert.equal(running.length, 1);
        const started = jobReaches(server, next, (job) => job.status !== 'pending');
        await server.request('POST', `/v1/jobs/${running[0]!.id}/cancel`, { key: account.key });
        await started;
      }
      assert.deepEqual(order, [highOld, highNew, mid, low]);
    } finally {
      stop();
      await server.request('POST', `/v1/jobs/${low}/cancel`, { key: account.key });
    }
  });
});
