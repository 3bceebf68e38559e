// Contract: jobPurge deletes a final job of the account at its owner's request, with its events,
// webhook deliveries and the idempotency keys that name it; the ledger stays. A pending or running
// job is not purgeable, and another account's job is not found; neither changes anything.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JobNotFoundError, JobNotPurgeableError, newId } from '../../../src/domain/index.js';
import { at, buildJob, idempotency, makeAccount, makeJob } from '../../helpers/factories.js';
import { type OpenStore, balanceOf, rejectsWith, useFreshStore } from '../../helpers/store.js';

export function describePurge(open: OpenStore): void {
  describe('jobPurge', () => {
    const store = useFreshStore(open);

    it('deletes a final job with its events, deliveries and idempotency keys; counters follow, the ledger stays', async () => {
      const account = await makeAccount(store(), { creditBalance: 10 });
      const { job: inserted } = await store().jobInsert({
        job: buildJob({ accountId: account.id, type: 't/hook', creditsCharged: 2, webhookUrl: 'https://hooks.example.com/x', createdAt: at(0) }),
        idempotency: idempotency('k1', 'h1'),
      });
      const [claimed] = await store().jobClaim({ workerId: 'w', types: ['t/hook'], now: at(10), leaseMs: 30_000, limit: 1 });
      await store().jobFail({ id: inserted.id, leaseToken: claimed!.leaseToken!, now: at(20), error: { code: 'boom' }, processTime: 10, retryAt: null });
      assert.equal((await store().deliveryListByJob({ jobId: inserted.id })).length, 1, 'the failure made a delivery');
      const kept = await makeJob(store(), { accountId: account.id, type: 't/kept', status: 'completed' });
      const balance = await balanceOf(store(), account.id);

      await store().jobPurge({ id: inserted.id, accountId: account.id });
      assert.equal(await store().jobGet({ id: inserted.id }), null);
      assert.deepEqual(await store().deliveryListByJob({ jobId: inserted.id }), []);
      const page = await store().jobList({ accountId: account.id, limit: 10 });
      assert.deepEqual([page.jobs.map((j) => j.id), page.total], [[kept.id], 1]);
      assert.equal((await store().jobList({ accountId: account.id, statuses: ['failed'], limit: 10 })).total, 0);
      assert.equal(await balanceOf(store(), account.id), balance, 'purging moved credits');
      // The key named the purged job: the same key now makes a new job rather than replaying a ghost.
      const again = await store().jobInsert({ job: buildJob({ accountId: account.id, createdAt: at(30) }), idempotency: idempotency('k1', 'h1') });
      assert.equal(again.replayed, false);
      assert.notEqual(again.job.id, inserted.id);
    });

    it('refuses a pending and a running job with JobNotPurgeableError and changes nothing', async () => {
      const account = await makeAccount(store(), { creditBalance: null });
      const running = await makeJob(store(), { accountId: account.id, type: 't/run', status: 'running' });
      const pending = await makeJob(store(), { accountId: account.id, type: 't/wait' });
      for (const job of [running, pending]) {
        const refused = await rejectsWith(store().jobPurge({ id: job.id, accountId: account.id }), JobNotPurgeableError, 'job_not_purgeable');
        assert.equal(refused.jobStatus, job.status);
        assert.deepEqual(await store().jobGet({ id: job.id }), job);
      }
    });

    it('throws JobNotFoundError for another account\'s job and for an unknown one, and deletes nothing', async () => {
      const owner = await makeAccount(store(), { creditBalance: null });
      const other = await makeAccount(store(), { creditBalance: null });
      const done = await makeJob(store(), { accountId: owner.id, status: 'completed' });
      await rejectsWith(store().jobPurge({ id: done.id, accountId: other.id }), JobNotFoundError, 'not_found');
      await rejectsWith(store().jobPurge({ id: newId('job'), accountId: owner.id }), JobNotFoundError, 'not_found');
      assert.deepEqual(await store().jobGet({ id: done.id }), done);
    });
  });
}
