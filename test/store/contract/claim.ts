// Contract: jobClaim takes due pending jobs of the given types, in priority then age order,
// each under a fresh lease, and never the same job twice.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Job } from '../../../src/domain/index.js';
import { at, makeAccount, makeJob } from '../../helpers/factories.js';
import { type OpenStore, useFreshStore } from '../../helpers/store.js';

const ids = (jobs: Job[]) => jobs.map((j) => j.id);

export function describeClaim(open: OpenStore): void {
  describe('jobClaim', () => {
    const store = useFreshStore(open);
    const claim = (p: { types: readonly string[]; now: Date; limit: number; leaseMs?: number; workerId?: string }) =>
      store().jobClaim({ workerId: p.workerId ?? 'worker-1', leaseMs: p.leaseMs ?? 30_000, types: p.types, now: p.now, limit: p.limit });

    it('claims the highest priority first, then the oldest', async () => {
      const account = await makeAccount(store());
      const make = (ms: number, priority: number) => makeJob(store(), { accountId: account.id, createdAt: at(ms), priority });
      const oldLow = await make(0, 0);
      const oldHigh = await make(1_000, 5);
      const newLow = await make(2_000, 0);
      const newHigh = await make(3_000, 5);
      const middle = await make(4_000, 2);
      const claimed = await claim({ types: ['test/echo'], now: at(10_000), limit: 10 });
      assert.deepEqual(ids(claimed), ids([oldHigh, newHigh, middle, oldLow, newLow]));
    });

    it('hands out, when limited, the jobs that come first in claim order', async () => {
      const account = await makeAccount(store());
      const low = await makeJob(store(), { accountId: account.id, createdAt: at(0), priority: 0 });
      const high = await makeJob(store(), { accountId: account.id, createdAt: at(1_000), priority: 1 });
      assert.deepEqual(ids(await claim({ types: ['test/echo'], now: at(10_000), limit: 1 })), [high.id]);
      assert.deepEqual(ids(await claim({ types: ['test/echo'], now: at(10_000), limit: 1 })), [low.id]);
    });

    it('never claims a job whose runAt is in the future, and claims it from runAt on', async () => {
      const job = await makeJob(store(), { runAt: at(60_000) });
      assert.deepEqual(await claim({ types: [job.type], now: at(59_999), limit: 10 }), []);
      assert.deepEqual(ids(await claim({ types: [job.type], now: at(60_000), limit: 10 })), [job.id]);
    });

    it('claims only jobs of the listed types', async () => {
      const account = await makeAccount(store());
      const a = await makeJob(store(), { accountId: account.id, type: 't/a', createdAt: at(0) });
      await makeJob(store(), { accountId: account.id, type: 't/b', createdAt: at(1) });
      const c = await makeJob(store(), { accountId: account.id, type: 't/c', createdAt: at(2) });
      assert.deepEqual(ids(await claim({ types: ['t/a', 't/c', 't/none'], now: at(10), limit: 10 })), [a.id, c.id]);
      assert.deepEqual(await claim({ types: ['t/none'], now: at(10), limit: 10 }), []);
    });

    it('merges several types into one claim order, within the limit, a listed type given twice counting once', async () => {
      const account = await makeAccount(store());
      const make = (type: string, ms: number, priority: number) => makeJob(store(), { accountId: account.id, type, createdAt: at(ms), priority });
      const a0 = await make('t/a', 0, 0);
      const b1 = await make('t/b', 1, 3);
      const a2 = await make('t/a', 2, 3);
      const b3 = await make('t/b', 3, 0);
      await make('t/other', 4, 9);
      const a5 = await make('t/a', 5, 1);
      assert.deepEqual(ids(await claim({ types: ['t/b', 't/a', 't/b'], now: at(10), limit: 4 })), ids([b1, a2, a5, a0]));
      assert.deepEqual(ids(await claim({ types: ['t/a', 't/b'], now: at(10), limit: 4 })), ids([b3]));
    });

    it('claims jobs of every account', async () => {
      const a = await makeJob(store(), { createdAt: at(0) });
      const b = await makeJob(store(), { createdAt: at(1) });
      assert.notEqual(a.accountId, b.accountId);
      assert.deepEqual(ids(await claim({ types: ['test/echo'], now: at(10), limit: 10 })), [a.id, b.id]);
    });

    it('respects the limit', async () => {
      const account = await makeAccount(store());
      for (let i = 0; i < 5; i++) await makeJob(store(), { accountId: account.id, createdAt: at(i) });
      assert.equal((await claim({ types: ['test/echo'], now: at(10), limit: 2 })).length, 2);
      assert.equal((await claim({ types: ['test/echo'], now: at(10), limit: 2 })).length, 2);
      assert.equal((await claim({ types: ['test/echo'], now: at(10), limit: 2 })).length, 1);
    });

    it('makes the job running under a lease of leaseMs from now', async () => {
      const job = await makeJob(store(), { createdAt: at(0) });
      const now = at(5_000);
      const [claimed] = await claim({ types: [job.type], now, limit: 1, leaseMs: 45_000, workerId: 'host-1/3' });
      assert.ok(claimed);
      assert.equal(typeof claimed.leaseToken, 'string');
      assert.ok(claimed.leaseToken!.length > 0);
      assert.deepEqual(claimed, {
        ...job,
        status: 'running',
        attempts: 1,
        worker: 'host-1/3',
        startedAt: now,
        updatedAt: now,
        leaseToken: claimed.leaseToken,
        leaseExpiresAt: at(50_000),
        eventSeq: 2,
      });
      assert.deepEqual(await store().jobGet({ id: job.id }), claimed);
    });

    it('gives each claimed job its own fresh lease token', async () => {
      const account = await makeAccount(store());
      for (let i = 0; i < 4; i++) await makeJob(store(), { accountId: account.id, createdAt: at(i) });
      const claimed = await claim({ types: ['test/echo'], now: at(10), limit: 4 });
      assert.equal(new Set(claimed.map((j) => j.leaseToken)).size, 4);

      // A second claim of the same job after a release gets another token.
      const first = claimed[0]!;
      await store().jobRelease({ id: first.id, leaseToken: first.leaseToken!, now: at(20) });
      const [again] = await claim({ types: ['test/echo'], now: at(30), limit: 1 });
      assert.equal(again?.id, first.id);
      assert.notEqual(again?.leaseToken, first.leaseToken);
    });

    it('does not claim a claimed job again', async () => {
      const job = await makeJob(store());
      assert.equal((await claim({ types: [job.type], now: at(10), limit: 10 })).length, 1);
      assert.deepEqual(await claim({ types: [job.type], now: at(20), limit: 10 }), []);
      assert.deepEqual(await claim({ types: [job.type], now: at(10_000_000), limit: 10 }), []);
    });

    it('never hands one job to two claims made at the same time', async () => {
      const account = await makeAccount(store());
      for (let i = 0; i < 5; i++) await makeJob(store(), { accountId: account.id, createdAt: at(i) });
      const batches = await Promise.all(
        ['w-1', 'w-2', 'w-3'].map((workerId) => claim({ types: ['test/echo'], now: at(10), limit: 2, workerId })),
      );
      const claimed = batches.flat();
      assert.equal(claimed.length, 5);
      assert.equal(new Set(ids(claimed)).size, 5);
      for (const [i, batch] of batches.entries()) for (const job of batch) assert.equal(job.worker, `w-${i + 1}`);
    });

    it('never claims a final job', async () => {
      const account = await makeAccount(store());
      await makeJob(store(), { accountId: account.id, status: 'completed', createdAt: at(0) });
      await makeJob(store(), { accountId: account.id, status: 'failed', createdAt: at(1) });
      await makeJob(store(), { accountId: account.id, status: 'cancelled', createdAt: at(2) });
      assert.deepEqual(await claim({ types: ['test/echo'], now: at(100_000), limit: 10 }), []);
    });

    it('returns nothing for an empty type list or a zero limit', async () => {
      const job = await makeJob(store());
      assert.deepEqual(await claim({ types: [], now: at(10), limit: 10 }), []);
      assert.deepEqual(await claim({ types: [job.type], now: at(10), limit: 0 }), []);
      assert.equal((await store().jobGet({ id: job.id }))?.status, 'pending');
    });
  });
}
