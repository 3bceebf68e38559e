// Webhooks end to end on a real server with workers: a job with a webhookUrl completes and a local
// receiver gets one signed POST that verifies with the standardwebhooks library; the deliveries
// route lists the attempt; redeliver sends it again under the same id. And the URL guard at
// creation, the secret rotation route, and who may see a job's deliveries.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { type TestAccount, type TestServer, jobReaches, sleepJob, startTestServer } from '../helpers/server.js';

describe('webhooks over HTTP', () => {
  let server: TestServer;
  let receiver: Receiver;
  let account: TestAccount;

  before(async () => {
    server = await startTestServer({ workers: 2, sweepMs: 20, service: { allowPrivateTargets: true } });
  });
  after(async () => {
    await server.close();
  });
  beforeEach(async () => {
    receiver = await startReceiver();
    account = await server.createAccount({ credits: null });
  });
  afterEach(async () => {
    await receiver.close();
  });

  /** finishedJobWithHook creates a short job with a webhook to the receiver and waits for its first POST. */
  async function finishedJobWithHook() {
    const created = await server.request('POST', '/v1/jobs', { key: account.key, body: sleepJob({ durationMs: 1 }, { webhookUrl: receiver.url }) });
    assert.equal(created.status, 201, created.text);
    const got = await receiver.request(0);
    await server.webhooks!.idle(); // the attempt is recorded
    return { job: created.json, got };
  }

  it('POSTs one signed job.completed webhook that verifies, and lists the attempt', async () => {
    const { job, got } = await finishedJobWithHook();
    const me = await server.request('GET', '/v1/account', { key: account.key });
    const payload = new Webhook(me.json.webhookSecret).verify(got.body, got.headers as Record<string, string>) as any;
    assert.equal(payload.type, 'job.completed');
    const current = await server.request('GET', `/v1/jobs/${job.id}`, { key: account.key });
    assert.deepEqual(payload.data, current.json, 'data is the job exactly as GET /v1/jobs/:id shows it');
    assert.equal(payload.timestamp, current.json.completedAt);
    assert.equal(receiver.requests.length, 1);

    const listed = await server.request('GET', `/v1/jobs/${job.id}/deliveries`, { key: account.key });
    assert.equal(listed.status, 200);
    assert.equal(listed.json.deliveries.length, 1);
    const [delivery] = listed.json.deliveries;
    assert.equal(delivery.id, got.headers['webhook-id']);
    assert.equal(delivery.jobId, job.id);
    assert.equal(delivery.eventType, 'job.completed');
    assert.equal(delivery.state, 'succeeded');
    assert.equal(delivery.attemptCount, 1);
    assert.deepEqual(delivery.payload, payload);
    assert.equal(delivery.attempts.length, 1);
    assert.equal(delivery.attempts[0].attempt, 1);
    assert.equal(delivery.attempts[0].statusCode, 200);
    assert.equal(delivery.attempts[0].error, null);
    assert.ok(Number.isInteger(delivery.attempts[0].durationMs));
    assert.ok(!Number.isNaN(Date.parse(delivery.attempts[0].at)));
  });

  it('redelivers under the same webhook-id and lists the second attempt', async () => {
    const { job, got } = await finishedJobWithHook();
    const id = got.headers['webhook-id'];
    const again = await server.request('POST', `/v1/jobs/${job.id}/deliveries/${id}/redeliver`, { key: account.key });
    assert.equal(again.status, 202, again.text);
    assert.equal(again.json.id, id);
    assert.equal(again.json.state, 'pending');
    // The answer is a delivery as the list shows it, attempts included (the new one is yet to come).
    assert.deepEqual(again.json.attempts.map((a: any) => [a.attempt, a.statusCode]), [[1, 200]]);
    const second = await receiver.request(1);
    assert.equal(second.headers['webhook-id'], id);
    assert.equal(second.body, got.body);
    await server.webhooks!.idle();
    const listed = await server.request('GET', `/v1/jobs/${job.id}/deliveries`, { key: account.key });
    assert.deepEqual(listed.json.deliveries[0].attempts.map((a: any) => [a.attempt, a.statusCode]), [[1, 200], [2, 200]]);
    assert.equal(listed.json.deliveries[0].state, 'succeeded');
  });

  it('sends job.started too when the job asks for it', async () => {
    const created = await server.request('POST', '/v1/jobs', {
      key: account.key,
      body: sleepJob({ durationMs: 1, steps: 2 }, { webhookUrl: receiver.url, webhookEvents: ['job.started', 'job.completed'] }),
    });
    await jobReaches(server, created.json.id, (j) => j.status === 'completed');
    await receiver.request(1);
    await server.webhooks!.idle();
    const listed = await server.request('GET', `/v1/jobs/${created.json.id}/deliveries`, { key: account.key });
    assert.deepEqual(listed.json.deliveries.map((d: any) => d.eventType), ['job.started', 'job.completed']);
  });

  it('answers 404 for another account’s job, an unknown delivery, and a malformed delivery id', async () => {
    const { job, got } = await finishedJobWithHook();
    const other = await server.createAccount();
    assert.equal((await server.request('GET', `/v1/jobs/${job.id}/deliveries`, { key: other.key })).status, 404);
    const foreign = await server.request('POST', `/v1/jobs/${job.id}/deliveries/${got.headers['webhook-id']}/redeliver`, { key: other.key });
    assert.equal(foreign.status, 404);
    assert.equal(foreign.json.code, 'not_found');
    const unknown = await server.request('POST', `/v1/jobs/${job.id}/deliveries/whd_01JF3V6Q2N8Y5M0RZ4T7C9K1QW/redeliver`, { key: account.key });
    assert.equal(unknown.status, 404);
    assert.equal((await server.request('POST', `/v1/jobs/${job.id}/deliveries/nope/redeliver`, { key: account.key })).status, 404);
  });

  it('rotates the webhook secret; the old one keeps signing for the grace period', async () => {
    const before = await server.request('GET', '/v1/account', { key: account.key });
    const rotated = await server.request('POST', '/v1/account/webhook-secret/rotate', { key: account.key, body: { gracePeriodSeconds: 3600 } });
    assert.equal(rotated.status, 200, rotated.text);
    assert.match(rotated.json.webhookSecret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.notEqual(rotated.json.webhookSecret, before.json.webhookSecret);
    const expires = Date.parse(rotated.json.previousSecretExpiresAt) - Date.now();
    assert.ok(expires > 3_500_000 && expires <= 3_600_000, `grace ${expires} ms`);
    assert.equal((await server.request('GET', '/v1/account', { key: account.key })).json.webhookSecret, rotated.json.webhookSecret);

    const { got } = await finishedJobWithHook();
    assert.equal(String(got.headers['webhook-signature']).split(' ').length, 2);
    assert.ok(new Webhook(rotated.json.webhookSecret).verify(got.body, got.headers as Record<string, string>));
    assert.ok(new Webhook(before.json.webhookSecret).verify(got.body, got.headers as Record<string, string>));
  });

  it('rotates without a body (24 h grace) and refuses a bad grace period', async () => {
    const plain = await server.request('POST', '/v1/account/webhook-secret/rotate', { key: account.key });
    assert.equal(plain.status, 200, plain.text);
    const grace = Date.parse(plain.json.previousSecretExpiresAt) - Date.now();
    assert.ok(grace > 86_300_000 && grace <= 86_400_000);
    for (const body of [{ gracePeriodSeconds: -1 }, { gracePeriodSeconds: 604_801 }, { gracePeriodSeconds: 'soon' }, { other: 1 }]) {
      const bad = await server.request('POST', '/v1/account/webhook-secret/rotate', { key: account.key, body });
      assert.equal(bad.status, 400, JSON.stringify(body));
      assert.equal(bad.json.code, 'invalid_request');
    }
  });

  it('lists the new routes in /openapi.json', async () => {
    const spec = await server.request('GET', '/openapi.json');
    assert.ok(spec.json.paths['/v1/jobs/{id}/deliveries'].get);
    assert.ok(spec.json.paths['/v1/jobs/{id}/deliveries/{deliveryId}/redeliver'].post);
    assert.ok(spec.json.paths['/v1/account/webhook-secret/rotate'].post);
  });
});

describe('the URL guard at job creation', () => {
  let server: TestServer;
  let account: TestAccount;

  before(async () => {
    server = await startTestServer(); // private targets forbidden, no workers: nothing is ever sent
    account = await server.createAccount({ credits: null });
  });
  after(async () => {
    await server.close();
  });

  const create = (webhookUrl: string) => server.request('POST', '/v1/jobs', { key: account.key, body: sleepJob({ durationMs: 1 }, { webhookUrl }) });

  for (const [url, why] of [
    ['http://127.0.0.1:8080/hook', /not a public address/],
    ['http://localhost/hook', /loopback name/],
    ['http://169.254.169.254/latest/meta-data', /not a public address/],
    ['http://[::1]/hook', /not a public address/],
    ['http://10.0.0.8/hook', /not a public address/],
    ['http://host.invalid/hook', /could not be resolved/],
    ['ftp://example.com/hook', /scheme/],
    ['http://user:pw@example.com/hook', /user name or password/],
  ] as const) {
    it(`refuses ${url} with 400 naming /webhookUrl`, async () => {
      const answer = await create(url);
      assert.equal(answer.status, 400, answer.text);
      assert.equal(answer.json.code, 'invalid_request');
      assert.equal(answer.json.errors[0].path, '/webhookUrl');
      assert.match(answer.json.errors[0].message, why);
      assert.doesNotMatch(answer.text, /pw@/);
    });
  }

  it('accepts a literal public address', async () => {
    const answer = await create('https://93.184.215.14/hook');
    assert.equal(answer.status, 201, answer.text);
    assert.equal(answer.json.webhookUrl, 'https://93.184.215.14/hook');
  });
});
