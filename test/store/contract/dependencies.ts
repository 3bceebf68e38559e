// Contract: job dependencies (`after`). A job created after others is not claimed until each has
// completed; jobWaitingFor says which it still waits for; once one fails or is cancelled (or is
// gone), jobFailBlocked fails the waiting job with dependency_failed naming it, refunded once,
// with its event and webhook delivery, and then the jobs waiting for that one in turn. Across two
// stores a create and the end of the job it waits for may race: the waiting job is never stuck.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Job, newId } from '../../../src/domain/index.js';
import type { Store } from '../../../src/store/index.js';
import { at, makeAccount, makeJob } from '../../helpers/factories.js';
import { type OpenStore, type OpenStorePair, balanceOf, useFreshPair, useFreshStore } from '../../helpers/store.js';

const ids = (jobs: readonly Job[]) => jobs.map((j) => j.id);
const claim = (store: Store, type: string, now = at(10_000)) => store.jobClaim({ workerId: 'w', types: [type], now, leaseMs: 60_000, limit: 10 });
const complete = (store: Store, job: Job, now = at(20_000)) =>
  store.jobComplete({ id: job.id, leaseToken: job.leaseToken!, now, output: null, size: 0, processTime: 1 });

export function describeDependencies(open: OpenStore, openPair: OpenStorePair): void {
  describe('dependencies', () => {
    const store = useFreshStore(open);

    it('holds a job until every job it waits for has completed, and says which it still waits for', async () => {
      const account = await makeAccount(store(), { creditBalance: null });
      const first = await makeJob(store(), { accountId: account.id, type: 't/first', status: 'running' });
      const second = await makeJob(store(), { accountId: account.id, type: 't/second' });
      const waiting = await makeJob(store(), { accountId: account.id, type: 't/after', after: [first.id, second.id] });
      assert.deepEqual(waiting.after, [first.id, second.id]);
      assert.deepEqual((await store().jobGet({ id: waiting.id }))!.after, [first.id, second.id]);
      assert.equal((await store().jobGet({ id: first.id }))!.hasDependents, true);
      assert.deepEqual(await store().jobWaitingFor([waiting.id, first.id]), new Map([[waiting.id, [first.id, second.id]]]));
      assert.deepEqual(await claim(store(), 't/after'), [], 'both still to complete');

      const done = await complete(store(), first);
      assert.equal(done.hasDependents, true, 'the completion says others may now start');
      assert.deepEqual(await store().jobWaitingFor([waiting.id]), new Map([[waiting.id, [second.id]]]));
      assert.deepEqual(await claim(store(), 't/after'), [], 'one still to complete');

      const [running] = await claim(store(), 't/second');
      await complete(store(), running!);
      assert.deepEqual(await store().jobWaitingFor([waiting.id]), new Map());
      assert.deepEqual(ids(await claim(store(), 't/after')), [waiting.id]);
    });

    it('starts at once a job whose dependencies completed before it was created', async () => {
      const account = await makeAccount(store(), { creditBalance: null });
      const done = await makeJob(store(), { accountId: account.id, type: 't/first', status: 'completed' });
      const waiting = await makeJob(store(), { accountId: account.id, type: 't/after', after: [done.id] });
      assert.deepEqual(await store().jobWaitingFor([waiting.id]), new Map());
      assert.equal((await store().jobGet({ id: done.id }))!.hasDependents, false, 'a completed job is not marked');
      assert.deepEqual(ids(await claim(store(), 't/after')), [waiting.id]);
    });

    it('fails a waiting job once when its dependency fails: refunded once, with its event and webhook, naming the job', async () => {
      const account = await makeAccount(store(), { creditBalance: 10 });
      const first = await makeJob(store(), { accountId: account.id, type: 't/first', status: 'running', creditsCharged: 1 });
      const waiting = await makeJob(store(), {
        accountId: account.id, type: 't/after', after: [first.id], creditsCharged: 3, webhookUrl: 'https://hooks.example/after',
      });
      assert.equal(await balanceOf(store(), account.id), 6);
      assert.deepEqual(await store().jobFailBlocked({ now: at(30_000), limit: 10 }), [], 'nothing failed yet');

      await store().jobFail({ id: first.id, leaseToken: first.leaseToken!, now: at(20_000), error: { code: 'boom' }, processTime: 1, retryAt: null });
      const eventsBefore = await store().eventLatestId();
      const [failed, ...more] = await store().jobFailBlocked({ now: at(30_000), limit: 10 });
      assert.deepEqual(more, []);
      assert.deepEqual(failed, {
        ...waiting,
        status: 'failed',
        error: { code: 'dependency_failed', message: `${first.id}, which this job waited for (after), failed` },
        failedAt: at(30_000), updatedAt: at(30_000), creditsRefunded: 3, eventSeq: 2,
      });
      assert.equal(await balanceOf(store(), account.id), 10, 'both refunded: the failed job and the one that waited for it');
      assert.ok((await store().eventLatestId()) > eventsBefore, 'the failure is an event');
      const deliveries = await store().deliveryListByJob({ jobId: waiting.id });
      assert.deepEqual(deliveries.map((d) => [d.eventType, d.url]), [['job.failed', 'https://hooks.example/after']]);
      assert.deepEqual(await store().jobWaitingFor([waiting.id]), new Map(), 'an ended job waits for nothing');

      assert.deepEqual(await store().jobFailBlocked({ now: at(40_000), limit: 10 }), [], 'once');
      assert.equal(await balanceOf(store(), account.id), 10);
      assert.equal((await store().deliveryListByJob({ jobId: waiting.id })).length, 1);
    });

    it('fails a chain link by link, says a cancel or a missing job, and leaves a cancelled waiting job alone', async () => {
      const account = await makeAccount(store(), { creditBalance: null });
      const head = await makeJob(store(), { accountId: account.id, type: 't/head' });
      const middle = await makeJob(store(), { accountId: account.id, type: 't/middle', after: [head.id] });
      const tail = await makeJob(store(), { accountId: account.id, type: 't/tail', after: [middle.id] });
      const gone = newId('job', 5);
      const orphan = await makeJob(store(), { accountId: account.id, type: 't/orphan', after: [gone] });
      const other = await makeJob(store(), { accountId: account.id, type: 't/other' });
      const dropped = await makeJob(store(), { accountId: account.id, type: 't/dropped', after: [other.id] });
      await store().jobCancel({ id: dropped.id, accountId: account.id, now: at(1_000) });
      await store().jobCancel({ id: other.id, accountId: account.id, now: at(1_000) });

      await store().jobCancel({ id: head.id, accountId: account.id, now: at(2_000) });
      const round1 = await store().jobFailBlocked({ now: at(3_000), limit: 10 });
      assert.deepEqual(ids(round1).sort(), ids([middle, orphan]).sort(), 'the cancelled waiting job is not failed again');
      const byId = new Map(round1.map((job) => [job.id, job.error?.message]));
      assert.equal(byId.get(middle.id), `${head.id}, which this job waited for (after), was cancelled`);
      assert.equal(byId.get(orphan.id), `${gone}, which this job waited for (after), no longer exists`);
      const round2 = await store().jobFailBlocked({ now: at(4_000), limit: 10 });
      assert.deepEqual(ids(round2), [tail.id]);
      assert.equal(round2[0]!.error?.message, `${middle.id}, which this job waited for (after), failed`);
      assert.deepEqual(await store().jobFailBlocked({ now: at(5_000), limit: 10 }), []);
      assert.equal((await store().jobGet({ id: dropped.id }))!.status, 'cancelled');
    });

    it('leaves a waiting job out of the queue place of the jobs behind it', async () => {
      const account = await makeAccount(store(), { creditBalance: null });
      const awaited = await makeJob(store(), { accountId: account.id, type: 't/first', createdAt: at(0) });
      await makeJob(store(), { accountId: account.id, type: 't/queue', after: [awaited.id], createdAt: at(1) });
      const behind = await makeJob(store(), { accountId: account.id, type: 't/queue', createdAt: at(2) });
      assert.equal(await store().jobQueueAhead({ id: behind.id, now: at(10_000), bound: 100 }), 0, 'the claim would take it first');
    });

    it('fails a job created after one that had already failed', async () => {
      const account = await makeAccount(store(), { creditBalance: null });
      const broken = await makeJob(store(), { accountId: account.id, type: 't/first', status: 'failed' });
      const waiting = await makeJob(store(), { accountId: account.id, type: 't/after', after: [broken.id] });
      assert.deepEqual(await claim(store(), 't/after'), []);
      assert.deepEqual(ids(await store().jobFailBlocked({ now: at(30_000), limit: 10 })), [waiting.id]);
    });
  });

  describe('dependencies across stores', () => {
    const pair = useFreshPair(openPair);

    it('never leaves a job waiting for a job that completed while it was being created', async () => {
      const { first, second } = pair();
      const account = await makeAccount(first, { creditBalance: 100 });
      for (let i = 0; i < 25; i++) {
        const dep = await makeJob(first, { accountId: account.id, type: 't/dep', status: 'running', createdAt: at(i) });
        // A job already waits for it, so the racing create finds it marked: only its lock holds the completion back.
        await makeJob(first, { accountId: account.id, type: 't/earlier', after: [dep.id], createdAt: at(i) });
        const [, waiting] = await Promise.all([
          complete(first, dep, at(1_000 + i)),
          makeJob(second, { accountId: account.id, type: 't/waiting', after: [dep.id], createdAt: at(i) }),
        ]);
        assert.deepEqual(await second.jobWaitingFor([waiting.id]), new Map(), `round ${i}: nothing left to wait for`);
        assert.deepEqual(ids(await claim(second, 't/waiting', at(5_000))), [waiting.id], `round ${i}`);
      }
    });
  });
}
