// Contract: a job's deadline to start (startBy). The claim never starts a pending job past it;
// jobExpire fails such jobs with the given error, refunded once, with their event and webhook
// delivery, and only once however often and from however many stores it runs at once. A running
// job is not touched, whatever its deadline.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Job } from '../../../src/domain/index.js';
import type { Store } from '../../../src/store/index.js';
import { at, makeAccount, makeJob } from '../../helpers/factories.js';
import { type OpenStore, type OpenStorePair, balanceOf, useFreshPair, useFreshStore } from '../../helpers/store.js';

const EXPIRED = { code: 'expired', message: 'not started in time' };
const ids = (jobs: readonly Job[]) => jobs.map((j) => j.id);

/** total is how many of the account's jobs are in `status`, from the counters. */
async function total(store: Store, accountId: string, status: Job['status']): Promise<number> {
  return (await store.jobList({ accountId, statuses: [status], limit: 1 })).total;
}

export function describeStartBy(open: OpenStore, openPair: OpenStorePair): void {
  describe('startBy', () => {
    const store = useFreshStore(open);

    it('never claims a pending job past its startBy, and claims one whose deadline is now or ahead', async () => {
      const account = await makeAccount(store(), { creditBalance: null });
      const late = await makeJob(store(), { accountId: account.id, createdAt: at(0), startBy: at(1_000) });
      const boundary = await makeJob(store(), { accountId: account.id, createdAt: at(1), startBy: at(2_000) });
      const ahead = await makeJob(store(), { accountId: account.id, createdAt: at(2), startBy: at(60_000) });
      const none = await makeJob(store(), { accountId: account.id, createdAt: at(3) });
      assert.deepEqual((await store().jobGet({ id: late.id }))!.startBy, at(1_000));
      const claimed = await store().jobClaim({ workerId: 'w', types: [late.type], now: at(2_000), leaseMs: 10_000, limit: 10 });
      assert.deepEqual(ids(claimed), ids([boundary, ahead, none]));
      assert.equal((await store().jobGet({ id: late.id }))!.status, 'pending', 'the late job is left for jobExpire');
      assert.deepEqual(await store().jobClaim({ workerId: 'w', types: [late.type], now: at(3_000), leaseMs: 10_000, limit: 10 }), []);
    });

    it('fails a pending job past its deadline once: refunded once, with its event and its webhook delivery', async () => {
      const account = await makeAccount(store(), { creditBalance: 10 });
      const job = await makeJob(store(), { accountId: account.id, creditsCharged: 3, startBy: at(1_000), webhookUrl: 'https://hooks.example/expired' });
      assert.equal(await balanceOf(store(), account.id), 7);
      const eventsBefore = await store().eventLatestId();
      assert.deepEqual(await store().jobExpire({ now: at(1_000), limit: 10, error: EXPIRED }), [], 'a deadline is met up to its instant');

      const [expired, ...more] = await store().jobExpire({ now: at(1_001), limit: 10, error: EXPIRED });
      assert.deepEqual(more, []);
      assert.deepEqual(expired, {
        ...job, status: 'failed', error: EXPIRED, failedAt: at(1_001), updatedAt: at(1_001), creditsRefunded: 3, eventSeq: 2,
      });
      assert.deepEqual(await store().jobGet({ id: job.id }), expired);
      assert.equal(await balanceOf(store(), account.id), 10);
      assert.ok((await store().eventLatestId()) > eventsBefore, 'the failure is an event');
      const deliveries = await store().deliveryListByJob({ jobId: job.id });
      assert.deepEqual(deliveries.map((d) => [d.eventType, d.url]), [['job.failed', 'https://hooks.example/expired']]);
      assert.equal(JSON.parse(deliveries[0]!.payload).data.error.code, 'expired');

      // Again: nothing is pending past its deadline any more, so nothing changes.
      const eventsAfter = await store().eventLatestId();
      assert.deepEqual(await store().jobExpire({ now: at(5_000), limit: 10, error: EXPIRED }), []);
      assert.equal(await balanceOf(store(), account.id), 10);
      assert.equal(await store().eventLatestId(), eventsAfter);
      assert.equal((await store().deliveryListByJob({ jobId: job.id })).length, 1);
      assert.deepEqual([await total(store(), account.id, 'pending'), await total(store(), account.id, 'failed')], [0, 1]);
    });

    it('fails a retried job whose deadline passes while it waits, and leaves a running job alone', async () => {
      const account = await makeAccount(store(), { creditBalance: 10 });
      const retried = await makeJob(store(), { accountId: account.id, type: 't/retried', startBy: at(10_000), status: 'running' });
      const running = await makeJob(store(), { accountId: account.id, type: 't/running', startBy: at(10_000), status: 'running' });
      await store().jobFail({ id: retried.id, leaseToken: retried.leaseToken!, now: at(1_000), error: { code: 'boom' }, processTime: 1, retryAt: at(20_000) });

      const expired = await store().jobExpire({ now: at(10_001), limit: 10, error: EXPIRED });
      assert.deepEqual(ids(expired), [retried.id]);
      assert.deepEqual([expired[0]!.status, expired[0]!.error, expired[0]!.attempts], ['failed', EXPIRED, 1]);
      assert.deepEqual(await store().jobClaim({ workerId: 'w', types: ['t/retried'], now: at(20_000), leaseMs: 1_000, limit: 1 }), []);
      assert.equal((await store().jobGet({ id: running.id }))!.status, 'running', 'startBy is a deadline to start, not to finish');
      const done = await store().jobComplete({ id: running.id, leaseToken: running.leaseToken!, now: at(30_000), output: null, size: 0, processTime: 1 });
      assert.equal(done.status, 'completed');
      assert.equal(await balanceOf(store(), account.id), 10 - 1, 'the expired job is refunded, the completed one keeps its charge');
    });

    it('fails the oldest deadlines first, up to the limit, and no job without a deadline or not yet past it', async () => {
      const account = await makeAccount(store(), { creditBalance: null });
      const make = (i: number, startBy: Date | null) => makeJob(store(), { accountId: account.id, createdAt: at(i), startBy });
      const third = await make(0, at(3_000));
      const first = await make(1, at(1_000));
      const second = await make(2, at(2_000));
      await make(3, null);
      await make(4, at(9_000));
      assert.deepEqual(ids(await store().jobExpire({ now: at(5_000), limit: 2, error: EXPIRED })), ids([first, second]));
      assert.deepEqual(ids(await store().jobExpire({ now: at(5_000), limit: 2, error: EXPIRED })), ids([third]));
      assert.deepEqual([await total(store(), account.id, 'pending'), await total(store(), account.id, 'failed')], [2, 3]);
    });
  });

  describe('startBy across stores', () => {
    const pair = useFreshPair(openPair);

    it('fails each job once, refunded once, when two stores expire at the same time', async () => {
      const { first, second } = pair();
      const accounts = [await makeAccount(first, { creditBalance: 100 }), await makeAccount(first, { creditBalance: 100 })];
      const jobs: Job[] = [];
      for (let i = 0; i < 40; i++) {
        jobs.push(await makeJob(first, { accountId: accounts[i % 2]!.id, createdAt: at(i), creditsCharged: 2, startBy: at(1_000 + i) }));
      }
      for (const account of accounts) assert.equal(await balanceOf(first, account.id), 60);
      const [fromFirst, fromSecond] = [await first.eventLatestId(), await second.eventLatestId()];

      /** drain expires in small rounds until nothing is left, as a sweep on each API node would. */
      const drain = async (store: Store) => {
        const failed: Job[] = [];
        for (;;) {
          const round = await store.jobExpire({ now: at(60_000), limit: 3, error: EXPIRED });
          if (round.length === 0) return failed;
          failed.push(...round);
        }
      };
      const [a, b] = await Promise.all([drain(first), drain(second), drain(first), drain(second)]).then((all) => [all[0]!.concat(all[2]!), all[1]!.concat(all[3]!)]);
      assert.deepEqual(ids([...a!, ...b!]).sort(), ids(jobs).sort(), 'every job failed exactly once');
      for (const account of accounts) {
        assert.equal(await balanceOf(second, account.id), 100, 'each charge came back once');
        assert.deepEqual([await total(second, account.id, 'pending'), await total(second, account.id, 'failed')], [0, 20]);
      }
      // Each store's failures reach the other through the feed: one `failed` event per job.
      const heard = [...await second.eventFeed({ afterId: fromSecond, limit: 1_000 }), ...await first.eventFeed({ afterId: fromFirst, limit: 1_000 })];
      const failedEvents = heard.filter((e) => e.kind === 'failed');
      assert.deepEqual(failedEvents.map((e) => e.job.id).sort(), ids(jobs).sort());
    });
  });
}
