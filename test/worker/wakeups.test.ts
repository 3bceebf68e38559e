// How an idle worker pool hears of work: a job that is due is claimed at once; one that is not due
// yet (made to run later, or created by a process whose database clock reads a little ahead) is
// claimed when it comes due, on the pool's own timer, not a second later on the sweep. A finished
// attempt claims again only while the queue may hold more. The clock and the timers are one
// ManualClock, so nothing here waits on real time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JobTypeRegistry, defineJobType } from '../../src/jobtypes/index.js';
import { claimJobs, completeAttempt, createAccount, createJob, setAccountScheduling } from '../../src/service/index.js';
import { WorkerPool, localLink } from '../../src/worker/index.js';
import { memoryDeps } from '../helpers/deps.js';

function recordingType(ran: string[], type = 'test/noop') {
  return defineJobType({
    type,
    description: 'records that it ran',
    inputSchema: { type: 'object' },
    creditCost: 0,
    timeoutMs: 60_000,
    maxAttempts: 1,
    async run({ job }) {
      ran.push(job.id);
      return {};
    },
  });
}

describe('worker pool wakeups', () => {
  it('claims again when an attempt ends only while the queue may hold more: a backlog drains, a drained queue is not asked again', async (t) => {
    const ran: string[] = [];
    const deps = memoryDeps({ registry: new JobTypeRegistry([recordingType(ran)]) });
    // The pool's own link, counting the claims it sends and what each answered.
    const local = localLink(deps);
    const claims: { asked: number; got: number }[] = [];
    const link = { ...local, claim: async (p: Parameters<typeof local.claim>[0]) => {
      const jobs = await local.claim(p);
      claims.push({ asked: p.limit, got: jobs.length });
      return jobs;
    } };
    const pool = new WorkerPool({ registry: deps.registry, clock: deps.clock, link }, { concurrency: 2, sweepMs: 3_600_000, timers: deps.clock });
    t.after(async () => {
      await pool.stop({ graceMs: 0 });
      await deps.store.close();
    });
    const { account } = await createAccount(deps, { name: 'a', credits: null });
    const principal = { accountId: account.id, apiKeyId: null, apiKeyUsed: null };
    // A backlog of three, made before the pool listens: only the first sweep and the ends of
    // attempts can find them.
    for (let i = 0; i < 3; i++) await createJob(deps, principal, { type: 'test/noop', input: {} });
    pool.start();
    await pool.idle();
    assert.equal(ran.length, 3, 'the ends of attempts claimed the rest of the backlog');
    assert.equal(claims.at(-1)?.got, 0, 'the last claim found the queue empty');
    const afterBacklog = claims.length;

    // One job at a time under a light load: one claim each, its wakeup's; the end of its attempt
    // sends none (before, each job cost a second, empty claim).
    for (let i = 0; i < 3; i++) {
      await createJob(deps, principal, { type: 'test/noop', input: {} });
      await pool.idle();
    }
    assert.equal(ran.length, 6);
    assert.deepEqual(claims.slice(afterBacklog), [{ asked: 2, got: 1 }, { asked: 2, got: 1 }, { asked: 2, got: 1 }]);
  });

  it('claims again when an attempt of a capped account ends, though its last claim came back short', async (t) => {
    const ran: string[] = [];
    const deps = memoryDeps({ registry: new JobTypeRegistry([recordingType(ran)]) });
    // A sweep an hour apart: any claim below comes from a wakeup.
    const pool = new WorkerPool(deps, { concurrency: 3, sweepMs: 3_600_000, timers: deps.clock });
    t.after(async () => {
      await pool.stop({ graceMs: 0 });
      await deps.store.close();
    });
    const { account } = await createAccount(deps, { name: 'capped', credits: null });
    await setAccountScheduling(deps, { accountId: account.id, change: { maxConcurrency: 1 } });
    const principal = { accountId: account.id, apiKeyId: null, apiKeyUsed: null };
    for (let i = 0; i < 3; i++) await createJob(deps, principal, { type: 'test/noop', input: {} });
    pool.start();
    // Each claim gets one job of three asked for (the cap): only the end of each attempt, heard as
    // a capped account's freed slot, can claim the next.
    await pool.idle();
    assert.equal(ran.length, 3, 'every job ran, one at a time, without the sweep');
  });

  it('claims a job created for a moment later when that moment comes, and the earliest first', async (t) => {
    const ran: string[] = [];
    const deps = memoryDeps({ registry: new JobTypeRegistry([recordingType(ran)]) });
    // A sweep an hour apart: any claim below comes from a wakeup.
    const pool = new WorkerPool(deps, { concurrency: 2, sweepMs: 3_600_000, timers: deps.clock });
    t.after(async () => {
      await pool.stop({ graceMs: 0 });
      await deps.store.close();
    });
    const { account } = await createAccount(deps, { name: 'a', credits: null });
    const principal = { accountId: account.id, apiKeyId: null, apiKeyUsed: null };
    pool.start();
    await pool.idle(); // the sweep's first pass at start found nothing

    const at = (ms: number) => new Date(deps.clock.now().getTime() + ms).toISOString();
    const { job: later } = await createJob(deps, principal, { type: 'test/noop', input: {}, runAt: at(80) });
    const { job: sooner } = await createJob(deps, principal, { type: 'test/noop', input: {}, runAt: at(30) });
    await pool.idle();
    assert.deepEqual(ran, [], 'nothing is due yet');

    deps.clock.advance(30);
    await pool.idle();
    assert.deepEqual(ran, [sooner.id]);
    // The later job's wakeup was replaced by the sooner one's; the sweep is an hour off. A job
    // created now (due at once) wakes the pool, which then finds the later one too once it is due.
    deps.clock.advance(50);
    const { job: now } = await createJob(deps, principal, { type: 'test/noop', input: {} });
    await pool.idle();
    assert.deepEqual(new Set(ran), new Set([sooner.id, later.id, now.id]));
  });

  it('claims a job of another type when the job it waited for (after) completes', async (t) => {
    const ran: string[] = [];
    const deps = memoryDeps({ registry: new JobTypeRegistry([recordingType(ran), recordingType(ran, 'test/first')]) });
    // This pool serves only test/noop, with a sweep an hour apart: the first job's completion,
    // elsewhere, is all that can tell it the waiting job may start.
    const pool = new WorkerPool(deps, { concurrency: 1, sweepMs: 3_600_000, timers: deps.clock, types: ['test/noop'] });
    t.after(async () => {
      await pool.stop({ graceMs: 0 });
      await deps.store.close();
    });
    const { account } = await createAccount(deps, { name: 'a', credits: null });
    const principal = { accountId: account.id, apiKeyId: null, apiKeyUsed: null };
    const { job: first } = await createJob(deps, principal, { type: 'test/first', input: {} });
    const { job: waiting } = await createJob(deps, principal, { type: 'test/noop', input: {}, after: [first.id] });
    pool.start();
    await pool.idle();
    assert.deepEqual(ran, [], 'it waits');

    const [running] = await claimJobs(deps, { workerId: 'elsewhere', types: ['test/first'], limit: 1 });
    await completeAttempt(deps, { id: running!.id, leaseToken: running!.leaseToken! }, { output: null, size: 0, processTime: 1 });
    await pool.idle();
    assert.deepEqual(ran, [waiting.id]);
  });
});
