import type { Clock } from '../domain/index.js';

/** RateDecision is the outcome of one request against its key's budget. */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  /** remaining is the whole requests left in the bucket now. */
  remaining: number;
  /** resetSeconds is how long until the bucket is full again. */
  resetSeconds: number;
  /** retryAfterSeconds is how long until one request is allowed again (0 when allowed). */
  retryAfterSeconds: number;
}

const PRUNE_AT = 10_000;

/**
 * RateLimiter is a token bucket per API key: `ratePerSecond` tokens flow in continuously up to
 * `burst`, and each request takes one. Buckets of idle keys (full again) are dropped, so memory
 * stays bounded by the keys active in the last few seconds.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly clock: Clock, readonly ratePerSecond: number, readonly burst: number) {
    if (!(ratePerSecond > 0) || !(burst >= 1)) throw new Error('rate must be > 0 and burst ≥ 1');
  }

  /** take spends one token of `key`'s bucket if it has one. */
  take(key: string): RateDecision {
    const now = this.clock.now().getTime();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.ratePerSecond);
    bucket.at = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    if (this.buckets.size >= PRUNE_AT && !this.buckets.has(key)) this.prune(now);
    this.buckets.set(key, bucket);
    return {
      allowed,
      limit: this.burst,
      remaining: Math.floor(bucket.tokens),
      resetSeconds: Math.ceil((this.burst - bucket.tokens) / this.ratePerSecond),
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - bucket.tokens) / this.ratePerSecond)),
    };
  }

  private prune(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.ratePerSecond >= this.burst) this.buckets.delete(key);
    }
  }
}
