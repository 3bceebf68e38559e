// The per-key token bucket, on a clock moved by hand; and the 429 it causes over real HTTP.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTestServer } from '../helpers/server.js';
import { ManualClock } from '../../src/domain/index.js';
import { RateLimiter } from '../../src/http/rateLimit.js';

describe('RateLimiter', () => {
  it('allows a burst, then refuses until tokens flow back in', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter(clock, 10, 3);
    assert.deepEqual([1, 2, 3].map(() => limiter.take('k').allowed), [true, true, true]);
    const refused = limiter.take('k');
    assert.equal(refused.allowed, false);
    assert.equal(refused.remaining, 0);
    assert.equal(refused.retryAfterSeconds, 1);
    clock.advance(100); // one token at 10/s
    assert.equal(limiter.take('k').allowed, true);
    assert.equal(limiter.take('k').allowed, false);
  });

  it('keeps one bucket per key', () => {
    const limiter = new RateLimiter(new ManualClock(), 1, 1);
    assert.equal(limiter.take('a').allowed, true);
    assert.equal(limiter.take('a').allowed, false);
    assert.equal(limiter.take('b').allowed, true);
  });

  it('reports the time until the bucket is full again', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter(clock, 2, 10);
    for (let i = 0; i < 10; i++) limiter.take('k');
    assert.equal(limiter.take('k').resetSeconds, 5);
    clock.advance(5000);
    const full = limiter.take('k');
    assert.equal(full.remaining, 9);
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
