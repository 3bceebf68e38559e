// Contract: webhook deliveries are written with the job change that makes them, claimed under a
// lease, recorded attempt by attempt, listed with their attempts and redelivered; and the account's
// webhook secret rotates with a grace period for the previous one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeliveryInProgressError, NotFoundError, newId } from '../../../src/domain/index.js';
import { jobView } from '../../../src/http/jobView.js';
import type { Store } from '../../../src/store/index.js';
import { at, makeAccount, makeJob } from '../../helpers/factories.js';
import { type OpenStore, TEST_WEBHOOK_FORMAT, rejectsWith, useFreshStore } from '../../helpers/store.js';

const HOOK = 'http://127.0.0.1:9/hook';
const LEASE = 60_000;

/** completedWithHook makes a completed job with a webhook and returns its one delivery. */
async function completedWithHook(store: Store, type = 'test/hook', completedAt = at(1_000)) {
  const job = await makeJob(store, { type, status: 'completed', webhookUrl: HOOK, startedAt: at(0), completedAt });
  const [delivery] = await store.deliveryListByJob({ jobId: job.id });
  assert.ok(delivery, 'the completion made a delivery');
  return { job, delivery };
}

export function describeDeliveries(open: OpenStore): void {
  describe('webhook deliveries', () => {
    const store = useFreshStore(open);

    it('writes a delivery with the completion, due at once, whose payload is the job as it was then', async () => {
      const { job, delivery } = await completedWithHook(store());
      assert.equal(delivery.jobId, job.id);
      assert.equal(delivery.accountId, job.accountId);
      assert.equal(delivery.eventType, 'job.completed');
      assert.equal(delivery.url, HOOK);
      assert.equal(delivery.state, 'pending');
      assert.equal(delivery.attempts, 0);
      assert.deepEqual(delivery.nextAttemptAt, at(1_000));
      assert.match(delivery.id, /^whd_[0-9A-Z]{26}$/);
      assert.deepEqual(JSON.parse(delivery.payload), {
        type: 'job.completed',
        timestamp: at(1_000).toISOString(),
        data: JSON.parse(JSON.stringify(jobView(job))),
      });
      assert.deepEqual(delivery.attemptLog, []);
      assert.equal(delivery.format, null);
    });

    it('writes a job’s webhookFormat payload and keeps the format on the delivery through claim and redelivery', async () => {
      const job = await makeJob(store(), { status: 'completed', webhookUrl: HOOK, webhookFormat: TEST_WEBHOOK_FORMAT, startedAt: at(0), completedAt: at(1_000) });
      assert.equal((await store().jobGet({ id: job.id }))?.webhookFormat, TEST_WEBHOOK_FORMAT);
      const [delivery] = await store().deliveryListByJob({ jobId: job.id });
      assert.deepEqual([delivery?.format, JSON.parse(delivery!.payload)], [TEST_WEBHOOK_FORMAT, { event: 'job.completed', jobId: job.id }]);
      const [held] = await store().deliveryClaim({ now: at(2_000), leaseMs: LEASE, limit: 1 });
      assert.equal(held?.format, TEST_WEBHOOK_FORMAT);
      await store().deliveryRecord({ id: held!.id, leaseToken: held!.leaseToken!, attempt: { startedAt: at(2_000), statusCode: 200, error: null, durationMs: 1 }, next: { state: 'succeeded' }, now: at(2_001) });
      const again = await store().deliveryRedeliver({ id: held!.id, jobId: job.id, now: at(3_000) });
      assert.equal(again.format, TEST_WEBHOOK_FORMAT);
    });

    it('takes a format the policy does not know for Longrun’s own payload, with no format on the delivery', async () => {
      const job = await makeJob(store(), { status: 'completed', webhookUrl: HOOK, webhookFormat: 'no-such-format', startedAt: at(0), completedAt: at(1_000) });
      const [delivery] = await store().deliveryListByJob({ jobId: job.id });
      assert.deepEqual([delivery?.format, JSON.parse(delivery!.payload).type], [null, 'job.completed']);
    });

    it('writes deliveries only for the events the job asked for, and none without a webhookUrl', async () => {
      const plain = await makeJob(store(), { type: 'test/plain', status: 'completed' });
      assert.deepEqual(await store().deliveryListByJob({ jobId: plain.id }), []);

      const job = await makeJob(store(), { type: 'test/all', webhookUrl: HOOK, webhookEvents: ['job.started', 'job.progress', 'job.failed'] });
      const [claimed] = await store().jobClaim({ workerId: 'w', types: ['test/all'], now: at(1_000), leaseMs: 10_000, limit: 1 });
      const lease = { id: job.id, leaseToken: claimed!.leaseToken! };
      await store().jobProgress({ ...lease, now: at(2_000), progress: 50, statusMessage: 'half' });
      // A retry and a hand-back send nothing.
      await store().jobFail({ ...lease, now: at(3_000), error: { code: 'x' }, processTime: 1, retryAt: at(3_000) });
      const [again] = await store().jobClaim({ workerId: 'w', types: ['test/all'], now: at(4_000), leaseMs: 10_000, limit: 1 });
      await store().jobComplete({ id: job.id, leaseToken: again!.leaseToken!, now: at(5_000), output: null, size: 0, processTime: 1 });
      const listed = await store().deliveryListByJob({ jobId: job.id });
      // Completed was not asked for; started twice, progress once.
      assert.deepEqual(listed.map((d) => d.eventType), ['job.started', 'job.progress', 'job.started']);
      const progress = JSON.parse(listed[1]!.payload);
      assert.equal(progress.data.progress, 50);
      assert.equal(progress.data.statusMessage, 'half');
    });

    it('writes job.cancelled and job.failed deliveries with those moves', async () => {
      const cancelled = await makeJob(store(), { type: 'test/c', status: 'cancelled', webhookUrl: HOOK });
      const failed = await makeJob(store(), { type: 'test/f', status: 'failed', webhookUrl: HOOK });
      assert.deepEqual((await store().deliveryListByJob({ jobId: cancelled.id })).map((d) => d.eventType), ['job.cancelled']);
      assert.deepEqual((await store().deliveryListByJob({ jobId: failed.id })).map((d) => d.eventType), ['job.failed']);
    });

    it('writes no delivery when the change is refused', async () => {
      const job = await makeJob(store(), { type: 'test/r', status: 'running', webhookUrl: HOOK });
      await assert.rejects(store().jobComplete({ id: job.id, leaseToken: 'stale', now: at(5_000), output: null, size: 0, processTime: 1 }));
      assert.deepEqual(await store().deliveryListByJob({ jobId: job.id }), []);
    });

    it('claims due deliveries oldest first under a lease, and never the same one twice', async () => {
      const first = await completedWithHook(store(), 'test/a');
      const second = await completedWithHook(store(), 'test/b', at(1_500));
      assert.deepEqual(await store().deliveryClaim({ now: at(500), leaseMs: LEASE, limit: 10 }), [], 'nothing is due before the event');
      const claimed = await store().deliveryClaim({ now: at(2_000), leaseMs: LEASE, limit: 1 });
      assert.deepEqual(claimed.map((d) => d.id), [first.delivery.id]);
      assert.equal(claimed[0]!.state, 'delivering');
      assert.equal(claimed[0]!.nextAttemptAt, null);
      assert.deepEqual(claimed[0]!.leaseExpiresAt, at(2_000 + LEASE));
      assert.ok(claimed[0]!.leaseToken);
      const rest = await store().deliveryClaim({ now: at(2_000), leaseMs: LEASE, limit: 10 });
      assert.deepEqual(rest.map((d) => d.id), [second.delivery.id]);
      assert.deepEqual(await store().deliveryClaim({ now: at(3_000), leaseMs: LEASE, limit: 10 }), []);
    });

    it('hands each due delivery to one of several concurrent claims', async () => {
      const made: string[] = [];
      for (let i = 0; i < 6; i++) made.push((await completedWithHook(store(), `test/c${i}`, at(1_000 + i))).delivery.id);
      const claims = await Promise.all([1, 2, 3].map(() => store().deliveryClaim({ now: at(5_000), leaseMs: LEASE, limit: 2 })));
      const ids = claims.flat().map((d) => d.id);
      assert.equal(new Set(ids).size, ids.length, 'no delivery was handed out twice');
      assert.deepEqual([...ids].sort(), [...made].sort());
    });

    it('claims a delivery again once its sender\'s lease ran out, with a new token', async () => {
      const { delivery } = await completedWithHook(store());
      const [held] = await store().deliveryClaim({ now: at(2_000), leaseMs: LEASE, limit: 1 });
      assert.deepEqual(await store().deliveryClaim({ now: at(2_000 + LEASE - 1), leaseMs: LEASE, limit: 1 }), []);
      const [retaken] = await store().deliveryClaim({ now: at(2_000 + LEASE), leaseMs: LEASE, limit: 1 });
      assert.equal(retaken?.id, delivery.id);
      assert.notEqual(retaken?.leaseToken, held!.leaseToken);
      const stale = await store().deliveryRecord({
        id: delivery.id,
        leaseToken: held!.leaseToken!,
        attempt: { startedAt: at(2_000), statusCode: 200, error: null, durationMs: 5 },
        next: { state: 'succeeded' },
        now: at(2_005),
      });
      assert.equal(stale, null, 'the first sender lost its lease');
      assert.deepEqual((await store().deliveryListByJob({ jobId: delivery.jobId }))[0]!.attemptLog, []);
    });

    it('records attempts in order and moves the delivery on', async () => {
      const { delivery } = await completedWithHook(store());
      const [held] = await store().deliveryClaim({ now: at(2_000), leaseMs: LEASE, limit: 1 });
      const retry = await store().deliveryRecord({
        id: delivery.id,
        leaseToken: held!.leaseToken!,
        attempt: { startedAt: at(2_000), statusCode: 500, error: 'HTTP 500', durationMs: 12 },
        next: { state: 'pending', at: at(7_000) },
        now: at(2_012),
      });
      assert.equal(retry?.state, 'pending');
      assert.equal(retry?.attempts, 1);
      assert.deepEqual(retry?.nextAttemptAt, at(7_000));
      assert.equal(retry?.leaseToken, null);
      assert.deepEqual(await store().deliveryClaim({ now: at(6_999), leaseMs: LEASE, limit: 1 }), []);
      const [again] = await store().deliveryClaim({ now: at(7_000), leaseMs: LEASE, limit: 1 });
      const done = await store().deliveryRecord({
        id: delivery.id,
        leaseToken: again!.leaseToken!,
        attempt: { startedAt: at(7_000), statusCode: null, error: 'timeout after 10000 ms', durationMs: 10_000 },
        next: { state: 'failed' },
        now: at(17_000),
      });
      assert.equal(done?.state, 'failed');
      assert.equal(done?.nextAttemptAt, null);
      const [listed] = await store().deliveryListByJob({ jobId: delivery.jobId });
      assert.equal(listed!.attempts, 2);
      assert.deepEqual(listed!.attemptLog, [
        { deliveryId: delivery.id, attempt: 1, startedAt: at(2_000), statusCode: 500, error: 'HTTP 500', durationMs: 12 },
        { deliveryId: delivery.id, attempt: 2, startedAt: at(7_000), statusCode: null, error: 'timeout after 10000 ms', durationMs: 10_000 },
      ]);
    });

    it('redelivers a finished delivery once (manual), and refuses one being sent', async () => {
      const { job, delivery } = await completedWithHook(store());
      const [held] = await store().deliveryClaim({ now: at(2_000), leaseMs: LEASE, limit: 1 });
      await rejectsWith(store().deliveryRedeliver({ id: delivery.id, jobId: job.id, now: at(2_001) }), DeliveryInProgressError, 'delivery_in_progress');
      await store().deliveryRecord({
        id: delivery.id,
        leaseToken: held!.leaseToken!,
        attempt: { startedAt: at(2_000), statusCode: 204, error: null, durationMs: 3 },
        next: { state: 'succeeded' },
        now: at(2_003),
      });
      const again = await store().deliveryRedeliver({ id: delivery.id, jobId: job.id, now: at(9_000) });
      assert.equal(again.state, 'pending');
      assert.equal(again.manual, true);
      assert.deepEqual(again.nextAttemptAt, at(9_000));
      const [manual] = await store().deliveryClaim({ now: at(9_000), leaseMs: LEASE, limit: 1 });
      assert.equal(manual?.manual, true);
      const after = await store().deliveryRecord({
        id: delivery.id,
        leaseToken: manual!.leaseToken!,
        attempt: { startedAt: at(9_000), statusCode: 200, error: null, durationMs: 3 },
        next: { state: 'succeeded' },
        now: at(9_003),
      });
      assert.equal(after?.manual, false);
      assert.equal(after?.attempts, 2);
    });

    it('moves a pending delivery forward on redelivery and keeps it automatic', async () => {
      const { job, delivery } = await completedWithHook(store());
      const moved = await store().deliveryRedeliver({ id: delivery.id, jobId: job.id, now: at(500) });
      assert.equal(moved.manual, false);
      assert.deepEqual(moved.nextAttemptAt, at(500));
    });

    it('answers NotFoundError for a delivery of another job or none at all', async () => {
      const { delivery } = await completedWithHook(store(), 'test/x');
      const other = await makeJob(store(), { type: 'test/y' });
      await rejectsWith(store().deliveryRedeliver({ id: delivery.id, jobId: other.id, now: at(1) }), NotFoundError, 'not_found');
      await rejectsWith(store().deliveryRedeliver({ id: newId('whd'), jobId: other.id, now: at(1) }), NotFoundError, 'not_found');
    });
  });

  describe('webhook secret rotation', () => {
    const store = useFreshStore(open);

    it('signs with the new and the previous secret until the grace ends', async () => {
      const account = await makeAccount(store(), { webhookSecret: 'whsec_b2xk' });
      assert.deepEqual(await store().accountWebhookSecrets({ accountId: account.id, now: at(0) }), ['whsec_b2xk']);
      const rotated = await store().accountRotateWebhookSecret({ accountId: account.id, secret: 'whsec_bmV3', previousExpiresAt: at(60_000) });
      assert.equal(rotated.webhookSecret, 'whsec_bmV3');
      assert.equal((await store().accountGet({ id: account.id }))?.webhookSecret, 'whsec_bmV3');
      assert.deepEqual(await store().accountWebhookSecrets({ accountId: account.id, now: at(59_999) }), ['whsec_bmV3', 'whsec_b2xk']);
      assert.deepEqual(await store().accountWebhookSecrets({ accountId: account.id, now: at(60_000) }), ['whsec_bmV3']);
      // A second rotation drops the oldest.
      await store().accountRotateWebhookSecret({ accountId: account.id, secret: 'whsec_bmV3ZXI=', previousExpiresAt: at(120_000) });
      assert.deepEqual(await store().accountWebhookSecrets({ accountId: account.id, now: at(1_000) }), ['whsec_bmV3ZXI=', 'whsec_bmV3']);
    });

    it('answers NotFoundError for an unknown account, and no secrets', async () => {
      await rejectsWith(store().accountRotateWebhookSecret({ accountId: newId('acct'), secret: 'whsec_eA==', previousExpiresAt: at(1) }), NotFoundError, 'not_found');
      assert.deepEqual(await store().accountWebhookSecrets({ accountId: newId('acct'), now: at(0) }), []);
    });
  });
}
