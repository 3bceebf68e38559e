// The webhook retry policy and its configuration: the schedule parses strictly, 2xx succeeds,
// 410 and a manual redelivery stop, Retry-After is honoured on 429/503, jitter stays within ±10%.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError, parseFlags } from '../../src/cli/options.js';
import { RUNTIME_FLAGS, runtimeConfigFrom } from '../../src/cli/runtimeFlags.js';
import { DEFAULT_RETRY_SCHEDULE, nextStep, parseRetryAfter, parseRetrySchedule } from '../../src/webhooks/retryPolicy.js';

const schedule = parseRetrySchedule('5s,5m');
const outcome = (statusCode: number | null, retryAfterMs: number | null = null) => ({ statusCode, error: statusCode === null ? 'timeout' : null, retryAfterMs });
const step = (o: ReturnType<typeof outcome>, attempt = 1, manual = false, random = () => 0.5) => nextStep({ outcome: o, attempt, manual, schedule, random });

describe('webhook retry policy', () => {
  it('parses the default schedule', () => {
    assert.deepEqual(parseRetrySchedule(DEFAULT_RETRY_SCHEDULE), [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    assert.deepEqual(parseRetrySchedule(''), []);
  });

  for (const bad of ['5', '5x', '5s,,5m', '-5s', '0s', '500ms', '8d', '1.5h', '5s;5m']) {
    it(`refuses the schedule ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseRetrySchedule(bad));
    });
  }

  it('succeeds on any 2xx and retries on the schedule otherwise, until it runs out', () => {
    assert.deepEqual(step(outcome(204)), { state: 'succeeded' });
    assert.deepEqual(step(outcome(500), 1), { state: 'pending', delayMs: 5_000 });
    assert.deepEqual(step(outcome(null), 2), { state: 'pending', delayMs: 300_000 });
    assert.deepEqual(step(outcome(301), 2), { state: 'pending', delayMs: 300_000 });
    assert.deepEqual(step(outcome(500), 3), { state: 'failed' });
  });

  it('stops for good on 410 and after a manual redelivery', () => {
    assert.deepEqual(step(outcome(410)), { state: 'failed' });
    assert.deepEqual(step(outcome(500), 1, true), { state: 'failed' });
  });

  it('jitters a scheduled delay within ±10%', () => {
    assert.deepEqual(step(outcome(500), 1, false, () => 0), { state: 'pending', delayMs: 4_500 });
    assert.deepEqual(step(outcome(500), 1, false, () => 0.999999), { state: 'pending', delayMs: 5_500 });
  });

  it('honours Retry-After on 429 and 503 only, capped at 24 h', () => {
    assert.deepEqual(step(outcome(429, 120_000)), { state: 'pending', delayMs: 120_000 });
    assert.deepEqual(step(outcome(503, 2 * 86_400_000)), { state: 'pending', delayMs: 86_400_000 });
    assert.deepEqual(step(outcome(500, 120_000)), { state: 'pending', delayMs: 5_000 });
    assert.deepEqual(step(outcome(429, 120_000), 3), { state: 'failed' }, 'Retry-After does not add attempts');
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = new Date('2026-01-26T12:00:00Z');
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter('Mon, 26 Jan 2026 12:01:00 GMT', now), 60_000);
    assert.equal(parseRetryAfter('Mon, 26 Jan 2026 11:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), null);
    assert.equal(parseRetryAfter('-1', now), null);
    assert.equal(parseRetryAfter(undefined, now), null);
  });

  it('reads LONGRUN_WEBHOOK_RETRY_SCHEDULE at start-up and refuses a bad one with a one-line UsageError', () => {
    const config = (env: NodeJS.ProcessEnv) => runtimeConfigFrom(parseFlags([], RUNTIME_FLAGS, env));
    assert.deepEqual(config({}).service?.webhookRetrySchedule, parseRetrySchedule(DEFAULT_RETRY_SCHEDULE));
    assert.deepEqual(config({ LONGRUN_WEBHOOK_RETRY_SCHEDULE: '1s, 2m' }).service?.webhookRetrySchedule, [1_000, 120_000]);
    assert.throws(
      () => config({ LONGRUN_WEBHOOK_RETRY_SCHEDULE: '5s,soon' }),
      (error: unknown) => error instanceof UsageError && error.message === '--webhook-retry-schedule (LONGRUN_WEBHOOK_RETRY_SCHEDULE): "soon" is not a delay such as 30s, 5m or 2h',
    );
  });
});
