// Contract: jobInsert (charge, insufficient credits, idempotency) and jobGet (account scoping).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IdempotencyKeyReusedError, InsufficientCreditsError, newId } from '../../../src/domain/index.js';
import { T0, at, buildJob, idempotency, makeAccount, makeJob } from '../../helpers/factories.js';
import { type OpenStore, balanceOf, rejectsWith, useFreshStore } from '../../helpers/store.js';

export function describeJobsInsert(open: OpenStore): void {
  describe('jobInsert', () => {
    const store = useFreshStore(open);

    it('stores the job exactly as given, JSON fields and optional fields included', async () => {
      const account = await makeAccount(store());
      const job = buildJob({
        accountId: account.id,
        type: 'demo/sleep',
        priority: 7,
        statusMessage: 'queued',
        input: { durationMs: 250, nested: { list: [1, 'two', null, true] } },
        privateInput: { token: 's3cret' },
        metadata: { customer: 'c-1', tags: ['a', 'b'] },
        apiKeyId: newId('key'),
        apiKeyUsed: 'key_…a1b2',
        originalJobId: newId('job'),
        webhookUrl: 'https://example.com/hook',
        webhookEvents: ['job.started', 'job.completed'],
        webhookFormat: 'vydra',
        runAt: at(5_000),
      });
      assert.deepEqual(await store().jobInsert({ job, idempotency: null }), { job, replayed: false });
      assert.deepEqual(await store().jobGet({ id: job.id }), job);
    });

    it('charges the balance by creditsCharged', async () => {
      const account = await makeAccount(store(), { creditBalance: 10 });
      await store().jobInsert({ job: buildJob({ accountId: account.id, creditsCharged: 3 }), idempotency: null });
      assert.equal(await balanceOf(store(), account.id), 7);
    });

    it('accepts a free job on an empty balance', async () => {
      const account = await makeAccount(store(), { creditBalance: 0 });
      const job = buildJob({ accountId: account.id, creditsCharged: 0 });
      await store().jobInsert({ job, idempotency: null });
      assert.deepEqual(await store().jobGet({ id: job.id }), job);
      assert.equal(await balanceOf(store(), account.id), 0);
    });

    it('spends the balance down to exactly zero', async () => {
      const account = await makeAccount(store(), { creditBalance: 3 });
      await store().jobInsert({ job: buildJob({ accountId: account.id, creditsCharged: 3 }), idempotency: null });
      assert.equal(await balanceOf(store(), account.id), 0);
    });

    it('throws InsufficientCreditsError when the balance is short and writes nothing', async () => {
      const account = await makeAccount(store(), { creditBalance: 2 });
      const job = buildJob({ accountId: account.id, creditsCharged: 3 });
      const error = await rejectsWith(
        store().jobInsert({ job, idempotency: idempotency('k-1', 'h-1') }),
        InsufficientCreditsError,
        'insufficient_credits',
      );
      assert.equal(error.status, 402);
      assert.equal(error.needed, 3);
      assert.equal(error.balance, 2);
      assert.equal(await store().jobGet({ id: job.id }), null);
      assert.equal(await balanceOf(store(), account.id), 2);
      assert.deepEqual(await store().jobList({ accountId: account.id, limit: 10 }), { jobs: [], total: 0 });
    });

    it('writes nothing, not even the charge, when the insert fails halfway (a duplicate id)', async () => {
      const account = await makeAccount(store(), { creditBalance: 10 });
      const job = buildJob({ accountId: account.id, creditsCharged: 2 });
      await store().jobInsert({ job, idempotency: null });
      const twin = buildJob({ accountId: account.id, creditsCharged: 3, id: job.id, type: 'other/type', createdAt: at(1_000) });
      await assert.rejects(store().jobInsert({ job: twin, idempotency: idempotency('k-1', 'h-1') }));
      assert.equal(await balanceOf(store(), account.id), 8);
      assert.deepEqual(await store().jobGet({ id: job.id }), job);
      assert.deepEqual(await store().jobList({ accountId: account.id, limit: 10 }), { jobs: [job], total: 1 });
      const fresh = buildJob({ accountId: account.id, createdAt: at(2_000) });
      assert.deepEqual(await store().jobInsert({ job: fresh, idempotency: idempotency('k-1', 'h-1') }), { job: fresh, replayed: false });
    });

    it('commits exactly the good creates among refused ones asked for together (one SQLite group)', async () => {
      const account = await makeAccount(store(), { creditBalance: 5 });
      const used = buildJob({ accountId: account.id, creditsCharged: 0, createdAt: at(0) });
      await store().jobInsert({ job: used, idempotency: idempotency('k-used', 'h-1') });
      const good = [1, 1, 2].map((creditsCharged, i) => buildJob({ accountId: account.id, creditsCharged, createdAt: at(10 + i) }));
      const short = buildJob({ accountId: account.id, creditsCharged: 10, createdAt: at(20) });
      const reused = buildJob({ accountId: account.id, creditsCharged: 1, createdAt: at(21) });
      const outcomes = await Promise.allSettled([
        store().jobInsert({ job: good[0]!, idempotency: null }),
        store().jobInsert({ job: short, idempotency: idempotency('k-short', 'h-1') }),
        store().jobInsert({ job: good[1]!, idempotency: idempotency('k-good', 'h-1') }),
        store().jobInsert({ job: reused, idempotency: idempotency('k-used', 'h-other') }),
        store().jobInsert({ job: good[2]!, idempotency: null }),
      ]);
      assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
      assert.ok((outcomes[1] as PromiseRejectedResult).reason instanceof InsufficientCreditsError);
      assert.ok((outcomes[3] as PromiseRejectedResult).reason instanceof IdempotencyKeyReusedError);
      assert.equal(await balanceOf(store(), account.id), 1);
      assert.deepEqual(await store().jobList({ accountId: account.id, limit: 10 }), { jobs: [...good].reverse().concat(used), total: 4 });
      assert.equal(await store().jobGet({ id: short.id }), null);
      assert.equal(await store().jobGet({ id: reused.id }), null);
      // The refused create left no key behind; the good one's replays.
      const again = buildJob({ accountId: account.id, creditsCharged: 0, createdAt: at(30) });
      assert.deepEqual(await store().jobInsert({ job: again, idempotency: idempotency('k-short', 'h-2') }), { job: again, replayed: false });
      assert.deepEqual(await store().jobInsert({ job: buildJob({ accountId: account.id }), idempotency: idempotency('k-good', 'h-1') }), {
        job: good[1],
        replayed: true,
      });
    });

    it('records no idempotency key when the insert fails for credits', async () => {
      const account = await makeAccount(store(), { creditBalance: 0 });
      const first = buildJob({ accountId: account.id });
      await assert.rejects(store().jobInsert({ job: first, idempotency: idempotency('k-1', 'h-1') }), InsufficientCreditsError);
      await store().accountAdjustCredits({ accountId: account.id, amount: 1, now: at(1) });
      const second = buildJob({ accountId: account.id, createdAt: at(2) });
      assert.deepEqual(await store().jobInsert({ job: second, idempotency: idempotency('k-1', 'h-1') }), { job: second, replayed: false });
    });

    it('never finds an unlimited account short', async () => {
      const account = await makeAccount(store(), { creditBalance: null });
      const job = buildJob({ accountId: account.id, creditsCharged: 1_000_000 });
      assert.deepEqual(await store().jobInsert({ job, idempotency: null }), { job, replayed: false });
      assert.equal(await balanceOf(store(), account.id), null);
    });

    it('replays the first job for the same key and hash without charging twice', async () => {
      const account = await makeAccount(store(), { creditBalance: 10 });
      const first = buildJob({ accountId: account.id, creditsCharged: 2 });
      await store().jobInsert({ job: first, idempotency: idempotency('k-1', 'h-1') });
      const again = buildJob({ accountId: account.id, creditsCharged: 2, createdAt: at(1_000) });
      assert.deepEqual(await store().jobInsert({ job: again, idempotency: idempotency('k-1', 'h-1') }), { job: first, replayed: true });
      assert.equal(await store().jobGet({ id: again.id }), null);
      assert.equal(await balanceOf(store(), account.id), 8);
      assert.equal((await store().jobList({ accountId: account.id, limit: 10 })).total, 1);
    });

    it('replays the first job as it is now', async () => {
      const account = await makeAccount(store(), { creditBalance: null });
      const first = buildJob({ accountId: account.id });
      await store().jobInsert({ job: first, idempotency: idempotency('k-1', 'h-1') });
      const [claimed] = await store().jobClaim({ workerId: 'w', types: [first.type], now: at(10), leaseMs: 1_000, limit: 1 });
      const replay = await store().jobInsert({ job: buildJob({ accountId: account.id, createdAt: at(20) }), idempotency: idempotency('k-1', 'h-1') });
      assert.deepEqual(replay, { job: claimed, replayed: true });
    });

    it('throws IdempotencyKeyReusedError for the same key with another hash and writes nothing', async () => {
      const account = await makeAccount(store(), { creditBalance: 10 });
      await store().jobInsert({ job: buildJob({ accountId: account.id }), idempotency: idempotency('k-1', 'h-1') });
      const other = buildJob({ accountId: account.id, createdAt: at(1_000) });
      const error = await rejectsWith(
        store().jobInsert({ job: other, idempotency: idempotency('k-1', 'h-2') }),
        IdempotencyKeyReusedError,
        'idempotency_key_reused',
      );
      assert.equal(error.status, 409);
      assert.equal(await store().jobGet({ id: other.id }), null);
      assert.equal(await balanceOf(store(), account.id), 9);
    });

    it('lets an expired key be used again once expiresAt <= the new job\'s createdAt', async () => {
      const account = await makeAccount(store(), { creditBalance: 10 });
      const first = buildJob({ accountId: account.id });
      await store().jobInsert({ job: first, idempotency: idempotency('k-1', 'h-1', at(60_000)) });
      const second = buildJob({ accountId: account.id, createdAt: at(60_000) });
      assert.deepEqual(await store().jobInsert({ job: second, idempotency: idempotency('k-1', 'h-2', at(120_000)) }), { job: second, replayed: false });
      const third = buildJob({ accountId: account.id, createdAt: at(60_001) });
      assert.deepEqual(await store().jobInsert({ job: third, idempotency: idempotency('k-1', 'h-2') }), { job: second, replayed: true });
      assert.equal(await balanceOf(store(), account.id), 8);
    });

    it('keeps idempotency keys per account', async () => {
      const a = await makeAccount(store());
      const b = await makeAccount(store());
      const jobA = buildJob({ accountId: a.id });
      const jobB = buildJob({ accountId: b.id });
      assert.deepEqual(await store().jobInsert({ job: jobA, idempotency: idempotency('shared', 'h-a') }), { job: jobA, replayed: false });
      assert.deepEqual(await store().jobInsert({ job: jobB, idempotency: idempotency('shared', 'h-b') }), { job: jobB, replayed: false });
    });
  });

  describe('jobGet', () => {
    const store = useFreshStore(open);

    it('returns the job with or without its own accountId', async () => {
      const job = await makeJob(store());
      assert.deepEqual(await store().jobGet({ id: job.id }), job);
      assert.deepEqual(await store().jobGet({ id: job.id, accountId: job.accountId }), job);
    });

    it('returns null for another account\'s job', async () => {
      const job = await makeJob(store());
      const other = await makeAccount(store());
      assert.equal(await store().jobGet({ id: job.id, accountId: other.id }), null);
    });

    it('returns null for an unknown id', async () => {
      assert.equal(await store().jobGet({ id: newId('job', T0.getTime()) }), null);
    });
  });
}
