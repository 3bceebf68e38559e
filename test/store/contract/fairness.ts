// Contract: fair scheduling (domain/claimOrder.ts, store/claimAdmission.ts). Within a priority
// level accounts take turns, in proportion to their weights; caps on running jobs hold exactly;
// a pending job's place in its queue is counted.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Account, Job } from '../../../src/domain/index.js';
import type { Store } from '../../../src/store/index.js';
import { at, buildJob, insertPendingJobs, makeAccount, makeJob } from '../../helpers/factories.js';
import { type OpenStore, useFreshStore } from '../../helpers/store.js';

const TYPE = 'test/echo';

/** flood inserts `count` pending jobs of the account (unlimited), in batches, 1 ms apart from `fromMs`. */
async function flood(store: Store, account: Account, count: number, p: { fromMs?: number; priority?: number; type?: string } = {}): Promise<Job[]> {
  const jobs: Job[] = [];
  for (let i = 0; i < count; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, count - i) }, (_, k) =>
      buildJob({ accountId: account.id, createdAt: at((p.fromMs ?? 0) + i + k), priority: p.priority ?? 0, type: p.type ?? TYPE }),
    );
    jobs.push(...(await insertPendingJobs(store, batch)));
  }
  return jobs;
}

export function describeFairness(open: OpenStore): void {
  describe('fair scheduling', () => {
    const store = useFreshStore(open);
    const claim = (limit: number, now = at(3_600_000), types: readonly string[] = [TYPE]) =>
      store().jobClaim({ workerId: 'worker-1', leaseMs: 3_600_000, types, now, limit });

    it('gives 50 one-job accounts their turns within the first 60 claims after a flood of 10,000 from one', async () => {
      const flooder = await makeAccount(store(), { creditBalance: null });
      await flood(store(), flooder, 10_000);
      const small: string[] = [];
      for (let i = 0; i < 50; i++) {
        const account = await makeAccount(store(), { creditBalance: null });
        small.push((await makeJob(store(), { accountId: account.id, createdAt: at(20_000 + i) })).id);
      }
      const first60 = [...(await claim(30)), ...(await claim(30))].map((j) => j.id);
      for (const id of small) assert.ok(first60.includes(id), `the one job of a small account is among the first 60 claims`);
    });

    it('shares claims in proportion to weight (3:1 over 3,000 claims, within 10%)', async () => {
      const light = await makeAccount(store(), { creditBalance: null });
      const heavy = await makeAccount(store(), { creditBalance: null });
      await store().accountSchedulingSet({ accountId: heavy.id, change: { weight: 3 } });
      await flood(store(), light, 3_000);
      await flood(store(), heavy, 3_000, { fromMs: 10_000 });
      let heavyClaims = 0;
      for (let i = 0; i < 30; i++) heavyClaims += (await claim(100)).filter((j) => j.accountId === heavy.id).length;
      assert.ok(Math.abs(heavyClaims / 3_000 - 0.75) <= 0.075, `weight 3 of 4 got ${heavyClaims} of 3,000 claims`);
    });

    it('lets priority win across levels, and keeps priority then age within an account', async () => {
      const flooder = await makeAccount(store(), { creditBalance: null });
      const other = await makeAccount(store(), { creditBalance: null });
      await flood(store(), flooder, 100);
      const urgent = await makeJob(store(), { accountId: other.id, createdAt: at(1_000), priority: 5 });
      const older = await makeJob(store(), { accountId: other.id, createdAt: at(1_001), priority: 1 });
      const newer = await makeJob(store(), { accountId: other.id, createdAt: at(1_002), priority: 1 });
      const claimed = (await claim(3)).map((j) => j.id);
      assert.deepEqual(claimed, [urgent.id, older.id, newer.id]);
    });

    it('puts a retried job near the head, not behind the queue that formed while it ran', async () => {
      const account = await makeAccount(store(), { creditBalance: null });
      const other = await makeAccount(store(), { creditBalance: null });
      await flood(store(), account, 100);
      const running = await claim(100);
      const last = running.at(-1)!;
      await flood(store(), other, 500, { fromMs: 1_000 });
      await store().jobFail({ id: last.id, leaseToken: last.leaseToken!, now: at(3_600_000), error: { code: 'x', message: 'again' }, processTime: 1, retryAt: at(3_600_000) });
      const next = (await claim(3)).map((j) => j.id);
      assert.ok(next.includes(last.id), 'the retried job is among the next 3 claims, not after the 500');
    });

    it('never runs more of an account\'s jobs than its cap, and passes over it to other accounts', async () => {
      const capped = await makeAccount(store(), { creditBalance: null });
      const other = await makeAccount(store(), { creditBalance: null });
      const scheduling = await store().accountSchedulingSet({ accountId: capped.id, change: { maxConcurrency: 2 } });
      assert.deepEqual(scheduling, { accountId: capped.id, weight: 1, maxConcurrency: 2, maxConcurrencyByType: {}, running: 0 });
      await flood(store(), capped, 20);
      const others = await flood(store(), other, 3, { fromMs: 100 });
      const firstClaim = await claim(10);
      assert.equal(firstClaim.filter((j) => j.accountId === capped.id).length, 2);
      assert.deepEqual(firstClaim.filter((j) => j.accountId === other.id).map((j) => j.id), others.map((j) => j.id));
      assert.deepEqual(await claim(10), [], 'at its cap, the account gets no more');
      const done = firstClaim.find((j) => j.accountId === capped.id)!;
      await store().jobComplete({ id: done.id, leaseToken: done.leaseToken!, now: at(3_600_001), output: null, size: 0, processTime: 1 });
      const after = await claim(10);
      assert.equal(after.length, 1, 'a finished job frees exactly one slot');
      assert.equal((await store().accountSchedulingGet({ accountId: capped.id }))!.running, 2);
    });

    it('caps one type of an account apart from the rest, and counts the jobs already running when a cap is set', async () => {
      const account = await makeAccount(store(), { creditBalance: null });
      await flood(store(), account, 5, { type: 't/slow' });
      await flood(store(), account, 5, { type: 't/fast', fromMs: 100 });
      assert.equal((await claim(2, at(3_600_000), ['t/slow'])).length, 2);
      const set = await store().accountSchedulingSet({ accountId: account.id, change: { maxConcurrencyByType: { 't/slow': 3 } } });
      assert.deepEqual(set.maxConcurrencyByType, { 't/slow': 3 });
      const claimed = await claim(10, at(3_600_000), ['t/slow', 't/fast']);
      assert.equal(claimed.filter((j) => j.type === 't/slow').length, 1, 'two already ran: one more slow job fits under 3');
      assert.equal(claimed.filter((j) => j.type === 't/fast').length, 5);
      const removed = await store().accountSchedulingSet({ accountId: account.id, change: { maxConcurrencyByType: { 't/slow': null } } });
      assert.deepEqual(removed.maxConcurrencyByType, {});
      assert.equal((await claim(10, at(3_600_000), ['t/slow'])).length, 2, 'without the cap the rest run');
    });

    it('counts the jobs ahead of a pending job, bounded, and fewer as they are claimed', async () => {
      const flooder = await makeAccount(store(), { creditBalance: null });
      const other = await makeAccount(store(), { creditBalance: null });
      const flooded = await flood(store(), flooder, 30);
      const mine = await makeJob(store(), { accountId: other.id, createdAt: at(100) });
      const urgent = await makeJob(store(), { accountId: flooder.id, createdAt: at(101), priority: 9 });
      const now = at(3_600_000);
      // The newcomer takes the turn after the head: it ties with the flood's second job, which is older.
      assert.equal(await store().jobQueueAhead({ id: mine.id, now, bound: 100 }), 3, 'the urgent job and the flood\'s first two turns');
      assert.equal(await store().jobQueueAhead({ id: urgent.id, now, bound: 100 }), 0);
      assert.equal(await store().jobQueueAhead({ id: flooded[29]!.id, now, bound: 10 }), 11, 'bound 10 per band: at least 1 + 10');
      await claim(1);
      assert.equal(await store().jobQueueAhead({ id: mine.id, now, bound: 100 }), 2);
      await claim(2);
      assert.equal(await store().jobQueueAhead({ id: mine.id, now, bound: 100 }), 0);
      assert.deepEqual((await claim(1)).map((j) => j.id), [mine.id]);
      assert.equal(await store().jobQueueAhead({ id: mine.id, now, bound: 100 }), null, 'claimed: no longer pending');
      const starts = await store().jobRecentStarts({ type: TYPE, since: at(0), limit: 100 });
      assert.deepEqual(starts, { count: 4, earliest: now });
    });
  });
}
