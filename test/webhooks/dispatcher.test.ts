// The webhook dispatcher against a real receiver on 127.0.0.1, driven by runOnce() on a
// ManualClock: every answer the issue names (2xx, 500, 301, 410, 429/503 with Retry-After, no
// answer at all) is handled as specified, the 10 s timeout fires when the clock passes it (the test
// never waits for it), a target the guard refuses at send time is a failed attempt and a canary
// sees no connection, signatures verify, and a delivery written with its event survives a restart.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { type Job, ManualClock } from '../../src/domain/index.js';
import { jobView } from '../../src/http/jobView.js';
import { EventBus } from '../../src/events/index.js';
import { apiLinks } from '../../src/http/links.js';
import { BUILTIN_JOB_TYPES, JobTypeRegistry } from '../../src/jobtypes/index.js';
import { type ServiceDeps, defaultServiceConfig } from '../../src/service/index.js';
import type { Store } from '../../src/store/index.js';
import { openSqlite } from '../../src/store/sqlite/index.js';
import { WebhookDispatcher } from '../../src/maintenance/index.js';
import { webhookDeliveries } from '../helpers/store.js';
import { makeAccount, makeJob } from '../helpers/factories.js';
import { type Canary, type Receiver, startCanary, startReceiver } from '../helpers/receiver.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SECOND = 1_000;

describe('webhook dispatcher', () => {
  let receiver: Receiver;
  let canary: Canary;
  let clock: ManualClock;
  let stores: Store[];
  let errors: unknown[];

  beforeEach(async () => {
    receiver = await startReceiver();
    canary = await startCanary();
    // Near the wall clock: the standardwebhooks verifier refuses timestamps over 5 minutes off.
    clock = new ManualClock(new Date());
    stores = [];
    errors = [];
  });
  afterEach(async () => {
    for (const store of stores) await store.close();
    await receiver.close();
    await canary.close();
  });

  function setUp(options: { store?: Store; allowPrivate?: boolean; schedule?: number[] } = {}) {
    const store = options.store ?? openSqlite(':memory:', { webhookDeliveries });
    stores.push(store);
    const deps: ServiceDeps = {
      store,
      clock,
      registry: new JobTypeRegistry(BUILTIN_JOB_TYPES),
      bus: new EventBus(),
      links: apiLinks,
      config: {
        ...defaultServiceConfig,
        allowPrivateTargets: options.allowPrivate ?? true,
        webhookRetrySchedule: options.schedule ?? defaultServiceConfig.webhookRetrySchedule,
      },
      random: () => 0.5, // no jitter
    };
    const dispatcher = new WebhookDispatcher(deps, { timers: clock, onError: (error) => errors.push(error) });
    return { store, deps, dispatcher };
  }

  /** completeWithHook makes a completed job of a fresh account whose webhook goes to `url`, now. */
  async function completeWithHook(store: Store, url = receiver.url): Promise<Job> {
    const account = await makeAccount(store, { creditBalance: null, webhookSecret: SECRET, createdAt: clock.now() });
    return makeJob(store, { accountId: account.id, status: 'completed', webhookUrl: url, createdAt: clock.now(), startedAt: clock.now(), completedAt: clock.now() });
  }

  async function deliveryOf(store: Store, job: Job) {
    const [delivery] = await store.deliveryListByJob({ jobId: job.id });
    assert.ok(delivery);
    return delivery;
  }

  it('POSTs the signed payload once, and records a 2xx as success', async () => {
    const { store, dispatcher } = setUp();
    const job = await completeWithHook(store);
    assert.equal(await dispatcher.runOnce(), 1);
    const got = await receiver.request(0);
    assert.equal(got.method, 'POST');
    assert.equal(got.path, '/hook');
    assert.equal(got.headers['content-type'], 'application/json');
    assert.match(got.headers['user-agent'] ?? '', /^Longrun-Webhooks\//);
    const delivery = await deliveryOf(store, job);
    assert.equal(got.headers['webhook-id'], delivery.id);
    assert.equal(got.headers['webhook-timestamp'], String(Math.floor(clock.now().getTime() / 1000)));
    const payload = new Webhook(SECRET).verify(got.body, got.headers as Record<string, string>);
    assert.deepEqual(payload, { type: 'job.completed', timestamp: job.updatedAt.toISOString(), data: JSON.parse(JSON.stringify(jobView(job))) });
    assert.equal(delivery.state, 'succeeded');
    assert.deepEqual(delivery.attemptLog.map((a) => [a.attempt, a.statusCode, a.error]), [[1, 200, null]]);
    assert.equal(await dispatcher.runOnce(), 0);
    assert.equal(receiver.requests.length, 1);
    assert.deepEqual(errors, []);
  });

  it('retries a 500 on the schedule with the same id and body, then succeeds', async () => {
    const { store, dispatcher } = setUp();
    const job = await completeWithHook(store);
    receiver.answer({ status: 500, body: 'oops' });
    await dispatcher.runOnce();
    let delivery = await deliveryOf(store, job);
    assert.equal(delivery.state, 'pending');
    assert.deepEqual(delivery.nextAttemptAt, new Date(clock.now().getTime() + 5 * SECOND));
    assert.deepEqual(delivery.attemptLog.map((a) => [a.statusCode, a.error]), [[500, null]]);

    clock.advance(5 * SECOND - 1);
    assert.equal(await dispatcher.runOnce(), 0, 'not due yet');
    clock.advance(1);
    assert.equal(await dispatcher.runOnce(), 1);
    const [first, second] = [await receiver.request(0), await receiver.request(1)];
    assert.equal(second.headers['webhook-id'], first.headers['webhook-id']);
    assert.equal(second.body, first.body);
    assert.equal(Number(second.headers['webhook-timestamp']) - Number(first.headers['webhook-timestamp']), 5, 'each attempt is stamped and signed anew');
    assert.ok(new Webhook(SECRET).verify(second.body, second.headers as Record<string, string>));
    delivery = await deliveryOf(store, job);
    assert.equal(delivery.state, 'succeeded');
    assert.equal(delivery.attempts, 2);
  });

  it('never follows a redirect: a 301 is a failed attempt and its Location sees no connection', async () => {
    const { store, dispatcher } = setUp();
    const job = await completeWithHook(store);
    receiver.answer({ status: 301, headers: { location: canary.url } });
    await dispatcher.runOnce();
    const delivery = await deliveryOf(store, job);
    assert.equal(delivery.state, 'pending');
    assert.equal(delivery.attemptLog[0]!.statusCode, 301);
    assert.equal(delivery.attemptLog[0]!.error, `redirect not followed (Location: ${canary.url})`);
    assert.equal(canary.connections, 0);
  });

  it('stops retrying on 410 Gone', async () => {
    const { store, dispatcher } = setUp();
    const job = await completeWithHook(store);
    receiver.answer({ status: 410 });
    await dispatcher.runOnce();
    const delivery = await deliveryOf(store, job);
    assert.equal(delivery.state, 'failed');
    assert.equal(delivery.nextAttemptAt, null);
    clock.advance(48 * 3600 * SECOND);
    assert.equal(await dispatcher.runOnce(), 0);
    assert.equal(receiver.requests.length, 1);
  });

  it('honours Retry-After on 429 (seconds) and on 503 (an HTTP date)', async () => {
    const { store, dispatcher } = setUp();
    const job = await completeWithHook(store);
    receiver.answer({ status: 429, headers: { 'retry-after': '120' } });
    await dispatcher.runOnce();
    let delivery = await deliveryOf(store, job);
    assert.deepEqual(delivery.nextAttemptAt, new Date(clock.now().getTime() + 120 * SECOND));

    clock.advance(120 * SECOND);
    const later = new Date(Math.ceil(clock.now().getTime() / 1000) * 1000 + 3600 * SECOND);
    receiver.answer({ status: 503, headers: { 'retry-after': later.toUTCString() } });
    assert.equal(await dispatcher.runOnce(), 1);
    delivery = await deliveryOf(store, job);
    assert.deepEqual(delivery.nextAttemptAt, later);
    assert.deepEqual(delivery.attemptLog.map((a) => a.statusCode), [429, 503]);
  });

  it('gives up on a receiver that never answers when the clock passes 10 s, and retries', async () => {
    const { store, dispatcher } = setUp();
    const job = await completeWithHook(store);
    receiver.answer('hang');
    const sending = dispatcher.runOnce();
    await receiver.request(0); // the receiver holds the request and answers nothing
    assert.equal(clock.pendingTimers, 1, 'the attempt armed its deadline on the injected clock');
    clock.advance(10 * SECOND - 1);
    assert.equal(dispatcher.sendingCount, 1, 'still waiting');
    clock.advance(1);
    assert.equal(await sending, 1);
    const delivery = await deliveryOf(store, job);
    assert.deepEqual(delivery.attemptLog.map((a) => [a.statusCode, a.error, a.durationMs]), [[null, 'timeout: no answer within 10000 ms', 10_000]]);
    assert.equal(delivery.state, 'pending');
    assert.deepEqual(delivery.nextAttemptAt, new Date(clock.now().getTime() + 5 * SECOND));
  });

  it('fails the delivery once the schedule runs out', async () => {
    const { store, dispatcher } = setUp({ schedule: [5 * SECOND] });
    const job = await completeWithHook(store);
    receiver.answer({ status: 500 }, { status: 502 });
    await dispatcher.runOnce();
    clock.advance(5 * SECOND);
    await dispatcher.runOnce();
    const delivery = await deliveryOf(store, job);
    assert.equal(delivery.state, 'failed');
    assert.deepEqual(delivery.attemptLog.map((a) => a.statusCode), [500, 502]);
  });

  it('records a target the guard refuses at send time as a failed attempt, and connects nowhere', async () => {
    // The job was made while private targets were allowed; the dispatcher's process forbids them.
    const { store, dispatcher } = setUp({ allowPrivate: false });
    const job = await completeWithHook(store, canary.url);
    await dispatcher.runOnce();
    const delivery = await deliveryOf(store, job);
    assert.equal(delivery.attemptLog.length, 1);
    assert.equal(delivery.attemptLog[0]!.statusCode, null);
    assert.match(delivery.attemptLog[0]!.error!, /^refused by the URL guard \(private_address\): The host 127\.0\.0\.1 is not a public address/);
    assert.equal(delivery.state, 'pending');
    assert.equal(canary.connections, 0);
  });

  it('signs with the new and the previous secret after a rotation; both verify', async () => {
    const { store, dispatcher } = setUp();
    const job = await completeWithHook(store);
    const rotated = await store.accountRotateWebhookSecret({
      accountId: job.accountId,
      secret: 'whsec_C2FWDrCqD0mmj1ewy2R0LRpG1wLqrxxB',
      previousExpiresAt: new Date(clock.now().getTime() + 60 * SECOND),
    });
    await dispatcher.runOnce();
    const got = await receiver.request(0);
    assert.equal(String(got.headers['webhook-signature']).split(' ').length, 2);
    assert.ok(new Webhook(rotated.webhookSecret).verify(got.body, got.headers as Record<string, string>));
    assert.ok(new Webhook(SECRET).verify(got.body, got.headers as Record<string, string>));
  });

  it('sends a manual redelivery once, without retries when it fails', async () => {
    const { store, dispatcher } = setUp();
    const job = await completeWithHook(store);
    await dispatcher.runOnce();
    const delivery = await deliveryOf(store, job);
    await store.deliveryRedeliver({ id: delivery.id, jobId: job.id, now: clock.now() });
    receiver.answer({ status: 500 });
    assert.equal(await dispatcher.runOnce(), 1);
    const after = await deliveryOf(store, job);
    assert.equal(after.state, 'failed');
    assert.deepEqual(after.attemptLog.map((a) => a.statusCode), [200, 500]);
    assert.equal((await receiver.request(1)).headers['webhook-id'], delivery.id);
  });

  it('sends a delivery that was written before the process died, after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'longrun-webhooks-'));
    try {
      const first = openSqlite(join(dir, 'longrun.db'), { webhookDeliveries });
      const job = await completeWithHook(first);
      await first.close(); // the process that completed the job is gone before any attempt
      const { dispatcher } = setUp({ store: openSqlite(join(dir, 'longrun.db'), { webhookDeliveries }) });
      assert.equal(await dispatcher.runOnce(), 1);
      const got = await receiver.request(0);
      assert.equal(JSON.parse(got.body).data.id, job.id);
    } finally {
      for (const store of stores.splice(0)) await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('wakes on the committed change that made a delivery, without runOnce', async () => {
    const { store, deps, dispatcher } = setUp();
    dispatcher.start();
    try {
      const job = await completeWithHook(store);
      deps.bus.publish({ kind: 'completed', job });
      const got = await receiver.request(0);
      assert.equal(JSON.parse(got.body).data.id, job.id);
    } finally {
      await dispatcher.stop();
    }
  });
});
