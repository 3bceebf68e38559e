// Contract: jobQueueStats gives every type's pending and running totals across accounts (from
// the counters, so they follow claims, finishes and deletions) and the earliest runAt among the
// pending jobs, scheduled ones included; a type with nothing waiting has none.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { QueueStat } from '../../../src/store/index.js';
import { T0, at, makeAccount, makeJob } from '../../helpers/factories.js';
import { type OpenStore, useFreshStore } from '../../helpers/store.js';

const byType = (stats: QueueStat[]) => [...stats].sort((a, b) => a.type.localeCompare(b.type));

export function describeQueue(open: OpenStore): void {
  describe('queue stats', () => {
    const store = useFreshStore(open);

    it('is empty on a fresh store', async () => {
      assert.deepEqual(await store().jobQueueStats(), []);
    });

    it('sums pending and running jobs of every account by type, with the earliest pending runAt', async () => {
      const one = await makeAccount(store(), { creditBalance: null });
      const two = await makeAccount(store(), { creditBalance: null });
      // Driven jobs first: a claim takes the oldest due job of its type.
      await makeJob(store(), { accountId: one.id, type: 'a', status: 'running', createdAt: at(0) });
      await makeJob(store(), { accountId: two.id, type: 'a', status: 'completed', createdAt: at(1) });
      await makeJob(store(), { accountId: two.id, type: 'b', status: 'running', createdAt: at(2) });
      await makeJob(store(), { accountId: one.id, type: 'a', createdAt: at(10), runAt: at(5_000) });
      await makeJob(store(), { accountId: two.id, type: 'a', createdAt: at(20) });
      await makeJob(store(), { accountId: two.id, type: 'a', createdAt: at(30), runAt: at(60_000) });
      await makeJob(store(), { accountId: one.id, type: 'c', createdAt: at(40), runAt: at(-3_000) });

      assert.deepEqual(byType(await store().jobQueueStats()), [
        { type: 'a', pending: 3, running: 1, earliestRunAt: at(20) },
        { type: 'b', pending: 0, running: 1, earliestRunAt: null },
        { type: 'c', pending: 1, running: 0, earliestRunAt: at(-3_000) },
      ]);
    });

    it('follows a claim: the claimed job leaves the pending side and its runAt no longer counts', async () => {
      await makeJob(store(), { type: 'a', createdAt: T0 });
      await makeJob(store(), { type: 'a', createdAt: at(100) });
      const [claimed] = await store().jobClaim({ workerId: 'w', types: ['a'], now: at(1_000), leaseMs: 30_000, limit: 1 });
      assert.equal(claimed?.createdAt.getTime(), T0.getTime());
      assert.deepEqual(await store().jobQueueStats(), [{ type: 'a', pending: 1, running: 1, earliestRunAt: at(100) }]);
    });
  });
}
