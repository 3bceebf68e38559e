// Contract: retention — which final jobs are due for deletion, deleting them with their events
// (counters follow, the ledger stays), and purging expired idempotency records.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Job, newId } from '../../../src/domain/index.js';
import { at, buildJob, idempotency, makeAccount, makeJob } from '../../helpers/factories.js';
import { type OpenStore, balanceOf, useFreshStore } from '../../helpers/store.js';

const ids = (jobs: Job[]) => jobs.map((j) => j.id);

export function describeRetention(open: OpenStore): void {
  describe('retention', () => {
    const store = useFreshStore(open);

    /** finished makes a job of `accountId` that became final at `ms` after T0 (started at ms − 1000). */
    const finished = (accountId: string, status: 'completed' | 'failed' | 'cancelled', ms: number, i: number) =>
      status === 'cancelled'
        ? makeJob(store(), { accountId, type: `t/${i}`, createdAt: at(i) }).then((job) => store().jobCancel({ id: job.id, accountId, now: at(ms) }))
        : makeJob(store(), { accountId, type: `t/${i}`, status, createdAt: at(i), startedAt: at(ms - 1_000), processTime: 1_000, completedAt: at(ms), failedAt: at(ms) });

    it('lists final jobs that became final before the cutoff, oldest first, within the limit', async () => {
      const account = await makeAccount(store());
      const late = await finished(account.id, 'completed', 30_000, 1);
      const early = await finished(account.id, 'failed', 10_000, 2);
      const middle = await finished(account.id, 'cancelled', 20_000, 3);
      await finished(account.id, 'completed', 40_000, 4); // at the cutoff: kept
      await makeJob(store(), { accountId: account.id, createdAt: at(5) });
      await makeJob(store(), { accountId: account.id, type: 't/6', status: 'running', createdAt: at(6), startedAt: at(7) });
      assert.deepEqual(await store().jobListFinishedBefore({ before: at(40_000), limit: 10 }), ids([early, middle, late]));
      assert.deepEqual(await store().jobListFinishedBefore({ before: at(40_000), limit: 2 }), ids([early, middle]));
    });

    it('deletes the jobs with their events, keeps the counters exact and the ledger whole', async () => {
      const account = await makeAccount(store(), { creditBalance: 10 });
      const done = await finished(account.id, 'completed', 10_000, 1);
      const failed = await finished(account.id, 'failed', 10_000, 2);
      const kept = await finished(account.id, 'completed', 50_000, 3);
      const balance = await balanceOf(store(), account.id);

      const deleted = await store().jobDelete({ ids: [done.id, failed.id], finishedBefore: at(20_000) });
      assert.deepEqual([...deleted].sort(), [done.id, failed.id].sort());
      assert.equal(await store().jobGet({ id: done.id }), null);
      assert.equal(await store().jobGet({ id: failed.id }), null);
      assert.deepEqual(await store().jobGet({ id: kept.id }), kept);
      const page = await store().jobList({ accountId: account.id, limit: 10 });
      assert.deepEqual([ids(page.jobs), page.total], [[kept.id], 1]);
      assert.equal((await store().jobList({ accountId: account.id, statuses: ['failed'], limit: 10 })).total, 0);
      assert.equal(await balanceOf(store(), account.id), balance, 'deleting a job moved credits');
    });

    it('deletes a job\'s webhook deliveries and their attempts with it', async () => {
      const account = await makeAccount(store(), { creditBalance: null });
      const job = await makeJob(store(), {
        accountId: account.id,
        status: 'completed',
        webhookUrl: 'https://hooks.example.com/longrun',
        startedAt: at(0),
        completedAt: at(1_000),
      });
      const [delivery] = await store().deliveryClaim({ now: at(1_000), leaseMs: 60_000, limit: 10 });
      assert.equal(delivery?.jobId, job.id, 'the completion made a delivery');
      await store().deliveryRecord({
        id: delivery!.id,
        leaseToken: delivery!.leaseToken!,
        now: at(1_100),
        attempt: { startedAt: at(1_000), statusCode: 200, error: null, durationMs: 100 },
        next: { state: 'succeeded' },
      });
      assert.deepEqual(await store().jobDelete({ ids: [job.id], finishedBefore: at(5_000) }), [job.id]);
      assert.deepEqual(await store().deliveryListByJob({ jobId: job.id }), []);
    });

    it('deletes only what is still final and old enough, and nothing for an empty list', async () => {
      const account = await makeAccount(store());
      const pending = await makeJob(store(), { accountId: account.id, createdAt: at(1) });
      const running = await makeJob(store(), { accountId: account.id, type: 't/2', status: 'running', createdAt: at(2), startedAt: at(3) });
      const young = await finished(account.id, 'completed', 30_000, 4);
      const deleted = await store().jobDelete({ ids: [pending.id, running.id, young.id, newId('job')], finishedBefore: at(20_000) });
      assert.deepEqual(deleted, []);
      assert.deepEqual(await store().jobDelete({ ids: [], finishedBefore: at(20_000) }), []);
      for (const job of [pending, running, young]) assert.ok(await store().jobGet({ id: job.id }), `${job.id} was deleted`);
    });

    it('purges expired idempotency records, so their keys are free again', async () => {
      const account = await makeAccount(store(), { creditBalance: null });
      const first = await store().jobInsert({ job: buildJob({ accountId: account.id, createdAt: at(0) }), idempotency: idempotency('k1', 'h1', at(1_000)) });
      await store().jobInsert({ job: buildJob({ accountId: account.id, createdAt: at(1) }), idempotency: idempotency('k2', 'h2', at(5_000)) });
      assert.equal(await store().idempotencyPurge({ now: at(1_000), limit: 10 }), 1);
      assert.equal(await store().idempotencyPurge({ now: at(1_000), limit: 10 }), 0);
      // k1 is forgotten: the same key with another body makes a new job instead of a conflict.
      const again = await store().jobInsert({ job: buildJob({ accountId: account.id, createdAt: at(2_000) }), idempotency: idempotency('k1', 'other', at(90_000)) });
      assert.equal(again.replayed, false);
      assert.notEqual(again.job.id, first.job.id);
      // k2 is still remembered.
      const replay = await store().jobInsert({ job: buildJob({ accountId: account.id, createdAt: at(2_001) }), idempotency: idempotency('k2', 'h2', at(90_000)) });
      assert.equal(replay.replayed, true);
    });
  });
}
