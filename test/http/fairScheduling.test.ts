// Fair scheduling over real HTTP: the admin API that sets an account's weight and caps (and
// refuses bad values, naming the field), and a pending job's place in its queue in its view.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { buildJob } from '../helpers/factories.js';
import { TEST_ADMIN_KEY, type TestServer, sleepJob, startTestServer } from '../helpers/server.js';

describe('fair scheduling over HTTP', () => {
  let server: TestServer;
  const admin = { key: TEST_ADMIN_KEY };

  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('sets and shows an account\'s weight and caps, keeping what a change leaves out', async () => {
    const { accountId } = await server.createAccount();
    const shown = await server.request('GET', `/v1/admin/accounts/${accountId}`, admin);
    assert.equal(shown.status, 200, shown.text);
    assert.equal(shown.json.account.id, accountId);
    assert.deepEqual(shown.json.scheduling, { weight: 1, maxConcurrency: null, maxConcurrencyByType: {}, running: null });

    const set = await server.request('POST', `/v1/admin/accounts/${accountId}`, {
      ...admin,
      body: { weight: 2.5, maxConcurrency: 4, maxConcurrencyByType: { 'demo/sleep': 1 } },
    });
    assert.equal(set.status, 200, set.text);
    assert.deepEqual(set.json.scheduling, { weight: 2.5, maxConcurrency: 4, maxConcurrencyByType: { 'demo/sleep': 1 }, running: 0 });

    const changed = await server.request('POST', `/v1/admin/accounts/${accountId}`, { ...admin, body: { maxConcurrency: null } });
    assert.deepEqual(changed.json.scheduling, { weight: 2.5, maxConcurrency: null, maxConcurrencyByType: { 'demo/sleep': 1 }, running: null });
  });

  it('refuses a bad weight or cap with a 400 naming the field, changing nothing', async () => {
    const { accountId } = await server.createAccount();
    for (const [body, pointer] of [
      [{ weight: 0 }, '/weight'],
      [{ weight: 1001 }, '/weight'],
      [{ maxConcurrency: -1 }, '/maxConcurrency'],
      [{ maxConcurrency: 1.5 }, '/maxConcurrency'],
      [{ maxConcurrencyByType: { 'no/such-type': 2 } }, '/maxConcurrencyByType/no~1such-type'],
      [{ colour: 'red' }, '/colour'],
    ] as const) {
      const answer = await server.request('POST', `/v1/admin/accounts/${accountId}`, { ...admin, body });
      assert.equal(answer.status, 400, `${JSON.stringify(body)}: ${answer.text}`);
      assert.ok(JSON.stringify(answer.json.errors ?? answer.json).includes(pointer), `${JSON.stringify(body)} names ${pointer}: ${answer.text}`);
    }
    const empty = await server.request('POST', `/v1/admin/accounts/${accountId}`, { ...admin, body: {} });
    assert.equal(empty.status, 400, empty.text);
    const unchanged = await server.request('GET', `/v1/admin/accounts/${accountId}`, admin);
    assert.deepEqual(unchanged.json.scheduling, { weight: 1, maxConcurrency: null, maxConcurrencyByType: {}, running: null });
    const unknown = await server.request('POST', '/v1/admin/accounts/acct_nope', { ...admin, body: { weight: 2 } });
    assert.equal(unknown.status, 404, unknown.text);
    const { key } = await server.createAccount();
    const forbidden = await server.request('POST', `/v1/admin/accounts/${accountId}`, { key, body: { weight: 2 } });
    assert.equal(forbidden.status, 403, forbidden.text);
  });

  it('shows a pending job\'s place in its queue, fewer ahead as they start, with an estimate from recent starts', async () => {
    const flooder = await server.createAccount();
    const mine = await server.createAccount();
    for (let i = 0; i < 3; i++) assert.equal((await server.request('POST', '/v1/jobs', { key: flooder.key, body: sleepJob() })).status, 201);
    const created = await server.request('POST', '/v1/jobs', { key: mine.key, body: sleepJob() });
    const path = `/v1/jobs/${created.json.id}`;
    assert.equal(created.json.queue, undefined, 'a create answers without a place');

    // The newcomer takes the turn after the head: behind the flood's first two, not all three.
    const first = await server.request('GET', path, { key: mine.key });
    assert.deepEqual(first.json.queue, { position: 2, positionIsLowerBound: false, estimatedStartAt: null });

    // Two jobs of the type that started a minute and half a minute ago: about 30 s a start.
    const earlier = await server.createAccount();
    const now = Date.now();
    for (const startedAgo of [60_000, 30_000]) {
      const job = buildJob({ accountId: earlier.accountId, type: 'demo/sleep', createdAt: new Date(now - 120_000) });
      await server.store.jobInsert({ job, idempotency: null });
      const [started] = await server.store.jobClaim({ workerId: 'w', types: ['demo/sleep'], now: new Date(now - startedAgo), leaseMs: 3_600_000, limit: 1 });
      assert.equal(started?.id, job.id);
    }
    const estimated = await server.request('GET', path, { key: mine.key });
    assert.equal(estimated.json.queue.position, 2);
    const estimate = Date.parse(estimated.json.queue.estimatedStartAt);
    assert.ok(estimate > now + 60_000 && estimate < now + 150_000, `three starts at ~30 s each: ${estimated.json.queue.estimatedStartAt}`);

    const claimNow = () => server.store.jobClaim({ workerId: 'w', types: ['demo/sleep'], now: new Date(), leaseMs: 3_600_000, limit: 1 });
    await claimNow();
    assert.equal((await server.request('GET', path, { key: mine.key })).json.queue.position, 1);
    await claimNow();
    assert.equal((await server.request('GET', path, { key: mine.key })).json.queue.position, 0);
    await claimNow();
    const started = await server.request('GET', path, { key: mine.key });
    assert.equal(started.json.status, 'running');
    assert.equal(started.json.queue, undefined, 'a running job has no place in the queue');
  });
});
