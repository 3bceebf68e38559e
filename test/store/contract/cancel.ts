// Contract: jobCancel moves a pending or running job of the account to cancelled, refunded once;
// a final job is not cancellable and another account's job is not found.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JobNotCancellableError, JobNotFoundError, LeaseLostError, newId } from '../../../src/domain/index.js';
import { at, makeAccount, makeJob } from '../../helpers/factories.js';
import { type OpenStore, balanceOf, rejectsWith, useFreshStore } from '../../helpers/store.js';

export function describeCancel(open: OpenStore): void {
  describe('jobCancel', () => {
    const store = useFreshStore(open);

    it('cancels a pending job, refunds it, and leaves no error', async () => {
      const account = await makeAccount(store(), { creditBalance: 10 });
      const pending = await makeJob(store(), { accountId: account.id, creditsCharged: 3 });
      assert.equal(await balanceOf(store(), account.id), 7);
      const cancelled = await store().jobCancel({ id: pending.id, accountId: account.id, now: at(5_000) });
      assert.deepEqual(cancelled, {
        ...pending,
        status: 'cancelled',
        error: null,
        creditsRefunded: 3,
        cancelledAt: at(5_000),
        updatedAt: at(5_000),
        eventSeq: 2,
      });
      assert.deepEqual(await store().jobGet({ id: pending.id }), cancelled);
      assert.equal(await balanceOf(store(), account.id), 10);
    });

    it('clears the error a retried pending job kept, and keeps the run time of its last attempt', async () => {
      const running = await makeJob(store(), { status: 'running' });
      await store().jobFail({ id: running.id, leaseToken: running.leaseToken!, now: at(1_000), error: { code: 'flaky' }, processTime: 7, retryAt: at(60_000) });
      const cancelled = await store().jobCancel({ id: running.id, accountId: running.accountId, now: at(2_000) });
      assert.equal(cancelled.error, null);
      assert.equal(cancelled.processTime, 7);
    });

    it('cancels a running job with error {code: "cancelled"}, refunds it, clears the lease, and records how long it ran', async () => {
      const account = await makeAccount(store(), { creditBalance: 10 });
      const running = await makeJob(store(), { accountId: account.id, status: 'running', creditsCharged: 3, startedAt: at(1_000) });
      const cancelled = await store().jobCancel({ id: running.id, accountId: account.id, now: at(5_000) });
      assert.deepEqual(cancelled, {
        ...running,
        status: 'cancelled',
        processTime: 4_000,
        error: { code: 'cancelled' },
        creditsRefunded: 3,
        cancelledAt: at(5_000),
        updatedAt: at(5_000),
        leaseToken: null,
        leaseExpiresAt: null,
        eventSeq: 3,
      });
      assert.deepEqual(await store().jobGet({ id: running.id }), cancelled);
      assert.equal(await balanceOf(store(), account.id), 10);
    });

    it('takes the lease away from the worker of a cancelled running job', async () => {
      const running = await makeJob(store(), { status: 'running' });
      const lease = { id: running.id, leaseToken: running.leaseToken!, now: at(6_000) };
      const cancelled = await store().jobCancel({ id: running.id, accountId: running.accountId, now: at(5_000) });
      await rejectsWith(store().jobHeartbeat({ ...lease, leaseMs: 1_000 }), LeaseLostError, 'lease_lost');
      await rejectsWith(store().jobProgress({ ...lease, progress: 90, statusMessage: null }), LeaseLostError, 'lease_lost');
      await rejectsWith(store().jobComplete({ ...lease, output: null, size: 0, processTime: 1 }), LeaseLostError, 'lease_lost');
      await rejectsWith(store().jobFail({ ...lease, error: { code: 'x' }, processTime: 1, retryAt: null }), LeaseLostError, 'lease_lost');
      await rejectsWith(store().jobRelease(lease), LeaseLostError, 'lease_lost');
      assert.deepEqual(await store().jobGet({ id: running.id }), cancelled);
    });

    for (const status of ['completed', 'failed', 'cancelled'] as const) {
      it(`throws JobNotCancellableError for a ${status} job and changes nothing`, async () => {
        const account = await makeAccount(store(), { creditBalance: 10 });
        const final = await makeJob(store(), { accountId: account.id, status });
        const balance = await balanceOf(store(), account.id);
        const error = await rejectsWith(store().jobCancel({ id: final.id, accountId: account.id, now: at(100_000) }), JobNotCancellableError, 'job_not_cancellable');
        assert.equal(error.status, 409);
        assert.equal(error.jobId, final.id);
        assert.equal(error.jobStatus, status);
        assert.deepEqual(await store().jobGet({ id: final.id }), final);
        assert.equal(await balanceOf(store(), account.id), balance);
      });
    }

    it('throws JobNotFoundError for another account\'s job and leaves it alone', async () => {
      const job = await makeJob(store());
      const other = await makeAccount(store());
      const error = await rejectsWith(store().jobCancel({ id: job.id, accountId: other.id, now: at(1_000) }), JobNotFoundError, 'not_found');
      assert.equal(error.status, 404);
      assert.equal(error.jobId, job.id);
      assert.deepEqual(await store().jobGet({ id: job.id }), job);
    });

    it('throws JobNotFoundError for an unknown job', async () => {
      const account = await makeAccount(store());
      await rejectsWith(store().jobCancel({ id: newId('job'), accountId: account.id, now: at(1_000) }), JobNotFoundError, 'not_found');
    });

    it('never refunds twice when cancelled twice', async () => {
      const account = await makeAccount(store(), { creditBalance: 10 });
      const job = await makeJob(store(), { accountId: account.id, creditsCharged: 4 });
      const cancelled = await store().jobCancel({ id: job.id, accountId: account.id, now: at(1_000) });
      await assert.rejects(store().jobCancel({ id: job.id, accountId: account.id, now: at(2_000) }), JobNotCancellableError);
      assert.equal(await balanceOf(store(), account.id), 10);
      assert.deepEqual(await store().jobGet({ id: job.id }), cancelled);
    });

    it('never refunds twice when two cancels race', async () => {
      const account = await makeAccount(store(), { creditBalance: 10 });
      const job = await makeJob(store(), { accountId: account.id, creditsCharged: 4 });
      const outcomes = await Promise.allSettled([
        store().jobCancel({ id: job.id, accountId: account.id, now: at(1_000) }),
        store().jobCancel({ id: job.id, accountId: account.id, now: at(1_000) }),
      ]);
      assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected']);
      assert.equal(await balanceOf(store(), account.id), 10);
    });
  });
}
