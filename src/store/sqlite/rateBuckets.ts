import { type RateBucket, type RateLimits, isFullBy, spendToken } from '../../domain/index.js';

const PRUNE_AT = 10_000;

/**
 * RateBuckets keeps the embedded store's request budgets in memory. Writing them to the file
 * would cost an fsync per request, and an embedded store has one API process in practice; API
 * nodes that must share a budget use PostgreSQL. Buckets that have refilled are dropped once
 * there are many, so memory stays bounded by the keys active in the last few seconds.
 */
export class RateBuckets {
  private readonly buckets = new Map<string, RateBucket>();

  /** take spends one token of `key`'s bucket if it has one. */
  take(key: string, now: number, limits: RateLimits): { allowed: boolean; tokens: number } {
    const { bucket, allowed } = spendToken(this.buckets.get(key), now, limits);
    if (this.buckets.size >= PRUNE_AT && !this.buckets.has(key)) {
      for (const [other, held] of this.buckets) if (isFullBy(held, now, limits)) this.buckets.delete(other);
    }
    this.buckets.set(key, bucket);
    return { allowed, tokens: bucket.tokens };
  }
}
