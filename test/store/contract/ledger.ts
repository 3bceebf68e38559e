// Contract: the ledger rule. A job's charge is taken on insert and returned at most once, when it
// ends failed or cancelled, whatever path it took there; a completed job keeps its charge.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JobNotCancellableError, LeaseLostError } from '../../../src/domain/index.js';
import { at, makeAccount, makeJob } from '../../helpers/factories.js';
import { type OpenStore, balanceOf, rejectsWith, useFreshStore } from '../../helpers/store.js';

export function describeLedger(open: OpenStore): void {
  describe('ledger', () => {
    const store = useFreshStore(open);
    const claimOne = async (type: string, now: Date) => {
      const [job] = await store().jobClaim({ workerId: 'w', types: [type], now, leaseMs: 10_000, limit: 1 });
      assert.ok(job, `a ${type} job is due at ${now.toISOString()}`);
      return job;
    };

    it('restores the starting balance exactly after retries end in failure', async () => {
      const account = await makeAccount(store(), { creditBalance: 5 });
      const job = await makeJob(store(), { accountId: account.id, creditsCharged: 2 });
      assert.equal(await balanceOf(store(), account.id), 3);
      const attempts = [
        { claimAt: 0, retryAt: 10_000 },
        { claimAt: 10_000, retryAt: 20_000 },
        { claimAt: 20_000, retryAt: null },
      ];
      for (const { claimAt, retryAt } of attempts) {
        const running = await claimOne(job.type, at(claimAt));
        const retry = retryAt === null ? null : at(retryAt);
        await store().jobFail({ id: job.id, leaseToken: running.leaseToken!, now: at(claimAt + 1), error: { code: 'boom' }, processTime: 1, retryAt: retry });
        assert.equal(await balanceOf(store(), account.id), retry === null ? 5 : 3);
      }
      const failed = await store().jobGet({ id: job.id });
      assert.equal(failed?.status, 'failed');
      assert.equal(failed?.attempts, 3);
      assert.equal(failed?.creditsRefunded, 2);
      await assert.rejects(store().jobCancel({ id: job.id, accountId: account.id, now: at(30_000) }), JobNotCancellableError);
      assert.equal(await balanceOf(store(), account.id), 5);
    });

    it('restores it exactly when a running job is cancelled and its worker then reports a failure', async () => {
      const account = await makeAccount(store(), { creditBalance: 5 });
      const running = await makeJob(store(), { accountId: account.id, status: 'running', creditsCharged: 2 });
      await store().jobCancel({ id: running.id, accountId: account.id, now: at(1_000) });
      await rejectsWith(
        store().jobFail({ id: running.id, leaseToken: running.leaseToken!, now: at(2_000), error: { code: 'boom' }, processTime: 1, retryAt: null }),
        LeaseLostError,
        'lease_lost',
      );
      assert.equal(await balanceOf(store(), account.id), 5);
      assert.equal((await store().jobGet({ id: running.id }))?.creditsRefunded, 2);
    });

    it('restores it exactly when a failed job is cancelled afterwards', async () => {
      const account = await makeAccount(store(), { creditBalance: 5 });
      const failed = await makeJob(store(), { accountId: account.id, status: 'failed', creditsCharged: 2 });
      assert.equal(await balanceOf(store(), account.id), 5);
      await assert.rejects(store().jobCancel({ id: failed.id, accountId: account.id, now: at(100_000) }), JobNotCancellableError);
      assert.equal(await balanceOf(store(), account.id), 5);
    });

    it('refunds once when a cancel races the worker\'s final failure', async () => {
      const account = await makeAccount(store(), { creditBalance: 5 });
      const running = await makeJob(store(), { accountId: account.id, status: 'running', creditsCharged: 2 });
      const outcomes = await Promise.allSettled([
        store().jobFail({ id: running.id, leaseToken: running.leaseToken!, now: at(2_000), error: { code: 'boom' }, processTime: 1, retryAt: null }),
        store().jobCancel({ id: running.id, accountId: account.id, now: at(2_000) }),
      ]);
      assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected']);
      assert.equal(await balanceOf(store(), account.id), 5);
      assert.equal((await store().jobGet({ id: running.id }))?.creditsRefunded, 2);
    });

    it('leaves the balance consistent with the winner when a cancel races a completion', async () => {
      const account = await makeAccount(store(), { creditBalance: 5 });
      const running = await makeJob(store(), { accountId: account.id, status: 'running', creditsCharged: 2 });
      const outcomes = await Promise.allSettled([
        store().jobComplete({ id: running.id, leaseToken: running.leaseToken!, now: at(2_000), output: null, size: 0, processTime: 1 }),
        store().jobCancel({ id: running.id, accountId: account.id, now: at(2_000) }),
      ]);
      assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected']);
      const final = await store().jobGet({ id: running.id });
      assert.equal(await balanceOf(store(), account.id), final?.status === 'completed' ? 3 : 5);
    });

    it('keeps the charge of a completed job', async () => {
      const account = await makeAccount(store(), { creditBalance: 5 });
      await makeJob(store(), { accountId: account.id, status: 'completed', creditsCharged: 2 });
      assert.equal(await balanceOf(store(), account.id), 3);
    });

    it('refunds each failed or cancelled job once among many', async () => {
      const account = await makeAccount(store(), { creditBalance: 100 });
      const plan = [
        { status: 'completed', creditsCharged: 1 },
        { status: 'failed', creditsCharged: 2 },
        { status: 'cancelled', creditsCharged: 4 },
        { status: 'running', creditsCharged: 16 },
        { status: 'pending', creditsCharged: 8 },
      ] as const;
      for (const [i, p] of plan.entries()) await makeJob(store(), { accountId: account.id, createdAt: at(i * 1_000), ...p });
      // Kept: completed 1, running 16, pending 8.
      assert.equal(await balanceOf(store(), account.id), 100 - 1 - 16 - 8);
    });

    it('keeps an unlimited account unlimited through charges and refunds', async () => {
      const account = await makeAccount(store(), { creditBalance: null });
      await makeJob(store(), { accountId: account.id, status: 'failed', creditsCharged: 5, createdAt: at(0) });
      await makeJob(store(), { accountId: account.id, status: 'cancelled', creditsCharged: 5, createdAt: at(1) });
      await makeJob(store(), { accountId: account.id, status: 'completed', creditsCharged: 5, createdAt: at(2) });
      assert.equal(await balanceOf(store(), account.id), null);
    });
  });
}
