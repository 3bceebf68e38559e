/**
 * The request budget of an API key: a token bucket. `ratePerSecond` tokens flow in continuously
 * up to `burst`; each request takes one. Store drivers keep the buckets (in the process for an
 * embedded store, in the database where several API nodes must share them); this module is the
 * arithmetic they agree on.
 */

/** RateBucket is a key's tokens as of `at` (ms since the epoch). */
export interface RateBucket {
  tokens: number;
  at: number;
}

/** RateLimits are the budget's knobs: the refill rate and the bucket size. */
export interface RateLimits {
  ratePerSecond: number;
  burst: number;
}

/**
 * spendToken refills `bucket` (a fresh key's bucket is full) up to `now` and takes one token if
 * there is a whole one. A clock that steps back refills nothing.
 */
export function spendToken(bucket: RateBucket | undefined, now: number, limits: RateLimits): { bucket: RateBucket; allowed: boolean } {
  const elapsed = bucket ? Math.max(0, now - bucket.at) : 0;
  const tokens = bucket ? Math.min(limits.burst, bucket.tokens + (elapsed / 1000) * limits.ratePerSecond) : limits.burst;
  const allowed = tokens >= 1;
  return { bucket: { tokens: allowed ? tokens - 1 : tokens, at: Math.max(now, bucket?.at ?? now) }, allowed };
}

/** isFullBy tells whether an untouched bucket has refilled completely by `now` (and may be forgotten). */
export function isFullBy(bucket: RateBucket, now: number, limits: RateLimits): boolean {
  return bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * limits.ratePerSecond >= limits.burst;
}
