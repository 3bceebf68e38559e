// The per-key token bucket, on a clock moved by hand; and the 429 it causes over real HTTP.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, it } from 'node:test';
import { startTestServer } from '../helpers/server.js';
import { ManualClock } from '../../src/domain/index.js';
import { RateLimiter } from '../../src/http/rateLimit.js';
import { openSqlite } from '../../src/store/sqlite/index.js';
import { webhookDeliveries } from '../helpers/store.js';

describe('RateLimiter', () => {
  const limiter = (clock: ManualClock, rate: number, burst: number) => new RateLimiter(openSqlite(':memory:', { webhookDeliveries }), clock, rate, burst);

  it('allows a burst, then refuses with Retry-After until tokens flow back in', async () => {
    const clock = new ManualClock();
    const limit = limiter(clock, 10, 3);
    const first = await limit.take('k');
    assert.deepEqual(first, { allowed: true, limit: 3, remaining: 2, resetSeconds: 1, retryAfterSeconds: 0 });
    await limit.take('k');
    await limit.take('k');
    const refused = await limit.take('k');
    assert.equal(refused.allowed, false);
    assert.equal(refused.remaining, 0);
    assert.equal(refused.retryAfterSeconds, 1);
    clock.advance(100); // one token at 10/s
    assert.equal((await limit.take('k')).allowed, true);
    assert.equal((await limit.take('k')).allowed, false);
  });

  it('reports the time until the bucket is full again', async () => {
    const clock = new ManualClock();
    const limit = limiter(clock, 2, 10);
    for (let i = 0; i < 10; i++) await limit.take('k');
    assert.equal((await limit.take('k')).resetSeconds, 5);
    clock.advance(5000);
    assert.equal((await limit.take('k')).remaining, 9);
  });

  it('waits several seconds for a token at a slow rate', async () => {
    const limit = limiter(new ManualClock(), 0.25, 1);
    await limit.take('k');
    assert.equal((await limit.take('k')).retryAfterSeconds, 4);
  });
});

describe('rate limits over HTTP', () => {
  it('answers 429 rate_limited with Retry-After and RateLimit headers, and creates no job', async (t) => {
    const clock = new ManualClock();
    const server = await startTestServer({ adminKey: null, rateLimit: 1, rateBurst: 2, clock });
    t.after(() => server.close());
    const key = server.firstStart!.key;
    const create = () =>
      fetch(`${server.url}/v1/jobs`, {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'demo/sleep', input: { durationMs: 0 } }),
      });
    const first = await create();
    assert.equal(first.status, 201);
    assert.equal(first.headers.get('ratelimit-limit'), '2');
    assert.equal(first.headers.get('ratelimit-remaining'), '1');
    assert.equal((await create()).status, 201);
    const refused = await create();
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), '1');
    assert.equal(refused.headers.get('ratelimit-remaining'), '0');
    assert.equal(((await refused.json()) as { code: string }).code, 'rate_limited');
    const { total } = await server.store.jobList({ accountId: server.firstStart!.accountId, limit: 1 });
    assert.equal(total, 2);
    assert.equal((await server.deps.store.accountGet({ id: server.firstStart!.accountId }))!.creditBalance, null);
    clock.advance(1000);
    assert.equal((await create()).status, 201);
  });
});

const postgresUrl = process.env.LONGRUN_TEST_POSTGRES_URL;

describe('rate limits across API nodes on PostgreSQL', postgresUrl ? {} : { skip: 'LONGRUN_TEST_POSTGRES_URL is not set' }, () => {
  it('spends one budget per key whichever node a request reaches', async (t) => {
    const schema = `longrun_test_rate_${randomBytes(4).toString('hex')}`;
    const db = `${postgresUrl}${postgresUrl!.includes('?') ? '&' : '?'}schema=${schema}`;
    const clock = new ManualClock();
    const a = await startTestServer({ db, rateLimit: 1, rateBurst: 2, clock });
    const b = await startTestServer({ db, rateLimit: 1, rateBurst: 2, clock });
    t.after(async () => {
      await a.close();
      await b.close();
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    });
    const { key } = await a.createAccount();
    assert.equal((await a.request('GET', '/v1/account', { key })).status, 200);
    const second = await b.request('GET', '/v1/account', { key });
    assert.equal(second.status, 200);
    assert.equal(second.headers.get('ratelimit-remaining'), '0');
    const refused = await a.request('GET', '/v1/account', { key });
    assert.equal(refused.status, 429);
    assert.equal(refused.json.code, 'rate_limited');
    clock.advance(1000);
    assert.equal((await b.request('GET', '/v1/account', { key })).status, 200);
  });
});
