// Contract: what the HTTP worker protocol keeps. Worker keys (stored, listed, revoked), the remote
// workers seen (recorded by claims, refreshed by heartbeats, listed with the jobs in hand), a job's
// checkpoint (stored by a heartbeat, kept across attempts) and the lease token of the attempt that
// ended last.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WorkerContact, WorkerKey } from '../../../src/domain/index.js';
import { at, makeJob } from '../../helpers/factories.js';
import { type OpenStore, useFreshStore } from '../../helpers/store.js';

function buildWorkerKey(overrides: Partial<WorkerKey> = {}): WorkerKey {
  return {
    id: 'wkey_01JAAAAAAAAAAAAAAAAAAAAAAA',
    name: 'gpu fleet',
    types: ['py/reverse', 'py/upper'],
    secretHash: 'ab'.repeat(32),
    last4: 'wxyz',
    createdAt: at(0),
    revokedAt: null,
    ...overrides,
  };
}

function contact(overrides: Partial<WorkerContact> = {}): WorkerContact {
  return { id: 'wrk_1', keyId: 'wkey_01JAAAAAAAAAAAAAAAAAAAAAAA', name: 'gpu fleet', host: 'gpu-1', types: ['test/echo'], concurrency: 2, now: at(1_000), ...overrides };
}

export function describeWorkers(open: OpenStore): void {
  describe('worker keys', () => {
    const store = useFreshStore(open);

    it('stores a key, reads it back, lists it and revokes it once', async () => {
      const key = buildWorkerKey();
      const other = buildWorkerKey({ id: 'wkey_01JBBBBBBBBBBBBBBBBBBBBBBB', name: 'cpu', types: ['a'] });
      await store().workerKeyInsert({ key });
      await store().workerKeyInsert({ key: other });
      assert.deepEqual(await store().workerKeyGet({ id: key.id }), key);
      assert.equal(await store().workerKeyGet({ id: 'wkey_01JCCCCCCCCCCCCCCCCCCCCCCC' }), null);
      assert.deepEqual(await store().workerKeyList({ afterId: null, limit: 10 }), [key, other]);
      assert.deepEqual(await store().workerKeyList({ afterId: key.id, limit: 10 }), [other]);
      assert.deepEqual(await store().workerKeyList({ afterId: null, limit: 1 }), [key]);
      assert.equal(await store().workerKeyRevoke({ id: key.id, now: at(5_000) }), true);
      assert.equal(await store().workerKeyRevoke({ id: key.id, now: at(6_000) }), false);
      assert.deepEqual(await store().workerKeyGet({ id: key.id }), { ...key, revokedAt: at(5_000) });
    });
  });

  describe('remote workers', () => {
    const store = useFreshStore(open);

    it('records a worker, keeps its first sighting, and lists it with the jobs it holds', async () => {
      await store().workerRecord({ worker: contact() });
      await store().workerRecord({ worker: contact({ host: 'gpu-1b', concurrency: 4, now: at(2_000) }) });
      await makeJob(store(), { status: 'running', worker: 'wrk_1', startedAt: at(2_500) });
      await makeJob(store(), { status: 'completed', worker: 'wrk_1', startedAt: at(2_600) });
      const [listed, ...rest] = await store().workerList({ seenSince: at(0), limit: 10 });
      assert.deepEqual(rest, []);
      assert.deepEqual(listed, {
        id: 'wrk_1',
        keyId: 'wkey_01JAAAAAAAAAAAAAAAAAAAAAAA',
        name: 'gpu fleet',
        host: 'gpu-1b',
        types: ['test/echo'],
        concurrency: 4,
        jobsInHand: 1,
        firstSeenAt: at(1_000),
        lastSeenAt: at(2_000),
      });
    });

    it('a heartbeat moves the last contact forward, never back; the list leaves out workers not seen since', async () => {
      await store().workerRecord({ worker: contact({ id: 'wrk_old', now: at(1_000) }) });
      await store().workerRecord({ worker: contact({ id: 'wrk_new', now: at(1_000) }) });
      await store().workerSeen({ id: 'wrk_new', now: at(9_000) });
      await store().workerSeen({ id: 'wrk_new', now: at(8_000) });
      await store().workerSeen({ id: 'wrk_unknown', now: at(9_000) });
      const listed = await store().workerList({ seenSince: at(5_000), limit: 10 });
      assert.deepEqual(listed.map((w) => [w.id, w.lastSeenAt]), [['wrk_new', at(9_000)]]);
      const all = await store().workerList({ seenSince: at(0), limit: 10 });
      assert.deepEqual(all.map((w) => w.id), ['wrk_new', 'wrk_old']);
    });
  });

  describe('checkpoints and the last lease', () => {
    const store = useFreshStore(open);

    it('a heartbeat stores a checkpoint, keeps it when it sends none, clears it with null, and the next attempt reads it', async () => {
      const running = await makeJob(store(), { status: 'running', startedAt: at(1_000) });
      const lease = { id: running.id, leaseToken: running.leaseToken!, leaseMs: 30_000 };
      const beat = await store().jobHeartbeat({ ...lease, now: at(2_000), checkpoint: { frame: 120, parts: ['a', 'b'] } });
      assert.deepEqual(beat, { ...running, leaseExpiresAt: at(32_000) });
      await store().jobHeartbeat({ ...lease, now: at(3_000) });
      let [record] = await store().jobAttemptRecords({ ids: [running.id] });
      assert.deepEqual(record!.checkpoint, { frame: 120, parts: ['a', 'b'] });
      assert.equal(record!.lastLeaseToken, null);
      assert.deepEqual(record!.job, { ...running, leaseExpiresAt: at(33_000) });

      await store().jobFail({ id: running.id, leaseToken: running.leaseToken!, now: at(4_000), error: { code: 'boom' }, processTime: 3_000, retryAt: at(5_000) });
      const [again] = await store().jobClaim({ workerId: 'w2', types: [running.type], now: at(6_000), leaseMs: 30_000, limit: 1 });
      [record] = await store().jobAttemptRecords({ ids: [running.id] });
      assert.equal(record!.job.leaseToken, again!.leaseToken);
      assert.equal(record!.lastLeaseToken, running.leaseToken, 'the ended attempt’s token is kept');
      assert.deepEqual(record!.checkpoint, { frame: 120, parts: ['a', 'b'] }, 'the checkpoint outlives the attempt that stored it');

      await store().jobHeartbeat({ id: running.id, leaseToken: again!.leaseToken!, leaseMs: 30_000, now: at(7_000), checkpoint: null });
      [record] = await store().jobAttemptRecords({ ids: [running.id] });
      assert.equal(record!.checkpoint, null);
    });

    it('a stale heartbeat stores no checkpoint', async () => {
      const running = await makeJob(store(), { status: 'running', startedAt: at(1_000) });
      await assert.rejects(store().jobHeartbeat({ id: running.id, leaseToken: 'stale', leaseMs: 30_000, now: at(2_000), checkpoint: { x: 1 } }));
      const [record] = await store().jobAttemptRecords({ ids: [running.id] });
      assert.equal(record!.checkpoint, null);
    });

    it('every end of an attempt keeps its token: complete, release and cancel; a pending cancel keeps the earlier one', async () => {
      const completed = await makeJob(store(), { status: 'running', type: 'test/a', startedAt: at(1_000) });
      await store().jobComplete({ id: completed.id, leaseToken: completed.leaseToken!, now: at(2_000), output: null, size: 0, processTime: 1 });
      const released = await makeJob(store(), { status: 'running', type: 'test/b', startedAt: at(1_000) });
      await store().jobRelease({ id: released.id, leaseToken: released.leaseToken!, now: at(2_000) });
      const cancelled = await store().jobCancel({ id: released.id, accountId: released.accountId, now: at(3_000) });
      const records = await store().jobAttemptRecords({ ids: [completed.id, released.id, 'job_01JZZZZZZZZZZZZZZZZZZZZZZZ'] });
      const byId = new Map(records.map((r) => [r.job.id, r]));
      assert.equal(records.length, 2);
      assert.equal(byId.get(completed.id)!.lastLeaseToken, completed.leaseToken);
      assert.equal(byId.get(completed.id)!.job.status, 'completed');
      assert.equal(byId.get(released.id)!.lastLeaseToken, released.leaseToken);
      assert.deepEqual(byId.get(released.id)!.job, cancelled);
      assert.deepEqual(await store().jobAttemptRecords({ ids: [] }), []);
    });
  });
}
