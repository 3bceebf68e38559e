// The service's webhook attempt use cases with a scripted sender (no socket): attemptDelivery signs
// with the account's live secrets and this attempt's time, applies the retry policy, records the
// attempt under the lease, refuses to send an unsigned message, and reports a lost lease as null.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { ManualClock } from '../../src/domain/index.js';
import { EventBus } from '../../src/events/index.js';
import { apiLinks } from '../../src/http/links.js';
import { BUILTIN_JOB_TYPES, JobTypeRegistry } from '../../src/jobtypes/index.js';
import { type ServiceDeps, attemptDelivery, claimDeliveries, defaultServiceConfig } from '../../src/service/index.js';
import type { Store } from '../../src/store/index.js';
import { openSqlite } from '../../src/store/sqlite/index.js';
import type { SendResult } from '../../src/webhooks/index.js';
import { makeAccount, makeJob } from '../helpers/factories.js';
import { TEST_WEBHOOK_FORMAT, TEST_WEBHOOK_FORMATS, webhookDeliveries } from '../helpers/store.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const LEASE_MS = 60_000;

/** setUp makes deps on an in-memory store (near the wall clock: the verifier refuses old timestamps) and one due delivery. */
async function setUp(wrap: (store: Store) => Store = (store) => store, webhookFormat: string | null = null) {
  const store = openSqlite(':memory:', { webhookDeliveries });
  const clock = new ManualClock(new Date());
  const deps: ServiceDeps = {
    store: wrap(store),
    clock,
    registry: new JobTypeRegistry(BUILTIN_JOB_TYPES),
    bus: new EventBus(),
    links: apiLinks,
    config: { ...defaultServiceConfig, webhookRetrySchedule: [5_000, 60_000] },
    random: () => 0.5, // no jitter
    webhookFormats: TEST_WEBHOOK_FORMATS,
  };
  const account = await makeAccount(store, { creditBalance: null, webhookSecret: SECRET, createdAt: clock.now() });
  const job = await makeJob(store, {
    accountId: account.id, status: 'completed', webhookUrl: 'https://example.com/hook', webhookFormat, createdAt: clock.now(), startedAt: clock.now(), completedAt: clock.now(),
  });
  return { store, deps, clock, job };
}

/** answering is a sender that answers `statusCode` at once, keeping the headers it was given. */
function answering(statusCode: number, clock: ManualClock) {
  const sent: Record<string, string>[] = [];
  const send = async (headers: Record<string, string>): Promise<SendResult> => {
    sent.push(headers);
    return { startedAt: clock.now(), statusCode, error: null, retryAfterMs: null, durationMs: 3 };
  };
  return { sent, send };
}

describe('attemptDelivery', () => {
  it('adds the headers of the delivery’s format, made from its body and the live secrets, to the Standard Webhooks ones', async (t) => {
    const { store, deps, clock } = await setUp(undefined, TEST_WEBHOOK_FORMAT);
    t.after(() => store.close());
    const [delivery] = await claimDeliveries(deps, { leaseMs: LEASE_MS, limit: 10 });
    assert.equal(delivery?.format, TEST_WEBHOOK_FORMAT);
    const { sent, send } = answering(200, clock);
    await attemptDelivery(deps, delivery!, send);
    assert.equal(sent[0]!['x-test-signed'], `${SECRET}:${delivery!.payload.length}`);
    assert.ok(new Webhook(SECRET).verify(delivery!.payload, sent[0]!), 'still Standard Webhooks signed');
  });

  it('adds no other header to a delivery in Longrun’s own format', async (t) => {
    const { store, deps, clock } = await setUp();
    t.after(() => store.close());
    const [delivery] = await claimDeliveries(deps, { leaseMs: LEASE_MS, limit: 10 });
    const { sent, send } = answering(200, clock);
    await attemptDelivery(deps, delivery!, send);
    assert.deepEqual(Object.keys(sent[0]!).sort(), ['webhook-id', 'webhook-signature', 'webhook-timestamp']);
  });

  it('signs the payload, and records a 500 as pending on the schedule', async (t) => {
    const { store, deps, clock, job } = await setUp();
    t.after(() => store.close());
    const [delivery] = await claimDeliveries(deps, { leaseMs: LEASE_MS, limit: 10 });
    assert.ok(delivery);
    const { sent, send } = answering(500, clock);
    const recorded = await attemptDelivery(deps, delivery, send);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!['webhook-id'], delivery.id);
    assert.equal(sent[0]!['webhook-timestamp'], String(Math.floor(clock.now().getTime() / 1000)));
    assert.ok(new Webhook(SECRET).verify(delivery.payload, sent[0]!), 'the signature verifies');
    assert.deepEqual(recorded, {
      attempt: { startedAt: clock.now(), statusCode: 500, error: null, durationMs: 3 },
      next: { state: 'pending', at: new Date(clock.now().getTime() + 5_000) },
    });
    const [stored] = await store.deliveryListByJob({ jobId: job.id });
    assert.equal(stored!.state, 'pending');
    assert.deepEqual(stored!.attemptLog.map((a) => a.statusCode), [500]);
  });

  it('fails the delivery unsent when the account has no secret to sign with', async (t) => {
    const { store, deps, clock, job } = await setUp((inner) => Object.assign(Object.create(inner) as Store, { accountWebhookSecrets: async () => [] }));
    t.after(() => store.close());
    const [delivery] = await claimDeliveries(deps, { leaseMs: LEASE_MS, limit: 10 });
    const { sent, send } = answering(200, clock);
    const recorded = await attemptDelivery(deps, delivery!, send);
    assert.equal(sent.length, 0, 'an unsigned message never leaves');
    assert.deepEqual(recorded?.next, { state: 'failed' });
    assert.match(recorded!.attempt.error ?? '', /has no webhook secret/);
    const [stored] = await store.deliveryListByJob({ jobId: job.id });
    assert.equal(stored!.state, 'failed');
  });

  it('returns null, recording nothing, when the lease was lost while sending', async (t) => {
    const { store, deps, clock, job } = await setUp();
    t.after(() => store.close());
    const [stale] = await claimDeliveries(deps, { leaseMs: LEASE_MS, limit: 10 });
    clock.advance(LEASE_MS); // the sender froze; another dispatcher takes the delivery over
    const [current] = await claimDeliveries(deps, { leaseMs: LEASE_MS, limit: 10 });
    assert.equal(current?.id, stale?.id);
    const { send } = answering(200, clock);
    assert.equal(await attemptDelivery(deps, stale!, send), null);
    const [stored] = await store.deliveryListByJob({ jobId: job.id });
    assert.equal(stored!.state, 'delivering');
    assert.deepEqual(stored!.attemptLog, []);
  });
});
