// Contract: jobInsertAll, a batch of creates in one transaction: all of them or none.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IdempotencyKeyReusedError, InsufficientCreditsError } from '../../../src/domain/index.js';
import { at, buildJob, idempotency, makeAccount } from '../../helpers/factories.js';
import { type OpenStore, balanceOf, rejectsWith, useFreshStore } from '../../helpers/store.js';

export function describeJobsInsertAll(open: OpenStore): void {
  describe('jobInsertAll', () => {
    const store = useFreshStore(open);

    it('writes every job, each charged, with its first event and counted, in the items\' order', async () => {
      const account = await makeAccount(store(), { creditBalance: 10 });
      const jobs = [0, 1, 2].map((i) => buildJob({ accountId: account.id, creditsCharged: i + 1, createdAt: at(i) }));
      const eventsBefore = await store().eventLatestId();
      const written = await store().jobInsertAll(jobs.map((job) => ({ job, idempotency: null })));
      assert.deepEqual(written, jobs.map((job) => ({ job, replayed: false })));
      for (const job of jobs) assert.deepEqual(await store().jobGet({ id: job.id }), job);
      assert.equal(await balanceOf(store(), account.id), 4);
      assert.equal((await store().jobList({ accountId: account.id, statuses: ['pending'], limit: 1 })).total, 3);
      assert.ok((await store().eventLatestId()) >= eventsBefore + 3, 'one created event per job');
    });

    it('writes none when the account cannot pay for them all, the ones it could pay for included', async () => {
      const account = await makeAccount(store(), { creditBalance: 5 });
      const jobs = [0, 1, 2].map((i) => buildJob({ accountId: account.id, creditsCharged: 2, createdAt: at(i) }));
      await rejectsWith(store().jobInsertAll(jobs.map((job) => ({ job, idempotency: null }))), InsufficientCreditsError, 'insufficient_credits');
      for (const job of jobs) assert.equal(await store().jobGet({ id: job.id }), null);
      assert.equal(await balanceOf(store(), account.id), 5);
      assert.deepEqual(await store().jobList({ accountId: account.id, limit: 10 }), { jobs: [], total: 0 });
    });

    it('writes none when one item fails halfway (a duplicate id), its keys included', async () => {
      const account = await makeAccount(store(), { creditBalance: null });
      const existing = buildJob({ accountId: account.id });
      await store().jobInsert({ job: existing, idempotency: null });
      const fresh = buildJob({ accountId: account.id, createdAt: at(1) });
      const twin = buildJob({ accountId: account.id, id: existing.id, createdAt: at(2) });
      await assert.rejects(store().jobInsertAll([
        { job: fresh, idempotency: idempotency('batch', 'h') },
        { job: twin, idempotency: idempotency('batch\n1', 'h') },
      ]));
      assert.equal(await store().jobGet({ id: fresh.id }), null);
      // The keys went with the rest: the same batch again is fresh, not a replay.
      const again = buildJob({ accountId: account.id, createdAt: at(3) });
      assert.deepEqual(await store().jobInsertAll([{ job: again, idempotency: idempotency('batch', 'h') }]), [{ job: again, replayed: false }]);
    });

    it('replays each item under its key, and refuses a key reused for another request', async () => {
      const account = await makeAccount(store(), { creditBalance: 10 });
      const items = (from: number) =>
        [0, 1].map((i) => ({ job: buildJob({ accountId: account.id, creditsCharged: 1, createdAt: at(from + i) }), idempotency: idempotency(i === 0 ? 'k' : 'k\n1', 'h') }));
      const first = await store().jobInsertAll(items(0));
      const replayed = await store().jobInsertAll(items(10));
      assert.deepEqual(replayed, first.map(({ job }) => ({ job, replayed: true })));
      assert.equal(await balanceOf(store(), account.id), 8);
      const other = buildJob({ accountId: account.id, createdAt: at(20) });
      await rejectsWith(store().jobInsertAll([{ job: other, idempotency: idempotency('k', 'another hash') }]), IdempotencyKeyReusedError, 'idempotency_key_reused');
      assert.equal(await store().jobGet({ id: other.id }), null);
    });
  });
}
