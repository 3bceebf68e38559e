// Contract: jobListExpired finds the running jobs whose lease ran out by `now` (the reaper's input).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Job } from '../../../src/domain/index.js';
import { at, makeAccount, makeJob } from '../../helpers/factories.js';
import { type OpenStore, useFreshStore } from '../../helpers/store.js';

const ids = (jobs: Job[]) => jobs.map((j) => j.id);

export function describeExpired(open: OpenStore): void {
  describe('jobListExpired', () => {
    const store = useFreshStore(open);

    /** running makes a running job of its own type whose lease expires at `expiresAtMs` after T0. */
    const running = (expiresAtMs: number, i: number) =>
      makeJob(store(), { type: `t/${i}`, status: 'running', createdAt: at(i), startedAt: at(i), leaseExpiresAt: at(expiresAtMs) });

    it('lists only running jobs whose lease expired by now, the boundary included', async () => {
      const account = await makeAccount(store());
      const expired = await running(10_000, 1);
      const boundary = await running(20_000, 2);
      await running(20_001, 3);
      await makeJob(store(), { accountId: account.id, createdAt: at(4) });
      await makeJob(store(), { accountId: account.id, type: 't/5', status: 'completed', createdAt: at(5) });
      const found = await store().jobListExpired({ now: at(20_000), limit: 10 });
      assert.deepEqual(ids(found), [expired.id, boundary.id]);
      assert.deepEqual(found[0], expired);
    });

    it('lists the oldest expiry first and respects the limit', async () => {
      const late = await running(30_000, 1);
      const early = await running(10_000, 2);
      const middle = await running(20_000, 3);
      assert.deepEqual(ids(await store().jobListExpired({ now: at(60_000), limit: 10 })), ids([early, middle, late]));
      assert.deepEqual(ids(await store().jobListExpired({ now: at(60_000), limit: 2 })), ids([early, middle]));
    });

    it('leaves out a job whose heartbeat pushed its lease past now', async () => {
      const job = await running(10_000, 1);
      await store().jobHeartbeat({ id: job.id, leaseToken: job.leaseToken!, now: at(9_000), leaseMs: 10_000 });
      assert.deepEqual(await store().jobListExpired({ now: at(15_000), limit: 10 }), []);
      assert.deepEqual(ids(await store().jobListExpired({ now: at(19_000), limit: 10 })), [job.id]);
    });

    it('leaves out jobs that ended or were handed back', async () => {
      const done = await running(10_000, 1);
      const released = await running(10_000, 2);
      const cancelled = await running(10_000, 3);
      await store().jobComplete({ id: done.id, leaseToken: done.leaseToken!, now: at(5_000), output: null, size: 0, processTime: 1 });
      await store().jobRelease({ id: released.id, leaseToken: released.leaseToken!, now: at(5_000) });
      await store().jobCancel({ id: cancelled.id, accountId: cancelled.accountId, now: at(5_000) });
      assert.deepEqual(await store().jobListExpired({ now: at(60_000), limit: 10 }), []);
    });
  });
}
