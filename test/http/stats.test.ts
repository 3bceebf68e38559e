// GET /v1/stats over real HTTP: buckets of the window's jobs by status, each type's figures and
// queue, credits per day, the caller's account only, and bad windows answered 400 naming the field.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type TestAccount, type TestServer, jobReaches, sleepJob, startTestServer } from '../helpers/server.js';

describe('GET /v1/stats', () => {
  let server: TestServer;
  let account: TestAccount;

  before(async () => {
    server = await startTestServer({ workers: 1 });
    account = await server.createAccount({ credits: 100 });
    const create = async (body: Record<string, unknown>, key = account.key) => {
      const answer = await server.request('POST', '/v1/jobs', { key, body });
      assert.equal(answer.status, 201, answer.text);
      return answer.json;
    };
    for (const body of [sleepJob({ durationMs: 0 }), sleepJob({ durationMs: 0 }), sleepJob({ durationMs: 0, failAt: 1 }, { maxAttempts: 1 })]) {
      const job = await create(body);
      await jobReaches(server, job.id, (j) => ['completed', 'failed'].includes(j.status));
    }
    await create(sleepJob({ durationMs: 0 }, { runAt: new Date(Date.now() + 3_600_000).toISOString() }));
    const other = await server.createAccount({ credits: 10 });
    await create(sleepJob({ durationMs: 0 }, { runAt: new Date(Date.now() + 3_600_000).toISOString() }), other.key);
  });
  after(async () => {
    await server.close();
  });

  it('counts the window’s jobs by bucket and by type, with the queue, failure rate and credits', async () => {
    const answer = await server.request('GET', '/v1/stats', { key: account.key });
    assert.equal(answer.status, 200, answer.text);
    const stats = answer.json;
    assert.equal(stats.bucket, 'minute');
    assert.ok(stats.series.length === 60 || stats.series.length === 61, `${stats.series.length} buckets`);
    const sum = (field: string) => stats.series.reduce((n: number, p: Record<string, number>) => n + p[field]!, 0);
    assert.deepEqual([sum('completed'), sum('failed'), sum('pending'), sum('running'), sum('cancelled')], [2, 1, 1, 0, 0]);
    assert.equal(stats.byType.length, 1);
    const sleep = stats.byType[0];
    assert.deepEqual(
      { type: sleep.type, jobs: sleep.jobs, completed: sleep.completed, failed: sleep.failed, queue: sleep.queue },
      { type: 'demo/sleep', jobs: 4, completed: 2, failed: 1, queue: { pending: 1, running: 0 } },
    );
    assert.equal(sleep.failureRate, 1 / 3);
    assert.equal(typeof sleep.avgWaitMs, 'number');
    assert.equal(typeof sleep.processTime.p95, 'number');
    const charged = stats.creditsByDay.reduce((n: number, d: { creditsCharged: number }) => n + d.creditsCharged, 0);
    assert.equal(charged, 4);
  });

  it('takes hour and day buckets, and refuses a window of too many buckets or backwards, naming the field', async () => {
    const day = await server.request('GET', '/v1/stats?bucket=day', { key: account.key });
    assert.equal(day.status, 200);
    assert.equal(day.json.series.length >= 60, true);
    for (const [query, field] of [
      ['bucket=week', 'bucket'],
      ['from=2020-01-01T00:00:00Z&bucket=minute', 'from'],
      ['from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
      ['to=soon', 'to'],
    ] as const) {
      const answer = await server.request('GET', `/v1/stats?${query}`, { key: account.key });
      assert.equal(answer.status, 400, query);
      assert.match(answer.json.detail, new RegExp(field), query);
    }
    assert.equal((await server.request('GET', '/v1/stats')).status, 401);
  });
});
