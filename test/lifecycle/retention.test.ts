// Retention on a clock moved by hand: final jobs go once they are older than the retention, with
// their files deleted first; running and young jobs stay; expired idempotency keys are forgotten.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/index.js';
import { LocalFileStore } from '../../src/files/index.js';
import { type Principal, cancelJob, createAccount, createJob, getJob, purgeExpired } from '../../src/service/index.js';
import { RetentionSweep } from '../../src/maintenance/index.js';
import { WorkerPool } from '../../src/worker/index.js';
import { memoryDeps } from '../helpers/deps.js';

const DAY = 86_400_000;

/** setUp makes service deps on an in-memory store and a hand-moved clock, and an account with 100 credits. */
async function setUp(files?: LocalFileStore) {
  const clock = new ManualClock(new Date('2026-03-01T00:00:00.000Z'));
  const deps = memoryDeps({ clock, files });
  const { account } = await createAccount(deps, { name: 'retained', credits: 100 });
  const principal: Principal = { accountId: account.id, apiKeyId: null, apiKeyUsed: null };
  return { deps, clock, principal };
}

describe('retention', () => {

  it('deletes final jobs past the retention, files first, and keeps the rest', async (t) => {
    const { deps, clock, principal } = await setUp();
    t.after(() => deps.store.close());
    const pool = new WorkerPool(deps, { concurrency: 1, sweepMs: 60_000 });
    const create = async (idempotencyKey?: string) => (await createJob(deps, principal, { type: 'demo/sleep', input: { durationMs: 0 } }, { idempotencyKey })).job;

    const completed = await create('old-key');
    await pool.runOnce();
    await pool.idle();
    const cancelled = await create();
    await cancelJob(deps, principal, cancelled.id);
    clock.advance(DAY);
    const young = await create();
    await cancelJob(deps, principal, young.id);
    const pending = await create();

    const filesDeleted: string[] = [];
    const deleteFiles = async (jobId: string) => {
      assert.ok(await deps.store.jobGet({ id: jobId }), 'files are deleted before their job');
      filesDeleted.push(jobId);
    };
    clock.advance(1);
    const purged = await purgeExpired(deps, { retentionMs: DAY, batch: 1, maxBatches: 10, deleteFiles });
    assert.deepEqual(purged, { jobs: 2, idempotencyKeys: 1 });
    assert.deepEqual(filesDeleted.sort(), [completed.id, cancelled.id].sort());
    for (const gone of [completed, cancelled]) await assert.rejects(getJob(deps, principal, gone.id), { code: 'not_found' });
    for (const kept of [young, pending]) assert.equal((await getJob(deps, principal, kept.id)).id, kept.id);
    // The key of the deleted job is free again: the same key makes a new job.
    const again = await create('old-key');
    assert.notEqual(again.id, completed.id);
    // Credits are untouched by retention: 4 charged, 2 refunded (the cancels), 1 more charged.
    assert.equal((await deps.store.accountGet({ id: principal.accountId }))!.creditBalance, 100 - 4 + 2 - 1);
  });

  it('sweeps on a timer and keeps sweeping after a failed pass', async (t) => {
    const { deps, clock, principal } = await setUp();
    t.after(() => deps.store.close());
    const job = (await createJob(deps, principal, { type: 'demo/sleep', input: { durationMs: 0 } })).job;
    await cancelJob(deps, principal, job.id);
    clock.advance(2 * DAY);
    const errors: unknown[] = [];
    let failOnce = true;
    const sweep = new RetentionSweep(deps, {
      retentionMs: DAY,
      everyMs: 60_000,
      onError: (error) => errors.push(error),
      deleteFiles: async () => {
        if (failOnce) {
          failOnce = false;
          throw new Error('disk unavailable');
        }
      },
    });
    await sweep.runOnce();
    assert.equal(errors.length, 1);
    assert.ok(await deps.store.jobGet({ id: job.id }), 'a failed pass deleted the job anyway');
    await sweep.runOnce();
    assert.equal(await deps.store.jobGet({ id: job.id }), null);
    await sweep.stop();
  });
});

describe('retention and output files', () => {
  it('deletes a job\'s files from the service\'s file store with the job', async (t) => {
    const root = mkdtempSync(join(tmpdir(), 'longrun-retention-'));
    const files = new LocalFileStore(root);
    const { deps, clock, principal } = await setUp(files);
    t.after(async () => {
      await deps.store.close();
      rmSync(root, { recursive: true, force: true });
    });
    const old = (await createJob(deps, principal, { type: 'demo/sleep', input: { durationMs: 0 } })).job;
    await cancelJob(deps, principal, old.id);
    await files.filePut({ jobId: old.id, name: 'report.pdf', data: new Uint8Array([37, 80, 68, 70]) });
    clock.advance(DAY + 1);
    const young = (await createJob(deps, principal, { type: 'demo/sleep', input: { durationMs: 0 } })).job;
    await cancelJob(deps, principal, young.id);
    await files.filePut({ jobId: young.id, name: 'report.pdf', data: new Uint8Array([1]) });

    assert.deepEqual(await purgeExpired(deps, { retentionMs: DAY, batch: 10, maxBatches: 1 }), { jobs: 1, idempotencyKeys: 0 });
    assert.equal(await files.fileStat({ jobId: old.id, name: 'report.pdf' }), null);
    assert.equal((await files.fileStat({ jobId: young.id, name: 'report.pdf' }))?.size, 1);
  });
});
