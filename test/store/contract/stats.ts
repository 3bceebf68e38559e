// Contract: jobStatsBuckets groups an account's jobs created in a window by creation bucket, type
// and status, with their waits to start; jobStatsQueue gives its queue by type from the counters.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, makeAccount, makeJob } from '../../helpers/factories.js';
import { type OpenStore, useFreshStore } from '../../helpers/store.js';

export function describeStats(open: OpenStore): void {
  describe('jobStats', () => {
    const store = useFreshStore(open);
    const MINUTE = 60_000;

    it('buckets the window’s jobs by creation minute, type and status, summing waits to start', async () => {
      const account = await makeAccount(store());
      const other = await makeAccount(store());
      const base = at(0).getTime() - (at(0).getTime() % MINUTE); // a minute's start, so buckets are known
      const when = (ms: number) => new Date(base + ms);
      await makeJob(store(), { accountId: account.id, type: 't/a', status: 'completed', createdAt: when(1_000), startedAt: when(1_500) });
      await makeJob(store(), { accountId: account.id, type: 't/b', status: 'failed', createdAt: when(2_000), startedAt: when(4_000) });
      await makeJob(store(), { accountId: account.id, type: 't/a', status: 'completed', createdAt: when(MINUTE + 10), startedAt: when(MINUTE + 110) });
      await makeJob(store(), { accountId: account.id, type: 't/a', createdAt: when(MINUTE + 20) });
      await makeJob(store(), { accountId: account.id, type: 't/a', createdAt: when(3 * MINUTE) }); // after the window
      await makeJob(store(), { accountId: other.id, type: 't/a', createdAt: when(1_000) });
      const rows = await store().jobStatsBuckets({ accountId: account.id, from: when(0), to: when(2 * MINUTE), bucketMs: MINUTE });
      assert.deepEqual(rows, [
        { bucket: base, type: 't/a', status: 'completed', jobs: 1, started: 1, waitMs: 500 },
        { bucket: base, type: 't/b', status: 'failed', jobs: 1, started: 1, waitMs: 2_000 },
        { bucket: base + MINUTE, type: 't/a', status: 'completed', jobs: 1, started: 1, waitMs: 100 },
        { bucket: base + MINUTE, type: 't/a', status: 'pending', jobs: 1, started: 0, waitMs: 0 },
      ]);
    });

    it('gives the account’s queue by type from the counters, and nothing for an account without jobs', async () => {
      const account = await makeAccount(store());
      await makeJob(store(), { accountId: account.id, type: 't/run', status: 'running' });
      await makeJob(store(), { accountId: account.id, type: 't/a', createdAt: at(1_000) });
      await makeJob(store(), { accountId: account.id, type: 't/a', createdAt: at(2_000) });
      await makeJob(store(), { accountId: account.id, type: 't/done', status: 'completed' });
      await makeJob(store(), { type: 't/a' }); // another account
      assert.deepEqual(await store().jobStatsQueue({ accountId: account.id }), [
        { type: 't/a', pending: 2, running: 0 },
        { type: 't/run', pending: 0, running: 1 },
      ]);
      assert.deepEqual(await store().jobStatsQueue({ accountId: (await makeAccount(store())).id }), []);
    });
  });
}
