// The lease reaper on a ManualClock, driven by runOnce and by its injected timers (no waiting):
// a running job whose lease ran out goes back to pending with `lease_expired`, one whose lease is
// live stays; and a worker pool's sweep never reaps, so one reaper per process is the only one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/index.js';
import { LeaseReaper } from '../../src/maintenance/index.js';
import { type Principal, claimJobs, createAccount, createJob } from '../../src/service/index.js';
import { WorkerPool } from '../../src/worker/index.js';
import { memoryDeps } from '../helpers/deps.js';

const LEASE_MS = 30_000;

/** setUp makes service deps on an in-memory store and a hand-moved clock, and one running job whose lease started now. */
async function setUp() {
  const clock = new ManualClock();
  const deps = memoryDeps({ clock, config: { leaseMs: LEASE_MS, retryBaseMs: 10 }, random: () => 0.5 });
  const { account } = await createAccount(deps, { name: 'reaped', credits: null });
  const principal: Principal = { accountId: account.id, apiKeyId: null, apiKeyUsed: null };
  const { job } = await createJob(deps, principal, { type: 'demo/sleep', input: { durationMs: 60_000 } });
  const [running] = await claimJobs(deps, { workerId: 'worker-gone', types: ['demo/sleep'], limit: 1 });
  assert.equal(running?.id, job.id);
  return { deps, clock, jobId: job.id };
}

describe('LeaseReaper', () => {
  it('runOnce hands back a job whose lease ran out, as lease_expired', async (t) => {
    const { deps, clock, jobId } = await setUp();
    t.after(() => deps.store.close());
    const reaper = new LeaseReaper(deps, { timers: clock });

    clock.advance(LEASE_MS - 1);
    assert.equal(await reaper.runOnce(), 0, 'a live lease is left alone');
    assert.equal((await deps.store.jobGet({ id: jobId }))!.status, 'running');

    clock.advance(1);
    assert.equal(await reaper.runOnce(), 1);
    const reaped = (await deps.store.jobGet({ id: jobId }))!;
    assert.equal(reaped.status, 'pending');
    assert.equal(reaped.error?.code, 'lease_expired');
    assert.equal(reaped.attempts, 1);
    assert.equal(reaped.leaseToken, null);
    assert.equal(await reaper.runOnce(), 0, 'nothing is left to reap');
  });

  it('reaps on its own timer as the clock passes its period', async (t) => {
    const { deps, clock, jobId } = await setUp();
    t.after(() => deps.store.close());
    const reaped = new Promise<void>((resolve) => {
      const stop = deps.bus.onJob(jobId, (change) => {
        if (change.job.status !== 'pending') return;
        stop();
        resolve();
      });
    });
    const reaper = new LeaseReaper(deps, { everyMs: 1000, timers: clock });
    reaper.start();
    await reaper.runOnce(); // the pass start() ran: the lease is live
    assert.equal((await deps.store.jobGet({ id: jobId }))!.status, 'running');
    clock.advance(LEASE_MS);
    await reaped;
    await reaper.stop();
    assert.equal(clock.pendingTimers, 0);
  });

  it('is the only reaper: a worker pool sweeping past an expired lease leaves the job running', async (t) => {
    const { deps, clock, jobId } = await setUp();
    t.after(() => deps.store.close());
    const pool = new WorkerPool(deps, { concurrency: 1, types: ['demo/sleep'], sweepMs: 1000, timers: clock });
    pool.start();
    clock.advance(LEASE_MS + 1000); // a sweep comes due, past the lease
    await pool.stop({ graceMs: 0 }); // waits for the sweep under way
    assert.equal((await deps.store.jobGet({ id: jobId }))!.status, 'running');
  });
});
