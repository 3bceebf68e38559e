// A deadline to start over real HTTP: `startBy` or `startWithinMs` on create (each checked, never
// both, a 400 naming the field that changes nothing), shown as `startBy` in the job; and a job
// not started by then, on a clock moved by hand, failed by one pass of the start deadline sweep
// as `expired`, refunded in full, with its job.failed webhook.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/index.js';
import { MAX_START_WITHIN_MS } from '../../src/service/index.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { type TestAccount, type TestServer, balance, jobTotal, sleepJob, startTestServer } from '../helpers/server.js';

describe('startBy and startWithinMs', () => {
  const clock = new ManualClock(new Date());
  let server: TestServer;
  let account: TestAccount;
  let receiver: Receiver;

  before(async () => {
    // One worker, so a job that is due would run; the loops' timers never fire on their own.
    server = await startTestServer({ clock, workers: 1, sweepMs: 3_600_000, service: { allowPrivateTargets: true } });
  });
  after(async () => {
    await server.close();
  });
  beforeEach(async () => {
    account = await server.createAccount({ credits: 10 });
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  const inSeconds = (s: number) => new Date(clock.now().getTime() + s * 1000).toISOString();
  const create = (extra: Record<string, unknown>) => server.request('POST', '/v1/jobs', { key: account.key, body: sleepJob({ durationMs: 0 }, extra) });

  it('shows the deadline asked for: startBy as given, startWithinMs after runAt, none by default', async () => {
    const startBy = inSeconds(60);
    const given = await create({ startBy: startBy.replace('Z', '+00:00') });
    assert.equal(given.status, 201, given.text);
    assert.equal(given.json.startBy, startBy);
    const runAt = inSeconds(30);
    const window = await create({ runAt, startWithinMs: 5_000 });
    assert.equal(window.status, 201, window.text);
    assert.equal(window.json.startBy, new Date(Date.parse(runAt) + 5_000).toISOString());
    const plain = await create({});
    assert.equal(plain.json.startBy, null);
    const read = await server.request('GET', `/v1/jobs/${given.json.id}`, { key: account.key });
    assert.equal(read.json.startBy, startBy);
  });

  it('refuses a deadline that is malformed, passed, not after runAt, out of bounds, or given twice, naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ startBy: inSeconds(60), startWithinMs: 1_000 }, '/startWithinMs'],
      [{ startBy: 'tomorrow' }, '/startBy'],
      [{ startBy: inSeconds(-1) }, '/startBy'],
      [{ startBy: clock.now().toISOString() }, '/startBy'],
      [{ runAt: inSeconds(60), startBy: inSeconds(60) }, '/startBy'],
      [{ startWithinMs: 0 }, '/startWithinMs'],
      [{ startWithinMs: 1.5 }, '/startWithinMs'],
      [{ startWithinMs: MAX_START_WITHIN_MS + 1 }, '/startWithinMs'],
      [{ startWithinMs: '1000' }, '/startWithinMs'],
    ];
    for (const [extra, path] of cases) {
      const answer = await create(extra);
      assert.equal(answer.status, 400, `${JSON.stringify(extra)}: ${answer.text}`);
      assert.equal(answer.json.code, 'invalid_request');
      assert.equal(answer.json.errors[0].path, path, JSON.stringify(extra));
    }
    const batch = await server.request('POST', '/v1/jobs/batch', {
      key: account.key,
      body: { jobs: [sleepJob(), sleepJob({ durationMs: 0 }, { startBy: inSeconds(-5) })] },
    });
    assert.equal(batch.status, 400, batch.text);
    assert.equal(batch.json.errors[0].path, '/jobs/1/startBy');
    assert.equal(await jobTotal(server, account.accountId), 0, 'nothing was created');
    assert.equal(await balance(server, account.accountId), 10, 'nothing was charged');
  });

  it('fails a job not started within startWithinMs as expired, refunded, with its job.failed webhook', async () => {
    // Not due for 10 s, so the worker cannot start it before the clock passes its deadline.
    const created = await create({ runAt: inSeconds(10), startWithinMs: 5_000, webhookUrl: receiver.url });
    assert.equal(created.status, 201, created.text);
    const job = created.json;
    assert.equal(await balance(server, account.accountId), 10 - job.creditsCharged);

    clock.advance(15_000);
    assert.equal(await server.maintenance.unstartable.runOnce(), 0, 'a deadline is met up to its instant');
    clock.advance(1);
    assert.equal(await server.maintenance.unstartable.runOnce(), 1);
    const read = await server.request('GET', `/v1/jobs/${job.id}`, { key: account.key });
    assert.equal(read.json.status, 'failed');
    assert.equal(read.json.error.code, 'expired');
    assert.equal(read.json.attempts, 0, 'it never started');
    assert.equal(read.json.failedAt, clock.now().toISOString());
    assert.ok(job.creditsCharged > 0);
    assert.equal(read.json.creditsRefunded, job.creditsCharged);
    assert.equal(await balance(server, account.accountId), 10);

    const got = await receiver.request(0);
    const payload = JSON.parse(got.body);
    assert.equal(payload.type, 'job.failed');
    assert.deepEqual(payload.data, read.json, 'the webhook carries the job as GET shows it');
    assert.equal(await server.maintenance.unstartable.runOnce(), 0, 'an expired job is expired once');
    assert.equal(await balance(server, account.accountId), 10);
  });
});
