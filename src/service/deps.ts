import type { Clock } from '../domain/index.js';
import type { EventBus } from '../events/index.js';
import type { FileStore } from '../files/index.js';
import type { JobTypeRegistry } from '../jobtypes/index.js';
import type { Logger } from '../log/index.js';
import type { ProcessMetrics } from '../metrics/index.js';
import type { Store } from '../store/index.js';
import type { LookupFn } from '../egress/index.js';
import type { ApiKeyCache } from './apiKeyCache.js';
import type { WebhookFormats } from './webhookDeliveries.js';

/** ServiceConfig holds the knobs of the use cases; `defaultServiceConfig` gives production values. */
export interface ServiceConfig {
  /** leaseMs is how long a claim lasts without a heartbeat (LONGRUN_LEASE_MS). */
  leaseMs: number;
  /** idempotencyTtlMs is how long an idempotency key is remembered. */
  idempotencyTtlMs: number;
  /** retryBaseMs is the first retry's delay; each further retry doubles it, with jitter. */
  retryBaseMs: number;
  /** retryMaxMs caps one retry delay. */
  retryMaxMs: number;
  /**
   * allowPrivateTargets (LONGRUN_ALLOW_PRIVATE_TARGETS=1) lets webhooks and URL jobs reach
   * loopback and private addresses; off in production, on for local development and tests.
   */
  allowPrivateTargets: boolean;
  /**
   * webhookRetrySchedule is the delay before each retry of a webhook delivery, in ms
   * (LONGRUN_WEBHOOK_RETRY_SCHEDULE); its length is how many retries follow the first attempt.
   */
  webhookRetrySchedule: readonly number[];
  /** webhookTimeoutMs bounds one webhook attempt, DNS to the last byte read. */
  webhookTimeoutMs: number;
  /** webhookSecretGraceMs is how long a rotated-out webhook secret keeps signing alongside the new one. */
  webhookSecretGraceMs: number;
}

/**
 * defaultServiceConfig: 30 s leases, 24 h idempotency, retries from 1 s doubling up to 1 h,
 * outbound requests to global addresses only; webhooks retried on 5s,5m,30m,2h,5h,10h,10h, 10 s
 * per attempt, and a rotated-out secret signing for 24 h more.
 */
export const defaultServiceConfig: ServiceConfig = {
  leaseMs: 30_000,
  idempotencyTtlMs: 24 * 60 * 60 * 1000,
  retryBaseMs: 1_000,
  retryMaxMs: 60 * 60 * 1000,
  allowPrivateTargets: false,
  webhookRetrySchedule: [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000],
  webhookTimeoutMs: 10_000,
  webhookSecretGraceMs: 24 * 60 * 60 * 1000,
};

/** ServiceDeps is everything a use case needs; tests build it with a ManualClock and `:memory:`. */
export interface ServiceDeps {
  store: Store;
  clock: Clock;
  registry: JobTypeRegistry;
  bus: EventBus;
  config: ServiceConfig;
  /** files keeps jobs' output files; without one, a job type that stores a file fails. */
  files?: FileStore;
  /** links builds the API's URLs the service hands out; http/links.ts has them (`apiLinks`). */
  links: ApiLinks;
  /** random returns a number in [0, 1); injected so jitter is exact in tests. */
  random?: () => number;
  /** lookup resolves the hosts of client-given URLs for the URL guard; default: the system resolver, 2 s per lookup. */
  lookup?: LookupFn;
  /** apiKeys caches verified live keys (see ApiKeyCache); without it, every request reads its key. */
  apiKeys?: ApiKeyCache;
  /** log is the process's logger; without one, nothing is logged. */
  log?: Logger;
  /** metrics is the process's Prometheus registry; without one, nothing is counted. */
  metrics?: ProcessMetrics;
  /** webhookFormats are the other webhook payload shapes, whose headers each attempt adds; the runtime passes the dialects'. */
  webhookFormats?: WebhookFormats;
}

/**
 * ApiLinks builds the URLs of the API that the service writes into what it stores, such as an
 * output file's download link. The paths belong to the HTTP layer, which passes them in.
 */
export interface ApiLinks {
  /** jobFile is where the job's owner downloads its output file `name`. */
  jobFile(jobId: string, name: string): string;
}

/** Principal is who is calling: the account and the key it used. */
export interface Principal {
  accountId: string;
  apiKeyId: string | null;
  /** apiKeyUsed is the masked key (`key_…a1b2`). */
  apiKeyUsed: string | null;
}
