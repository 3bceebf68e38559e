// Contract: every change of a job counts one eventSeq (a heartbeat is not a change), and the
// store's event log grows with each change; the feed carries only other instances' changes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, makeJob } from '../../helpers/factories.js';
import { type OpenStore, useFreshStore } from '../../helpers/store.js';

export function describeEvents(open: OpenStore): void {
  describe('events', () => {
    const store = useFreshStore(open);

    it('counts eventSeq up by one on each change: insert 1, claim 2, progress 3, complete 4', async () => {
      const job = await makeJob(store());
      assert.equal(job.eventSeq, 1);
      const [claimed] = await store().jobClaim({ workerId: 'w', types: [job.type], now: at(1_000), leaseMs: 10_000, limit: 1 });
      assert.equal(claimed?.eventSeq, 2);
      const lease = { id: job.id, leaseToken: claimed!.leaseToken! };
      const beat = await store().jobHeartbeat({ ...lease, now: at(2_000), leaseMs: 10_000 });
      assert.equal(beat.eventSeq, 2);
      const progressed = await store().jobProgress({ ...lease, now: at(3_000), progress: 50, statusMessage: null });
      assert.equal(progressed.eventSeq, 3);
      const completed = await store().jobComplete({ ...lease, now: at(4_000), output: null, size: 0, processTime: 3_000 });
      assert.equal(completed.eventSeq, 4);
      assert.equal((await store().jobGet({ id: job.id }))?.eventSeq, 4);
    });

    it('counts eventSeq through a retry, a release and a cancel', async () => {
      const job = await makeJob(store(), { status: 'running' });
      const retried = await store().jobFail({ id: job.id, leaseToken: job.leaseToken!, now: at(1_000), error: { code: 'x' }, processTime: 1, retryAt: at(2_000) });
      assert.equal(retried.eventSeq, 3);
      const [again] = await store().jobClaim({ workerId: 'w', types: [job.type], now: at(2_000), leaseMs: 10_000, limit: 1 });
      assert.equal(again?.eventSeq, 4);
      const released = await store().jobRelease({ id: job.id, leaseToken: again!.leaseToken!, now: at(3_000) });
      assert.equal(released.eventSeq, 5);
      const cancelled = await store().jobCancel({ id: job.id, accountId: job.accountId, now: at(4_000) });
      assert.equal(cancelled.eventSeq, 6);
    });

    it('leaves eventSeq alone when a write is refused', async () => {
      const job = await makeJob(store(), { status: 'running' });
      await assert.rejects(store().jobProgress({ id: job.id, leaseToken: 'stale', now: at(1_000), progress: 10, statusMessage: null }));
      assert.equal((await store().jobGet({ id: job.id }))?.eventSeq, 2);
    });

    it('starts the event log at 0 and grows it with each change', async () => {
      assert.equal(await store().eventLatestId(), 0);
      const job = await makeJob(store());
      const afterInsert = await store().eventLatestId();
      assert.ok(afterInsert > 0);
      await store().jobCancel({ id: job.id, accountId: job.accountId, now: at(1_000) });
      assert.ok((await store().eventLatestId()) > afterInsert);
    });

    it('leaves this instance\'s own changes out of the feed', async () => {
      const job = await makeJob(store(), { status: 'running' });
      await store().jobComplete({ id: job.id, leaseToken: job.leaseToken!, now: at(1_000), output: null, size: 0, processTime: 1 });
      assert.deepEqual(await store().eventFeed({ afterId: 0, limit: 100 }), []);
    });
  });
}
