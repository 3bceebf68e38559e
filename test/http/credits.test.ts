// Credits and idempotency at their edges over real HTTP: keys scoped per account, a refused
// request that does not burn its key, and concurrent requests that must charge exactly right.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type TestAccount, type TestServer, balance, jobTotal, sleepJob, startTestServer } from '../helpers/server.js';

describe('credits and idempotency at the edges', () => {
  let server: TestServer;
  let account: TestAccount;

  beforeEach(async () => {
    server = await startTestServer();
    account = await server.createAccount({ credits: 3 });
  });
  afterEach(async () => {
    await server.close();
  });

  const post = (body: unknown, headers: Record<string, string> = {}, key = account.key) =>
    server.request('POST', '/v1/jobs', { key, body, headers });

  it('scopes an Idempotency-Key to its account', async () => {
    const other = await server.createAccount({ credits: 3 });
    const headers = { 'idempotency-key': 'shared-key' };
    const mine = await post(sleepJob(), headers);
    const theirs = await post(sleepJob(), headers, other.key);
    assert.equal(mine.status, 201);
    assert.equal(theirs.status, 201, 'another account’s key is not a replay');
    assert.notEqual(theirs.json.id, mine.json.id);
    assert.equal(theirs.json.accountId, other.accountId);
    assert.equal(await balance(server, other.accountId), 2);
  });

  it('treats the same body with its fields in another order as the same request', async () => {
    const headers = { 'idempotency-key': 'order-free' };
    const first = await server.request('POST', '/v1/jobs', {
      key: account.key,
      headers,
      rawBody: '{"type":"demo/sleep","input":{"durationMs":5,"steps":1},"metadata":{"a":"1","b":"2"}}',
    });
    const again = await server.request('POST', '/v1/jobs', {
      key: account.key,
      headers,
      rawBody: '{"metadata":{"b":"2","a":"1"},"input":{"steps":1,"durationMs":5},"type":"demo/sleep"}',
    });
    assert.equal(first.status, 201);
    assert.equal(again.status, 200, again.text);
    assert.equal(again.json.id, first.json.id);
    assert.equal(await jobTotal(server, account.accountId), 1);
  });

  it('replays a job that has since been cancelled as it is now', async () => {
    const headers = { 'idempotency-key': 'then-cancelled' };
    const first = await post(sleepJob(), headers);
    await server.request('POST', `/v1/jobs/${first.json.id}/cancel`, { key: account.key });
    const again = await post(sleepJob(), headers);
    assert.equal(again.status, 200);
    assert.equal(again.json.id, first.json.id);
    assert.equal(again.json.status, 'cancelled');
    assert.equal(await balance(server, account.accountId), 3);
  });

  it('does not burn an Idempotency-Key on a request refused for bad input or missing credits', async () => {
    const headers = { 'idempotency-key': 'retry-me' };
    const bad = await post(sleepJob({ durationMs: -1 }), headers);
    assert.equal(bad.status, 400);

    const poor = await server.createAccount({ credits: 0 });
    const refused = await post(sleepJob(), headers, poor.key);
    assert.equal(refused.status, 402);
    const topUp = await server.request('POST', `/v1/admin/accounts/${poor.accountId}/credits`, { key: server.adminKey!, body: { amount: 1 } });
    assert.equal(topUp.status, 200);
    const retried = await post(sleepJob(), headers, poor.key);
    assert.equal(retried.status, 201, retried.text);
    assert.equal(await balance(server, poor.accountId), 0);

    const good = await post(sleepJob(), headers);
    assert.equal(good.status, 201, 'the key was not taken by the 400');
  });

  it('answers 402 to a rerun the account cannot pay for, creating nothing', async () => {
    const jobs = [await post(sleepJob()), await post(sleepJob()), await post(sleepJob())];
    await server.request('POST', `/v1/jobs/${jobs[0]!.json.id}/cancel`, { key: account.key });
    assert.equal((await server.request('POST', `/v1/jobs/${jobs[0]!.json.id}/rerun`, { key: account.key })).status, 201);
    const answer = await server.request('POST', `/v1/jobs/${jobs[0]!.json.id}/rerun`, { key: account.key });
    assert.equal(answer.status, 402);
    assert.equal(answer.json.code, 'insufficient_credits');
    assert.equal(await jobTotal(server, account.accountId), 4);
    assert.equal(await balance(server, account.accountId), 0);
  });

  it('answers 404 to a rerun of another account’s job', async () => {
    const job = await post(sleepJob());
    await server.request('POST', `/v1/jobs/${job.json.id}/cancel`, { key: account.key });
    const other = await server.createAccount();
    const answer = await server.request('POST', `/v1/jobs/${job.json.id}/rerun`, { key: other.key });
    assert.equal(answer.status, 404);
    assert.equal(await jobTotal(server, other.accountId), 0);
  });

  it('charges exactly the balance when many creates race for it', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, () => post(sleepJob())));
    const statuses = answers.map((a) => a.status).sort();
    assert.deepEqual(statuses, [201, 201, 201, ...Array(9).fill(402)]);
    assert.equal(await balance(server, account.accountId), 0);
    assert.equal(await jobTotal(server, account.accountId), 3);
  });

  it('creates one job for concurrent requests with the same Idempotency-Key', async () => {
    const headers = { 'idempotency-key': 'racing' };
    const answers = await Promise.all(Array.from({ length: 8 }, () => post(sleepJob(), headers)));
    const created = answers.filter((a) => a.status === 201);
    const replayed = answers.filter((a) => a.status === 200);
    assert.equal(created.length, 1, answers.map((a) => a.status).join(','));
    assert.equal(replayed.length, 7);
    for (const answer of replayed) {
      assert.equal(answer.json.id, created[0]!.json.id);
      assert.equal(answer.headers.get('idempotent-replayed'), 'true');
    }
    assert.equal(await jobTotal(server, account.accountId), 1);
    assert.equal(await balance(server, account.accountId), 2);
  });

  it('refunds a job cancelled by racing requests exactly once', async () => {
    const job = await post(sleepJob());
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => server.request(i % 2 ? 'DELETE' : 'POST', `/v1/jobs/${job.json.id}${i % 2 ? '' : '/cancel'}`, { key: account.key })),
    );
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 409, 409, 409, 409, 409]);
    assert.equal(await balance(server, account.accountId), 3);
    const after = await server.request('GET', `/v1/jobs/${job.json.id}`, { key: account.key });
    assert.equal(after.json.creditsRefunded, 1);
  });

  it('pages with a cursor inside a status filter without gaps', async () => {
    const rich = await server.createAccount();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await post(sleepJob(), {}, rich.key)).json.id);
    for (const id of [ids[0], ids[2], ids[4]]) await server.request('POST', `/v1/jobs/${id}/cancel`, { key: rich.key });
    const seen: string[] = [];
    let path = '/v1/jobs?status=pending&limit=2';
    for (let page = 0; page < 5; page++) {
      const answer = await server.request('GET', path, { key: rich.key });
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.json.pagination.total, 3);
      seen.push(...answer.json.data.map((j: { id: string }) => j.id));
      if (!answer.json.pagination.hasMore) break;
      path = `/v1/jobs?status=pending&limit=2&cursor=${encodeURIComponent(answer.json.pagination.nextCursor)}`;
    }
    assert.deepEqual(seen, [ids[5], ids[3], ids[1]]);
  });
});
