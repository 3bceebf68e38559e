/**
 * The retry policy of webhook deliveries: what an attempt's outcome means for the delivery.
 * Pure: the caller passes the time and the randomness.
 */

/** DEFAULT_RETRY_SCHEDULE is LONGRUN_WEBHOOK_RETRY_SCHEDULE's default: 8 attempts over about 28 h. */
export const DEFAULT_RETRY_SCHEDULE = '5s,5m,30m,2h,5h,10h,10h';

/** JITTER is the share of a scheduled delay that is randomised (±10%), so retries of many deliveries spread out. */
export const JITTER = 0.1;

/** MAX_RETRY_AFTER_MS caps how long a receiver's Retry-After may push the next attempt (24 h). */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * parseRetrySchedule reads a comma list of delays such as `5s,5m,30m,2h` (units ms, s, m, h, d):
 * the delay before the 2nd, 3rd, … attempt. Throws an Error naming the bad item.
 */
export function parseRetrySchedule(text: string): number[] {
  const items = text.split(',').map((item) => item.trim());
  if (items.length === 1 && items[0] === '') return []; // an empty schedule: one attempt, no retries
  return items.map((item) => {
    const match = /^(\d{1,9})(ms|s|m|h|d)$/.exec(item);
    if (!match) throw new Error(`${JSON.stringify(item)} is not a delay such as 30s, 5m or 2h`);
    const ms = Number(match[1]) * UNIT_MS[match[2]!]!;
    if (ms < 1_000 || ms > 7 * UNIT_MS.d!) throw new Error(`${item} must be between 1s and 7d`);
    return ms;
  });
}

/** AttemptOutcome is what one attempt got: a status code, or an error and no code. */
export interface AttemptOutcome {
  statusCode: number | null;
  error: string | null;
  /** retryAfterMs is the receiver's Retry-After (429 and 503 only), as a delay from now. */
  retryAfterMs: number | null;
}

/** NextStep is what the delivery does after an attempt. */
export type NextStep = { state: 'succeeded' | 'failed' } | { state: 'pending'; delayMs: number };

/**
 * nextStep decides after attempt number `attempt` (1-based): a 2xx succeeds; 410 Gone stops for
 * good; a manual redelivery never retries; otherwise the schedule's next delay (±JITTER), or the
 * receiver's Retry-After on 429/503 (capped at 24 h, not shortened by jitter), until the schedule
 * runs out. `random` returns a number in [0, 1).
 */
export function nextStep(p: { outcome: AttemptOutcome; attempt: number; manual: boolean; schedule: readonly number[]; random: () => number }): NextStep {
  const code = p.outcome.statusCode;
  if (code !== null && code >= 200 && code < 300) return { state: 'succeeded' };
  if (code === 410 || p.manual || p.attempt > p.schedule.length) return { state: 'failed' };
  if ((code === 429 || code === 503) && p.outcome.retryAfterMs !== null) {
    return { state: 'pending', delayMs: Math.min(Math.max(p.outcome.retryAfterMs, 0), MAX_RETRY_AFTER_MS) };
  }
  const base = p.schedule[p.attempt - 1]!;
  return { state: 'pending', delayMs: Math.round(base * (1 + JITTER * (2 * p.random() - 1))) };
}

/**
 * parseRetryAfter reads a Retry-After header (delay-seconds or an HTTP-date) as a delay from
 * `now`; null when it is absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now: Date): number | null {
  if (value === undefined) return null;
  const text = value.trim();
  if (/^\d{1,10}$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date) || !/[a-z]/i.test(text)) return null;
  return Math.max(0, date - now.getTime());
}
