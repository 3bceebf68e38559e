import type {
  Account,
  ApiKey,
  AttemptRecord,
  RemoteWorker,
  WorkerContact,
  WorkerKey,
  DeclaredJobType,
  DeclaredJobTypeSpec,
  Delivery,
  DeliveryAttempt,
  DeliveryWithAttempts,
  Job,
  JobError,
  JobEventKind,
  JobStatus,
  JsonValue,
  RateLimits,
  WebhookEvent,
} from '../domain/index.js';
import type { FileStore } from '../files/index.js';
import type { JobAliasStore } from './jobAliases.js';
import type { JobDependencyStore } from './jobDependencies.js';
import type { JobExpiryStore } from './jobExpiry.js';
import type { SchedulingStore } from './scheduling.js';
import type { QueueStat, UsageRow } from './jobStats.js';
export type { QueueStat, UsageRow } from './jobStats.js';
import type { JobListPage, JobListParams } from './jobFilter.js';
import type { JobStatsParams, JobStatsRow, QueueDepth } from './jobStats.js';

/**
 * The Store interface: everything Longrun keeps, behind one contract that every driver passes
 * (test/store/contract). Methods are named noun first and take one params object. Each method is
 * one transaction: a driver never leaves half of a fact written.
 *
 * Ledger rule, shared by every driver: a job's charge is written with the job; a move to
 * `failed` or `cancelled` refunds `creditsCharged` in the same transaction, and a uniqueness rule
 * on (job, kind) makes a second refund impossible.
 *
 * Webhook rule, shared by every driver: a job change that sends a webhook (as the store's
 * WebhookDeliveryPolicy answers) writes its delivery row, with the payload snapshot, in the same
 * transaction as its event.
 *
 * The business rules the writes apply (idempotency, credits, refusals, claim order) live in the
 * domain and both drivers call them with row data (see docs/design.md, "Rules above the drivers").
 */
export interface Store extends JobAliasStore, JobExpiryStore, JobDependencyStore, SchedulingStore {
  /** driver names the backend, `sqlite` or `postgres`, for logs and messages; behaviour follows `capabilities`. */
  readonly driver: 'sqlite' | 'postgres';

  /** capabilities say how this store behaves across processes, so callers need not ask which driver it is. */
  readonly capabilities: StoreCapabilities;

  /** instanceId names this open store; the events it writes carry it as their origin. */
  readonly instanceId: string;

  /** close releases the connection(s); pending writes are flushed first. */
  close(): Promise<void>;
  /**
   * databaseFiles is a file store that keeps jobs' files in this store's database, on its
   * connections (`--files postgres`), or null when the database cannot serve files to other
   * machines (SQLite). Its files go with their job; it must not be used after the store closes.
   * `chunkBytes` is the size of the chunks it stores (default 1 MiB; tests use small ones).
   */
  databaseFiles(p?: { chunkBytes?: number }): FileStore | null;
  /** ping answers once the store can serve a read; it throws when it cannot. */
  ping(): Promise<void>;
  /**
   * clockNow reads the database's clock. Processes that share a server database judge leases and
   * `runAt` by it (see DatabaseClock), so a worker with a skewed clock cannot steal or keep a lease.
   */
  clockNow(): Promise<Date>;

  /** accountInsert adds an account; a non-null starting balance is recorded as a grant. */
  accountInsert(p: { account: Account }): Promise<Account>;
  /** accountGet returns the account or null. */
  accountGet(p: { id: string }): Promise<Account | null>;
  /** accountFindByName returns every account with exactly this name, oldest first (names need not be unique). */
  accountFindByName(p: { name: string }): Promise<Account[]>;
  /** accountCount returns how many accounts exist (used to detect a first start). */
  accountCount(): Promise<number>;
  /** accountList returns up to `limit` accounts with ids after `afterId` (null: from the first), oldest first. */
  accountList(p: { afterId: string | null; limit: number }): Promise<Account[]>;
  /**
   * accountAdjustCredits adds `amount` (negative removes) as a grant. An unlimited balance stays
   * unlimited. Throws NotFoundError for an unknown account and InvalidRequestError when the
   * balance would fall below zero.
   */
  accountAdjustCredits(p: { accountId: string; amount: number; now: Date }): Promise<Account>;

  /**
   * accountRotateWebhookSecret makes `secret` the account's webhook secret and keeps the one it
   * replaces signing alongside until `previousExpiresAt` (a rotation within the grace period drops
   * the oldest). Throws NotFoundError for an unknown account.
   */
  accountRotateWebhookSecret(p: { accountId: string; secret: string; previousExpiresAt: Date }): Promise<Account>;
  /**
   * accountWebhookSecrets returns the secrets that sign the account's webhooks at `now`: the
   * current one, then the previous one while its grace lasts. Empty for an unknown account.
   */
  accountWebhookSecrets(p: { accountId: string; now: Date }): Promise<WebhookSecrets>;

  /** apiKeyInsert stores a key (only the hash of its secret). */
  apiKeyInsert(p: { key: ApiKey }): Promise<ApiKey>;
  /** apiKeyGet returns the key, revoked or not, or null. */
  apiKeyGet(p: { id: string }): Promise<ApiKey | null>;
  /**
   * apiKeyList returns up to `limit` keys, revoked or not, with ids after `afterId` (null: from the
   * first), oldest first; with `accountId`, only that account's.
   */
  apiKeyList(p: { accountId: string | null; afterId: string | null; limit: number }): Promise<ApiKey[]>;
  /** apiKeyRevoke marks the key revoked; false when there is no such live key. */
  apiKeyRevoke(p: { id: string; now: Date }): Promise<boolean>;

  /** workerKeyInsert stores a worker key (only the hash of its secret). */
  workerKeyInsert(p: { key: WorkerKey }): Promise<WorkerKey>;
  /** workerKeyGet returns the worker key, revoked or not, or null. */
  workerKeyGet(p: { id: string }): Promise<WorkerKey | null>;
  /** workerKeyList returns up to `limit` worker keys, revoked or not, with ids after `afterId` (null: from the first), oldest first. */
  workerKeyList(p: { afterId: string | null; limit: number }): Promise<WorkerKey[]>;
  /** workerKeyRevoke marks the worker key revoked; false when there is no such live key. */
  workerKeyRevoke(p: { id: string; now: Date }): Promise<boolean>;
  /** workerRecord writes what a claim tells of a remote worker (a new row, or the row refreshed, first seen kept). */
  workerRecord(p: { worker: WorkerContact }): Promise<void>;
  /** workerSeen moves a known remote worker's last contact to `now` (its heartbeats); an unknown id is no error. */
  workerSeen(p: { id: string; now: Date }): Promise<void>;
  /** workerList returns up to `limit` remote workers last seen at or after `seenSince`, most recent first, with the jobs each holds now. */
  workerList(p: { seenSince: Date; limit: number }): Promise<RemoteWorker[]>;

  /**
   * jobTypeSpecPut stores a declared job type under `revision`, replacing the one of the same name
   * (which keeps its createdAt); `created` tells an insert from a replacement. Jobs already created
   * are not touched.
   */
  jobTypeSpecPut(p: { spec: DeclaredJobTypeSpec; revision: string; now: Date }): Promise<{ jobType: DeclaredJobType; created: boolean }>;
  /** jobTypeSpecGet returns the declared job type, or null. */
  jobTypeSpecGet(p: { type: string }): Promise<DeclaredJobType | null>;
  /** jobTypeSpecList returns every declared job type, by name. */
  jobTypeSpecList(): Promise<DeclaredJobType[]>;
  /** jobTypeSpecDelete deletes the declared job type; false when there was none. Its jobs stay as they are. */
  jobTypeSpecDelete(p: { type: string }): Promise<boolean>;

  /**
   * jobInsert writes the job, its charge, its idempotency record, its first event and its
   * counters in one transaction. With an idempotency key already used by the account and not
   * expired, it writes nothing and returns the first job (`replayed`) when `requestHash` matches,
   * or throws IdempotencyKeyReusedError. Throws InsufficientCreditsError when the balance is short.
   */
  jobInsert(p: JobInsertParams): Promise<{ job: Job; replayed: boolean }>;
  /**
   * jobInsertAll writes every item as jobInsert would, all in one transaction: all of them or,
   * when one is refused (credits, a reused key), none. Answers in the items' order.
   */
  jobInsertAll(items: readonly JobInsertParams[]): Promise<{ job: Job; replayed: boolean }[]>;
  /** jobGet returns the job, or null; with `accountId`, only that account's job. */
  jobGet(p: { id: string; accountId?: string }): Promise<Job | null>;
  /**
   * jobList returns one page, newest first, and the total that matches: from the counters for a
   * status and type filter, else counted up to TOTAL_COUNT_CAP (then `totalCapped` is true).
   */
  jobList(p: JobListParams): Promise<JobListPage>;

  /**
   * jobClaim takes up to `limit` due pending jobs of `types`, highest priority first then oldest,
   * and makes them running under a fresh lease each: `attempts + 1`, `worker`, `startedAt`,
   * `leaseExpiresAt = now + leaseMs`. A job whose `startBy` is before `now` is never taken (see jobExpire).
   */
  jobClaim(p: { workerId: string; types: readonly string[]; now: Date; leaseMs: number; limit: number }): Promise<Job[]>;
  /**
   * jobHeartbeat pushes the lease forward; with `checkpoint` it also stores that value on the job
   * (null clears it), for the next attempt's claim (see jobAttemptRecords). Throws LeaseLostError
   * when the token is stale.
   */
  jobHeartbeat(p: LeaseParams & { leaseMs: number; checkpoint?: JsonValue | null }): Promise<Job>;
  /** jobProgress records progress and message. Throws LeaseLostError when the token is stale. */
  jobProgress(p: LeaseParams & { progress: number; statusMessage: string | null }): Promise<Job>;
  /** jobComplete moves a running job to completed with its output. Throws LeaseLostError. */
  jobComplete(p: LeaseParams & { output: JsonValue | null; size: number; processTime: number }): Promise<Job>;
  /**
   * jobFail ends an attempt with `error`: back to pending at `retryAt`, or, when `retryAt` is
   * null, to failed (refunded). With `leaseExpiredBy`, it applies only if the lease had expired
   * by then (the reaper's re-check). Throws LeaseLostError when the guard does not hold.
   */
  jobFail(p: LeaseParams & { error: JobError; processTime: number; retryAt: Date | null; leaseExpiredBy?: Date }): Promise<Job>;
  /**
   * jobRelease hands a running job back to pending without counting the attempt. With `runAt`
   * it is not due before then, and with `error` the job shows why it waits (a deferral); without
   * them both stay as they were (a shutdown). Throws LeaseLostError.
   */
  jobRelease(p: LeaseParams & { runAt?: Date; error?: JobError }): Promise<Job>;
  /**
   * jobCancel moves a pending or running job of the account to cancelled (refunded). Throws
   * JobNotFoundError or JobNotCancellableError.
   */
  jobCancel(p: { id: string; accountId: string; now: Date }): Promise<Job>;
  /**
   * jobAttemptRecords returns, for those of `ids` that exist, the job with its stored checkpoint and
   * the lease token of the attempt that ended last (any order). The worker protocol hands the
   * checkpoint to a claim and tells a stale lease why it lost the job.
   */
  jobAttemptRecords(p: { ids: readonly string[] }): Promise<AttemptRecord[]>;
  /** jobListExpired returns running jobs whose lease expired by `now`, oldest expiry first. */
  jobListExpired(p: { now: Date; limit: number }): Promise<Job[]>;

  /**
   * jobListFinishedBefore returns the ids of up to `limit` final jobs that became final before
   * `before`, oldest first: what retention deletes next.
   */
  jobListFinishedBefore(p: { before: Date; limit: number }): Promise<string[]>;
  /**
   * jobDelete deletes those of `ids` that are final and became final before `finishedBefore`,
   * with their events and webhook deliveries, and returns the ids it deleted. Counters follow in the same transaction;
   * the ledger keeps its rows, so an account's credit history outlives its jobs.
   */
  jobDelete(p: { ids: readonly string[]; finishedBefore: Date }): Promise<string[]>;
  /**
   * jobPurge deletes a final job of the account at its owner's request, as retention would: with
   * its events, webhook deliveries and the idempotency keys that name it (a retry of one makes a
   * new job). The ledger keeps its rows. Throws JobNotFoundError (no such job of the account) or
   * JobNotPurgeableError (pending or running).
   */
  jobPurge(p: { id: string; accountId: string }): Promise<void>;
  /** idempotencyPurge deletes up to `limit` idempotency records expired by `now`; returns how many. */
  idempotencyPurge(p: { now: Date; limit: number }): Promise<number>;

  /** eventLatestId returns the id of the newest event, 0 when there is none: where a feed starts. */
  eventLatestId(): Promise<number>;
  /**
   * eventFeed returns the changes written by other store instances (other processes) after
   * `afterId`, oldest first, each with its job as it is now.
   */
  eventFeed(p: { afterId: number; limit: number }): Promise<FeedEvent[]>;
  /**
   * watch calls `onChange` soon after another process commits to the same store. A store that can
   * say what changed (PostgreSQL, from the NOTIFY payload) passes the events' signals, in commit
   * order; otherwise, and whenever something may have gone unheard (a lost connection), it passes
   * `catchUp`: read the feed. Returns a function that stops watching.
   */
  watch(onChange: (note: WatchNote) => void): () => void;

  /**
   * rateTake spends one token of `key`'s request budget (see domain/rateBucket.ts) and returns
   * whether it was allowed and the tokens left. PostgreSQL keeps the buckets in the database, so
   * every API node on it shares one budget per key; SQLite keeps them in the process.
   */
  rateTake(p: { key: string; now: Date } & RateLimits): Promise<{ allowed: boolean; tokens: number }>;
  /**
   * deliveryClaim takes up to `limit` deliveries that are due at `now` (pending with
   * nextAttemptAt ≤ now, or delivering under a lease that ran out), oldest due first, and makes
   * them delivering under a fresh lease each (`leaseExpiresAt = now + leaseMs`).
   */
  deliveryClaim(p: { now: Date; leaseMs: number; limit: number }): Promise<Delivery[]>;
  /**
   * deliveryRecord writes one attempt of a delivery the caller holds and moves the delivery on:
   * `pending` again at `nextAttemptAt`, or `succeeded`/`failed`. Returns null (writing nothing)
   * when the lease token is stale.
   */
  deliveryRecord(p: DeliveryRecordParams): Promise<Delivery | null>;
  /** deliveryListByJob returns the job's deliveries, oldest first, each with its attempts. */
  deliveryListByJob(p: { jobId: string }): Promise<DeliveryWithAttempts[]>;
  /**
   * deliveryRedeliver makes a delivery of the job due at `now`. A pending one stays automatic; a
   * succeeded or failed one gets one manual attempt. Throws NotFoundError when the job has no such
   * delivery and DeliveryInProgressError while it is being sent.
   */
  deliveryRedeliver(p: { id: string; jobId: string; now: Date }): Promise<Delivery>;

  /**
   * jobQueueStats returns every type's queue across accounts (see QueueStat): totals from the
   * counters and one index seek per type, never a scan of the jobs, so a scrape costs the same at
   * any depth. Types no job ever had are absent.
   */
  jobQueueStats(): Promise<QueueStat[]>;
  /** usageSummary aggregates an account's jobs created in [from, to), by type and UTC day. */
  usageSummary(p: { accountId: string; from: Date; to: Date }): Promise<UsageRow[]>;
  /**
   * usageProcessTimes returns the process times (ms, ascending) of the account's jobs that ran
   * to a final status in the window, optionally of one type; for percentiles.
   */
  usageProcessTimes(p: { accountId: string; from: Date; to: Date; type?: string }): Promise<number[]>;
  /** jobStatsBuckets groups the account's jobs created in the window by creation bucket, type and status. */
  jobStatsBuckets(p: JobStatsParams): Promise<JobStatsRow[]>;
  /** jobStatsQueue is the account's pending and running jobs by type, from the counters (no scan of jobs). */
  jobStatsQueue(p: { accountId: string }): Promise<QueueDepth[]>;
}

/** StoreCapabilities are what a store shares between the processes that use it. */
export interface StoreCapabilities {
  /**
   * sharedClock: the processes on this store may run on several machines, so they should judge
   * leases and `runAt` by the database's clock (`clockNow`, see DatabaseClock) rather than their own.
   */
  readonly sharedClock: boolean;
  /** sharedRateLimits: `rateTake` spends from one budget per key for every process on this store. */
  readonly sharedRateLimits: boolean;
}

/** NewWebhookDelivery is what a job change sends: its event, where to, and the exact body. */
export interface NewWebhookDelivery {
  eventType: WebhookEvent;
  url: string;
  /** payload is the request body every attempt sends, fixed now. */
  payload: string;
  /** format is the job's webhookFormat when its shape adds headers to each attempt (see WebhookFormat), else null. */
  format: string | null;
}

/**
 * WebhookDeliveryPolicy answers, for a job as it is after a `kind` change, the webhook delivery
 * that change makes, or null for none. The service defines it (service/webhookDeliveries.ts); a
 * driver only turns the answer into a row inside the change's own transaction.
 */
export type WebhookDeliveryPolicy = (job: Job, kind: JobEventKind) => NewWebhookDelivery | null;

/** StoreOptions are what every driver is opened with. */
export interface StoreOptions {
  /** webhookDeliveries decides which job changes make a webhook delivery, and its payload. */
  webhookDeliveries: WebhookDeliveryPolicy;
}

/**
 * ChangeSignal is what a watcher learns of one event another process committed, without reading
 * anything: enough for an idle worker to claim (type, priority, runAt) and for a follower to know
 * its job changed (id, account, kind, status, eventSeq).
 */
export interface ChangeSignal {
  kind: JobEventKind;
  jobId: string;
  accountId: string;
  status: JobStatus;
  /** eventSeq is the job's event sequence right after this change: with jobId, the event's identity. */
  eventSeq: number;
  type: string;
  priority: number;
  runAt: Date;
  /** webhook says whether the job has a webhook URL (the change may have made a delivery). */
  webhook: boolean;
  /** dependents says whether jobs were created `after` this one (its completion may let them start). */
  dependents: boolean;
}

/**
 * WatchNote is what `watch` says: these events were committed elsewhere; this API key was revoked
 * elsewhere; or read the feed to catch up (and trust nothing cached, such as verified keys).
 */
export type WatchNote = { signals: ChangeSignal[] } | { keyRevoked: string } | { catchUp: true };

/** FeedEvent is one change from the feed: its global id, what happened, and the job now. */
export interface FeedEvent {
  id: number;
  kind: JobEventKind;
  /** seq is the event's number among its job's events (the job's eventSeq right after it). */
  seq: number;
  job: Job;
}

/** WebhookSecrets are the `whsec_` secrets that sign an account's webhooks now, current first. */
export type WebhookSecrets = string[];

/** DeliveryRecordParams is one finished attempt of a held delivery and what happens next. */
export interface DeliveryRecordParams {
  id: string;
  leaseToken: string;
  attempt: Omit<DeliveryAttempt, 'deliveryId' | 'attempt'>;
  next: { state: 'succeeded' | 'failed' } | { state: 'pending'; at: Date };
  now: Date;
}

/** LeaseParams identify a running attempt: the job, the token of its lease, and the time. */
export interface LeaseParams {
  id: string;
  leaseToken: string;
  now: Date;
}

/** JobInsertParams is a fully formed pending job and how to record its request. */
export interface JobInsertParams {
  /** job is complete as it should be stored: status pending, eventSeq 1, creditsCharged set. */
  job: Job;
  /** idempotency, when the client sent an Idempotency-Key. */
  idempotency: { key: string; requestHash: string; expiresAt: Date } | null;
}
