// A change relayed late from another process can carry the job as it was before this worker
// claimed it (pending, no lease). It must not stop the attempt; a newer change with another
// lease (a cancel) must.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JobTypeRegistry, defineJobType } from '../../src/jobtypes/index.js';
import { cancelJob, createAccount, createJob } from '../../src/service/index.js';
import { WorkerPool } from '../../src/worker/index.js';
import { memoryDeps } from '../helpers/deps.js';

describe('an attempt and changes relayed late', () => {
  it('ignores a change older than its claim, and stops on a newer cancel', async (t) => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started!: (signal: AbortSignal) => void;
    const running = new Promise<AbortSignal>((resolve) => (started = resolve));
    const held = defineJobType({
      type: 'test/held',
      description: 'waits for the test',
      inputSchema: { type: 'object' },
      creditCost: 0,
      timeoutMs: 60_000,
      maxAttempts: 1,
      async run({ signal }) {
        started(signal);
        await Promise.race([gate, new Promise((resolve) => signal.addEventListener('abort', resolve))]);
        return { done: true };
      },
    });
    const deps = memoryDeps({ registry: new JobTypeRegistry([held]) });
    const pool = new WorkerPool(deps, { concurrency: 1, sweepMs: 60_000 });
    t.after(async () => {
      await pool.stop({ graceMs: 0 });
      await deps.store.close();
    });
    const { account } = await createAccount(deps, { name: 'a', credits: null });
    const principal = { accountId: account.id, apiKeyId: null, apiKeyUsed: null };

    const { job: first } = await createJob(deps, principal, { type: 'test/held' });
    pool.start();
    const signal = await running;
    deps.bus.publish({ kind: 'created', job: first }); // the job as it was before the claim, arriving late
    assert.equal(signal.aborted, false, 'a stale change stopped the attempt');
    release();
    await pool.idle();
    assert.equal((await deps.store.jobGet({ id: first.id }))!.status, 'completed');
  });

  it('stops the attempt when a newer change carries another lease', async (t) => {
    const held = defineJobType({
      type: 'test/forever',
      description: 'runs until stopped',
      inputSchema: { type: 'object' },
      creditCost: 0,
      timeoutMs: 60_000,
      maxAttempts: 1,
      run: ({ signal }) => new Promise<null>((resolve) => signal.addEventListener('abort', () => resolve(null))),
    });
    const deps = memoryDeps({ registry: new JobTypeRegistry([held]) });
    const pool = new WorkerPool(deps, { concurrency: 1, sweepMs: 60_000 });
    t.after(async () => {
      await pool.stop({ graceMs: 0 });
      await deps.store.close();
    });
    const { account } = await createAccount(deps, { name: 'a', credits: null });
    const principal = { accountId: account.id, apiKeyId: null, apiKeyUsed: null };
    const { job } = await createJob(deps, principal, { type: 'test/forever' });
    const started = new Promise<void>((resolve) => deps.bus.onJob(job.id, (c) => c.kind === 'started' && resolve()));
    pool.start();
    await started;
    await cancelJob(deps, principal, job.id);
    await pool.idle();
    assert.equal(pool.runningCount, 0);
    assert.equal((await deps.store.jobGet({ id: job.id }))!.status, 'cancelled');
  });
});
