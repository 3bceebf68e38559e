// Contract: how a running attempt ends. jobComplete, jobFail (final or retry, and the reaper's
// leaseExpiredBy re-check) and jobRelease, with the exact fields each one sets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LeaseLostError } from '../../../src/domain/index.js';
import { at, makeAccount, makeJob } from '../../helpers/factories.js';
import { type OpenStore, balanceOf, rejectsWith, useFreshStore } from '../../helpers/store.js';

export function describeTransitions(open: OpenStore): void {
  describe('jobComplete', () => {
    const store = useFreshStore(open);

    it('completes a running job with its output, size and process time, and clears the lease', async () => {
      const running = await makeJob(store(), { status: 'running', startedAt: at(1_000) });
      const lease = { id: running.id, leaseToken: running.leaseToken! };
      await store().jobProgress({ ...lease, now: at(2_000), progress: 30, statusMessage: 'working' });
      const done = await store().jobComplete({ ...lease, now: at(9_000), output: { url: 'file://out.png', n: [1, 2] }, size: 2048, processTime: 8_000 });
      assert.deepEqual(done, {
        ...running,
        status: 'completed',
        progress: 100,
        statusMessage: 'working',
        output: { url: 'file://out.png', n: [1, 2] },
        error: null,
        size: 2048,
        processTime: 8_000,
        completedAt: at(9_000),
        updatedAt: at(9_000),
        leaseToken: null,
        leaseExpiresAt: null,
        eventSeq: 4,
      });
      assert.deepEqual(await store().jobGet({ id: running.id }), done);
    });

    it('clears the error of an earlier failed attempt and keeps the charge', async () => {
      const account = await makeAccount(store(), { creditBalance: 5 });
      const first = await makeJob(store(), { accountId: account.id, status: 'running', creditsCharged: 2 });
      await store().jobFail({ id: first.id, leaseToken: first.leaseToken!, now: at(1_000), error: { code: 'flaky' }, processTime: 1, retryAt: at(2_000) });
      const [second] = await store().jobClaim({ workerId: 'w', types: [first.type], now: at(2_000), leaseMs: 1_000, limit: 1 });
      const done = await store().jobComplete({ id: first.id, leaseToken: second!.leaseToken!, now: at(2_500), output: null, size: 0, processTime: 500 });
      assert.equal(done.error, null);
      assert.equal(done.output, null);
      assert.equal(done.attempts, 2);
      assert.equal(done.creditsRefunded, 0);
      assert.equal(await balanceOf(store(), account.id), 3);
    });

    it('refuses a second complete with LeaseLostError', async () => {
      const running = await makeJob(store(), { status: 'running' });
      const p = { id: running.id, leaseToken: running.leaseToken!, output: 1, size: 1, processTime: 1 };
      const done = await store().jobComplete({ ...p, now: at(1_000) });
      await rejectsWith(store().jobComplete({ ...p, now: at(2_000), output: 2 }), LeaseLostError, 'lease_lost');
      assert.deepEqual(await store().jobGet({ id: running.id }), done);
    });
  });

  describe('jobFail', () => {
    const store = useFreshStore(open);

    it('fails a running job for good, keeps the error and refunds the charge', async () => {
      const account = await makeAccount(store(), { creditBalance: 10 });
      const running = await makeJob(store(), { accountId: account.id, status: 'running', creditsCharged: 4, startedAt: at(1_000) });
      assert.equal(await balanceOf(store(), account.id), 6);
      const failed = await store().jobFail({
        id: running.id, leaseToken: running.leaseToken!, now: at(3_000), error: { code: 'boom', message: 'it broke' }, processTime: 2_000, retryAt: null,
      });
      assert.deepEqual(failed, {
        ...running,
        status: 'failed',
        error: { code: 'boom', message: 'it broke' },
        processTime: 2_000,
        creditsRefunded: 4,
        failedAt: at(3_000),
        updatedAt: at(3_000),
        leaseToken: null,
        leaseExpiresAt: null,
        eventSeq: 3,
      });
      assert.deepEqual(await store().jobGet({ id: running.id }), failed);
      assert.equal(await balanceOf(store(), account.id), 10);
    });

    it('sends a failed attempt back to pending at retryAt, keeping the error, without a refund', async () => {
      const account = await makeAccount(store(), { creditBalance: 10 });
      const running = await makeJob(store(), { accountId: account.id, status: 'running', creditsCharged: 4, startedAt: at(1_000) });
      const retrying = await store().jobFail({
        id: running.id, leaseToken: running.leaseToken!, now: at(3_000), error: { code: 'flaky' }, processTime: 2_000, retryAt: at(63_000),
      });
      assert.equal(retrying.status, 'pending');
      assert.deepEqual(retrying.runAt, at(63_000));
      assert.deepEqual(retrying.error, { code: 'flaky' });
      assert.equal(retrying.attempts, 1);
      assert.equal(retrying.processTime, 2_000);
      assert.equal(retrying.creditsRefunded, 0);
      assert.equal(retrying.failedAt, null);
      assert.equal(retrying.leaseToken, null);
      assert.equal(retrying.leaseExpiresAt, null);
      assert.deepEqual(retrying.updatedAt, at(3_000));
      assert.equal(retrying.eventSeq, 3);
      assert.deepEqual(await store().jobGet({ id: running.id }), retrying);
      assert.equal(await balanceOf(store(), account.id), 6);
    });

    it('makes a retried job claimable only from retryAt on, counting attempts across claims', async () => {
      const running = await makeJob(store(), { status: 'running' });
      const claim = (now: Date) => store().jobClaim({ workerId: 'w', types: [running.type], now, leaseMs: 1_000, limit: 1 });
      await store().jobFail({ id: running.id, leaseToken: running.leaseToken!, now: at(1_000), error: { code: 'flaky' }, processTime: 1, retryAt: at(10_000) });
      assert.deepEqual(await claim(at(9_999)), []);
      const [second] = await claim(at(10_000));
      assert.equal(second?.attempts, 2);
      await store().jobFail({ id: running.id, leaseToken: second!.leaseToken!, now: at(10_500), error: { code: 'flaky' }, processTime: 1, retryAt: at(20_000) });
      const [third] = await claim(at(20_000));
      assert.equal(third?.attempts, 3);
      assert.equal(third?.eventSeq, 6);
    });

    it('refuses the reaper\'s fail while the lease is still live (leaseExpiredBy before the expiry)', async () => {
      const running = await makeJob(store(), { status: 'running', startedAt: at(0), leaseExpiresAt: at(30_000) });
      for (const retryAt of [null, at(90_000)]) {
        await rejectsWith(
          store().jobFail({ id: running.id, leaseToken: running.leaseToken!, now: at(40_000), error: { code: 'lease_expired' }, processTime: 0, retryAt, leaseExpiredBy: at(29_999) }),
          LeaseLostError,
          'lease_lost',
        );
      }
      assert.deepEqual(await store().jobGet({ id: running.id }), running);
    });

    it('applies the reaper\'s fail once the lease has expired (leaseExpiredBy at or after the expiry)', async () => {
      const account = await makeAccount(store(), { creditBalance: 1 });
      const retried = await makeJob(store(), { accountId: account.id, status: 'running', startedAt: at(0), leaseExpiresAt: at(30_000) });
      const lease = { id: retried.id, leaseToken: retried.leaseToken!, now: at(40_000), error: { code: 'lease_expired' }, processTime: 0 };
      const pending = await store().jobFail({ ...lease, retryAt: at(45_000), leaseExpiredBy: at(30_000) });
      assert.equal(pending.status, 'pending');
      const [again] = await store().jobClaim({ workerId: 'w', types: [retried.type], now: at(45_000), leaseMs: 1_000, limit: 1 });
      const failed = await store().jobFail({ ...lease, leaseToken: again!.leaseToken!, now: at(50_000), retryAt: null, leaseExpiredBy: at(46_000) });
      assert.equal(failed.status, 'failed');
      assert.deepEqual(failed.error, { code: 'lease_expired' });
      assert.equal(await balanceOf(store(), account.id), 1);
    });
  });

  describe('jobRelease', () => {
    const store = useFreshStore(open);

    it('hands a running job back to pending without counting the attempt, and clears the lease', async () => {
      const account = await makeAccount(store(), { creditBalance: 3 });
      const running = await makeJob(store(), { accountId: account.id, status: 'running', startedAt: at(1_000) });
      const released = await store().jobRelease({ id: running.id, leaseToken: running.leaseToken!, now: at(2_000) });
      assert.equal(released.status, 'pending');
      assert.equal(released.attempts, 0);
      assert.equal(released.leaseToken, null);
      assert.equal(released.leaseExpiresAt, null);
      assert.deepEqual(released.runAt, running.runAt);
      assert.deepEqual(released.updatedAt, at(2_000));
      assert.equal(released.eventSeq, 3);
      assert.equal(released.creditsRefunded, 0);
      assert.deepEqual(await store().jobGet({ id: running.id }), released);
      assert.equal(await balanceOf(store(), account.id), 2);
    });

    it('lets the released job be claimed again at once, as the same attempt', async () => {
      const running = await makeJob(store(), { status: 'running' });
      await store().jobRelease({ id: running.id, leaseToken: running.leaseToken!, now: at(2_000) });
      const [again] = await store().jobClaim({ workerId: 'w-2', types: [running.type], now: at(2_000), leaseMs: 1_000, limit: 1 });
      assert.equal(again?.id, running.id);
      assert.equal(again?.attempts, 1);
      assert.equal(again?.worker, 'w-2');
    });

    it('defers: with runAt and error the job waits until then, shows why, and the attempt is not counted', async () => {
      const running = await makeJob(store(), { status: 'running' });
      const error = { code: 'browser_unavailable', message: 'The browser did not start' };
      const deferred = await store().jobRelease({ id: running.id, leaseToken: running.leaseToken!, now: at(2_000), runAt: at(7_000), error });
      assert.equal(deferred.status, 'pending');
      assert.equal(deferred.attempts, 0);
      assert.deepEqual(deferred.runAt, at(7_000));
      assert.deepEqual(deferred.error, error);
      assert.deepEqual(await store().jobGet({ id: running.id }), deferred);
      const claim = (now: number) => store().jobClaim({ workerId: 'w-2', types: [running.type], now: at(now), leaseMs: 1_000, limit: 1 });
      assert.deepEqual(await claim(6_999), []);
      assert.equal((await claim(7_000))[0]?.id, running.id);
    });
  });
}
