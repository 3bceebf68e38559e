// POST /v1/jobs/batch over real HTTP: many jobs in one request, all or nothing — a bad item, a
// batch the account cannot pay for and a reused key create nothing; the same key replays.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type TestAccount, type TestServer, balance, jobReaches, jobTotal, sleepJob, startTestServer } from '../helpers/server.js';

describe('POST /v1/jobs/batch', () => {
  let server: TestServer;
  let account: TestAccount;

  beforeEach(async () => {
    server = await startTestServer({ workers: 2 });
    account = await server.createAccount({ credits: 10 });
  });
  afterEach(async () => {
    await server.close();
  });

  const post = (jobs: unknown[], headers: Record<string, string> = {}) =>
    server.request('POST', '/v1/jobs/batch', { key: account.key, body: { jobs }, headers });

  it('creates every job in the order given, each charged, and they run', async () => {
    const answer = await post([sleepJob({ durationMs: 0 }, { metadata: { n: '0' } }), sleepJob({ durationMs: 0 }, { metadata: { n: '1' }, priority: 5 })]);
    assert.equal(answer.status, 201, answer.text);
    const jobs = answer.json.data as { id: string; metadata: { n: string }; priority: number; creditsCharged: number }[];
    assert.deepEqual(jobs.map((j) => [j.metadata.n, j.priority]), [['0', 0], ['1', 5]]);
    assert.equal(await balance(server, account.accountId), 10 - jobs.reduce((sum, j) => sum + j.creditsCharged, 0));
    for (const job of jobs) assert.equal((await jobReaches(server, job.id, (j) => j.status === 'completed')).status, 'completed');
  });

  it('refuses the whole batch when one item is bad, naming the item\'s field, and creates nothing', async () => {
    const answer = await post([
      sleepJob(),
      { type: 'url/pdf', input: { url: 'http://127.0.0.1:9/private' } },
      sleepJob({ durationMs: 'soon' }),
    ]);
    assert.equal(answer.status, 400, answer.text);
    assert.equal(answer.json.errors[0].path, '/jobs/1/input/url');
    assert.match(answer.json.detail, /^jobs\[1\]: /);
    const badType = await post([sleepJob(), sleepJob(), { type: 'no/such-type' }]);
    assert.equal(badType.status, 400);
    assert.deepEqual(badType.json.errors, [{ path: '/jobs/2/type', message: 'is not a registered job type' }]);
    assert.equal(await jobTotal(server, account.accountId), 0);
    assert.equal(await balance(server, account.accountId), 10);
  });

  it('refuses a batch the account cannot pay for as a whole, with its total, and creates nothing', async () => {
    const poor = await server.createAccount({ credits: 2 });
    const answer = await server.request('POST', '/v1/jobs/batch', { key: poor.key, body: { jobs: [sleepJob(), sleepJob(), sleepJob()] } });
    assert.equal(answer.status, 402, answer.text);
    assert.equal(answer.json.code, 'insufficient_credits');
    assert.match(answer.json.detail, /^This batch of 3 jobs costs \d+ credits and the account has 2$/);
    assert.equal(await jobTotal(server, poor.accountId), 0);
    assert.equal(await balance(server, poor.accountId), 2);
  });

  it('replays the batch for the same Idempotency-Key and body, and refuses the key with another body', async () => {
    const headers = { 'idempotency-key': 'nightly-import' };
    const jobs = [sleepJob(), sleepJob({ durationMs: 1 })];
    const first = await post(jobs, headers);
    assert.equal(first.status, 201, first.text);
    const again = await post(jobs, headers);
    assert.equal(again.status, 200, again.text);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(again.json.data.map((j: { id: string }) => j.id), first.json.data.map((j: { id: string }) => j.id));
    const other = await post([sleepJob({ durationMs: 2 })], headers);
    assert.equal(other.status, 409, other.text);
    const single = await server.request('POST', '/v1/jobs', { key: account.key, body: sleepJob(), headers });
    assert.equal(single.status, 409, 'a single create cannot take a batch\'s key');
    assert.equal(await jobTotal(server, account.accountId), 2);
  });

  it('refuses an empty batch and one of more than 1,000 jobs, naming /jobs', async () => {
    for (const jobs of [[], Array.from({ length: 1001 }, () => sleepJob())]) {
      const answer = await post(jobs);
      assert.equal(answer.status, 400, answer.text);
      assert.match(answer.text, /jobs/);
    }
    assert.equal(await jobTotal(server, account.accountId), 0);
  });
});
