// Contract: the lease fences every worker write. Heartbeat and progress under a live lease, and
// every lease-guarded method refusing a wrong token or a job that is not running, changing nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Job, LeaseLostError } from '../../../src/domain/index.js';
import type { LeaseParams, Store } from '../../../src/store/index.js';
import { at, makeJob } from '../../helpers/factories.js';
import { type OpenStore, rejectsWith, useFreshStore } from '../../helpers/store.js';

/** The lease-guarded methods, each called with the same lease params. */
const GUARDED: Record<string, (store: Store, lease: LeaseParams) => Promise<Job>> = {
  jobHeartbeat: (s, l) => s.jobHeartbeat({ ...l, leaseMs: 30_000 }),
  jobProgress: (s, l) => s.jobProgress({ ...l, progress: 50, statusMessage: 'half way' }),
  jobComplete: (s, l) => s.jobComplete({ ...l, output: { ok: true }, size: 10, processTime: 5 }),
  'jobFail (final)': (s, l) => s.jobFail({ ...l, error: { code: 'boom' }, processTime: 5, retryAt: null }),
  'jobFail (retry)': (s, l) => s.jobFail({ ...l, error: { code: 'boom' }, processTime: 5, retryAt: at(600_000) }),
  jobRelease: (s, l) => s.jobRelease(l),
};

export function describeLease(open: OpenStore): void {
  describe('lease', () => {
    const store = useFreshStore(open);

    it('heartbeat pushes the lease to now + leaseMs and changes nothing else', async () => {
      const running = await makeJob(store(), { status: 'running', startedAt: at(1_000) });
      const beat = await store().jobHeartbeat({ id: running.id, leaseToken: running.leaseToken!, now: at(20_000), leaseMs: 30_000 });
      assert.deepEqual(beat, { ...running, leaseExpiresAt: at(50_000) });
      assert.deepEqual(await store().jobGet({ id: running.id }), beat);
    });

    it('heartbeat keeps a lease that ran out but was not yet taken away', async () => {
      const running = await makeJob(store(), { status: 'running', startedAt: at(0), leaseExpiresAt: at(1_000) });
      const beat = await store().jobHeartbeat({ id: running.id, leaseToken: running.leaseToken!, now: at(5_000), leaseMs: 1_000 });
      assert.deepEqual(beat.leaseExpiresAt, at(6_000));
    });

    it('progress records progress and message and counts one change', async () => {
      const running = await makeJob(store(), { status: 'running', startedAt: at(1_000) });
      const moved = await store().jobProgress({ id: running.id, leaseToken: running.leaseToken!, now: at(2_000), progress: 40, statusMessage: 'rendering' });
      assert.deepEqual(moved, { ...running, progress: 40, statusMessage: 'rendering', updatedAt: at(2_000), eventSeq: 3 });
      assert.deepEqual(await store().jobGet({ id: running.id }), moved);
      const cleared = await store().jobProgress({ id: running.id, leaseToken: running.leaseToken!, now: at(3_000), progress: 41, statusMessage: null });
      assert.deepEqual(cleared, { ...moved, progress: 41, statusMessage: null, updatedAt: at(3_000), eventSeq: 4 });
    });

    for (const [name, call] of Object.entries(GUARDED)) {
      it(`${name} with a wrong token throws LeaseLostError and changes nothing`, async () => {
        const running = await makeJob(store(), { status: 'running' });
        const balanceBefore = await store().accountGet({ id: running.accountId });
        const error = await rejectsWith(call(store(), { id: running.id, leaseToken: 'not-the-token', now: at(2_000) }), LeaseLostError, 'lease_lost');
        assert.equal(error.jobId, running.id);
        assert.equal(error.status, 409);
        assert.deepEqual(await store().jobGet({ id: running.id }), running);
        assert.deepEqual(await store().accountGet({ id: running.accountId }), balanceBefore);
      });

      it(`${name} on a job that is no longer running throws LeaseLostError and changes nothing`, async () => {
        const running = await makeJob(store(), { status: 'running' });
        const stale = { id: running.id, leaseToken: running.leaseToken!, now: at(3_000) };
        const released = await store().jobRelease({ ...stale, now: at(2_000) });
        await rejectsWith(call(store(), stale), LeaseLostError, 'lease_lost');
        assert.deepEqual(await store().jobGet({ id: running.id }), released);
      });

      it(`${name} on a completed job throws LeaseLostError and changes nothing`, async () => {
        const running = await makeJob(store(), { status: 'running' });
        const lease = { id: running.id, leaseToken: running.leaseToken! };
        const completed = await store().jobComplete({ ...lease, now: at(2_000), output: 1, size: 0, processTime: 1 });
        const balanceBefore = await store().accountGet({ id: running.accountId });
        await rejectsWith(call(store(), { ...lease, now: at(3_000) }), LeaseLostError, 'lease_lost');
        assert.deepEqual(await store().jobGet({ id: running.id }), completed);
        assert.deepEqual(await store().accountGet({ id: running.accountId }), balanceBefore);
      });
    }

    it('refuses one job\'s lease token on another job', async () => {
      const running = await makeJob(store(), { status: 'running' });
      const other = await makeJob(store(), { createdAt: at(5) });
      await rejectsWith(
        store().jobHeartbeat({ id: other.id, leaseToken: running.leaseToken!, now: at(10), leaseMs: 1_000 }),
        LeaseLostError,
        'lease_lost',
      );
      assert.deepEqual(await store().jobGet({ id: other.id }), other);
    });
  });
}
