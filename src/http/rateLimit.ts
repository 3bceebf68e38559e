import type { Clock, RateLimits } from '../domain/index.js';
import type { Store } from '../store/index.js';

/** RateDecision is the outcome of one request against its key's budget, as the headers tell it. */
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

/**
 * RateLimiter spends one request of an API key's token bucket (domain/rateBucket.ts) per call.
 * The store keeps the buckets: on PostgreSQL in the database, so every API node shares one budget
 * per key; on SQLite in the process.
 */
export class RateLimiter {
  readonly limits: RateLimits;

  constructor(private readonly store: Store, private readonly clock: Clock, ratePerSecond: number, burst: number) {
    if (!(ratePerSecond > 0) || !(burst >= 1)) throw new Error('rate must be > 0 and burst ≥ 1');
    this.limits = { ratePerSecond, burst };
  }

  /** take spends one token of `key`'s bucket if it has one. */
  async take(key: string): Promise<RateDecision> {
    const { allowed, tokens } = await this.store.rateTake({ key, now: this.clock.now(), ...this.limits });
    const { ratePerSecond, burst } = this.limits;
    return {
      allowed,
      limit: burst,
      remaining: Math.floor(tokens),
      resetSeconds: Math.ceil((burst - tokens) / ratePerSecond),
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - tokens) / ratePerSecond)),
    };
  }
}
