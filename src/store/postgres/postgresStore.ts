import type pg from 'pg';
import {
  type Account, type ApiKey, type DeclaredJobTypeSpec, type Delivery, type DeliveryWithAttempts, type Job,
  type JobError, type JobEventKind, type JsonValue, type RateLimits, type WorkerContact, type WorkerKey, idFloor, ulid,
} from '../../domain/index.js';
import { withAttempts } from '../deliveryColumns.js';
import { type JobListPage, type JobListParams, pageOf } from '../jobFilter.js';
import type { JobStatsParams, JobStatsRow, QueueDepth } from '../jobStats.js';
import type {
  DeliveryRecordParams, FeedEvent, JobInsertParams, LeaseParams, QueueStat, Store, StoreCapabilities, StoreOptions, UsageRow, WatchNote,
  WebhookSecrets,
} from '../types.js';
import type { FileStore } from '../../files/index.js';
import * as accounts from './accountWrites.js';
import type { WriteContext } from './context.js';
import { Db } from './db.js';
import { completeGroups, createGroups } from './groupWrites.js';
import * as deliveries from './deliveryWrites.js';
import { PostgresFileStore } from './fileChunks.js';
import * as jobs from './jobWrites.js';
import * as jobAliases from './jobAliases.js';
import * as scheduling from './scheduling.js';
import * as jobTypeSpecs from './jobTypeSpecs.js';
import type { StatementGroups } from './statementGroups.js';
import { Listener, type ListenerState } from './listener.js';
import { waitingFor } from './jobDependencies.js';
import { Notifier } from './notifier.js';
import * as removals from './removals.js';
import { eventChannel } from './names.js';
import { SQL, jobListSql } from './queries.js';
import * as workers from './workers.js';
import {
  type AccountRow, type ApiKeyRow, type DeliveryRow, type JobRow, accountFromRow, apiKeyFromRow, attemptFromRow, deliveryFromRow, jobFromRow,
} from './rows.js';

/** PostgresOptions tune the PostgreSQL store. */
export interface PostgresOptions extends StoreOptions {
  /** schema holds Longrun's tables (default `longrun`); it is created and migrated on open. */
  schema?: string;
  /** poolSize is the most pooled connections the store opens at once (default 10), besides the listener's. */
  poolSize?: number;
  /** feedWaitMs bounds how long a feed read waits for event writers in flight (default 250). */
  feedWaitMs?: number;
  /** listenRetryMs is the listener's first reconnect delay (default 100); it doubles up to 5 s. */
  listenRetryMs?: number;
  /** onListenerState is told when the LISTEN connection starts listening and when it is lost (for the log). */
  onListenerState?: (state: ListenerState) => void;
}

/**
 * PostgresStore is the scale-out driver: node-postgres with a pool, every method one statement or
 * one transaction on one pooled client, claims with `FOR UPDATE SKIP LOCKED`, and LISTEN/NOTIFY
 * to tell other processes that something changed.
 */
export class PostgresStore implements Store {
  readonly driver = 'postgres' as const;
  /** A server many machines share: judge time by its clock; rate buckets are rows every node spends from. */
  readonly capabilities: StoreCapabilities = { sharedClock: true, sharedRateLimits: true };
  readonly instanceId = ulid();
  /** c is what the job writes (jobWrites.ts) are given besides their transaction. */
  private readonly c: WriteContext;
  private readonly db: Db;
  private readonly listener: Listener;
  /** creates and completes asked for at once go together in one statement (see StatementGroups). */
  private readonly creates: StatementGroups<JobInsertParams, { job: Job; replayed: boolean }>;
  private readonly notifier: Notifier; // tells other processes of this store's committed job changes
  private readonly completes: StatementGroups<LeaseParams & { output: JsonValue | null; size: number; processTime: number }, Job>;
  private readonly feedWaitMs: number;
  /** settledEventId is the highest event horizon seen: the feed never hands out events past it. */
  private settledEventId = 0;
  private closed = false;

  constructor(readonly pool: pg.Pool, config: pg.ClientConfig, readonly schema: string, options: PostgresOptions) {
    this.c = { origin: this.instanceId, webhookDeliveries: options.webhookDeliveries };
    const channel = eventChannel(schema);
    this.feedWaitMs = options.feedWaitMs ?? 250;
    this.db = new Db(pool);
    this.creates = createGroups(this.db, this.c);
    this.completes = completeGroups(this.db, this.c);
    this.notifier = new Notifier(this.db, channel, this.instanceId);
    const listenConfig = { ...config, application_name: `longrun listener ${this.instanceId}` };
    this.listener = new Listener({ config: listenConfig, channel, origin: this.instanceId, minBackoffMs: options.listenRetryMs ?? 100, onState: options.onListenerState });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.listener.close();
    // What was asked before close still runs (see Db.drain).
    await Promise.all([this.creates.drain(), this.completes.drain()]);
    await this.notifier.flush();
    await this.db.drain();
    await this.pool.end();
  }

  databaseFiles(p: { chunkBytes?: number } = {}): FileStore {
    return new PostgresFileStore(this.db, p.chunkBytes);
  }

  async ping(): Promise<void> {
    await this.db.rows('SELECT 1');
  }

  async clockNow(): Promise<Date> {
    // clock_timestamp(), not now(): now() is the start of the transaction.
    const [row] = await this.db.rows<{ now: Date }>('SELECT clock_timestamp() AS now');
    return row!.now;
  }

  // ---- accounts and keys

  accountInsert(p: { account: Account }): Promise<Account> {
    return this.db.tx('write', (tx) => accounts.insertAccount(tx, p.account));
  }

  async accountGet(p: { id: string }): Promise<Account | null> {
    const row = await this.db.one<AccountRow>(SQL.accountGet, [p.id]);
    return row ? accountFromRow(row) : null;
  }

  async accountFindByName(p: { name: string }): Promise<Account[]> {
    return (await this.db.rows<AccountRow>(SQL.accountFindByName, [p.name])).map(accountFromRow);
  }

  async accountCount(): Promise<number> {
    return (await this.db.one<{ n: number }>(SQL.accountCount))!.n;
  }

  accountList = async (p: { afterId: string | null; limit: number }) => (await this.db.rows<AccountRow>(SQL.accountList, [p.afterId ?? '', p.limit])).map(accountFromRow);

  accountAdjustCredits(p: { accountId: string; amount: number; now: Date }): Promise<Account> {
    return this.db.tx('write', (tx) => accounts.adjustCredits(tx, p));
  }

  accountRotateWebhookSecret(p: { accountId: string; secret: string; previousExpiresAt: Date }): Promise<Account> {
    return this.db.tx('write', (tx) => accounts.rotateWebhookSecret(tx, p));
  }

  accountWebhookSecrets(p: { accountId: string; now: Date }): Promise<WebhookSecrets> {
    return accounts.webhookSecrets(this.db, p);
  }

  apiKeyInsert(p: { key: ApiKey }): Promise<ApiKey> {
    const k = p.key;
    return this.db.tx('write', async (tx) => {
      await tx.run(SQL.apiKeyInsert, [k.id, k.accountId, k.secretHash, k.last4, k.createdAt]);
      return k;
    });
  }

  async apiKeyGet(p: { id: string }): Promise<ApiKey | null> {
    const row = await this.db.one<ApiKeyRow>(SQL.apiKeyGet, [p.id]);
    return row ? apiKeyFromRow(row) : null;
  }

  async apiKeyList(p: { accountId: string | null; afterId: string | null; limit: number }): Promise<ApiKey[]> {
    const rows = p.accountId === null
      ? await this.db.rows<ApiKeyRow>(SQL.apiKeyList, [p.afterId ?? '', p.limit])
      : await this.db.rows<ApiKeyRow>(SQL.apiKeyListByAccount, [p.afterId ?? '', p.limit, p.accountId]);
    return rows.map(apiKeyFromRow);
  }

  apiKeyRevoke(p: { id: string; now: Date }): Promise<boolean> {
    return this.db.tx('write', async (tx) => (await tx.run(SQL.apiKeyRevoke, [p.id, p.now])) === 1);
  }

  // ---- remote workers and their keys (workers.ts)

  workerKeyInsert = (p: { key: WorkerKey }) => workers.insertWorkerKey(this.db, p.key);
  workerKeyGet = (p: { id: string }) => workers.getWorkerKey(this.db, p.id);
  workerKeyList = (p: { afterId: string | null; limit: number }) => workers.listWorkerKeys(this.db, p);
  workerKeyRevoke = (p: { id: string; now: Date }) => workers.revokeWorkerKey(this.db, p);
  workerRecord = (p: { worker: WorkerContact }) => workers.recordWorker(this.db, p.worker);
  workerSeen = (p: { id: string; now: Date }) => workers.markWorkerSeen(this.db, p);
  workerList = (p: { seenSince: Date; limit: number }) => workers.listWorkers(this.db, p);
  jobAttemptRecords = (p: { ids: readonly string[] }) => workers.attemptRecords(this.db, p.ids);

  // ---- declared job types

  jobTypeSpecPut = (p: { spec: DeclaredJobTypeSpec; revision: string; now: Date }) => jobTypeSpecs.putJobTypeSpec(this.db, p);
  jobTypeSpecGet = (p: { type: string }) => jobTypeSpecs.getJobTypeSpec(this.db, p.type);
  jobTypeSpecList = () => jobTypeSpecs.listJobTypeSpecs(this.db);
  jobTypeSpecDelete = (p: { type: string }) => jobTypeSpecs.deleteJobTypeSpec(this.db, p.type);

  // ---- job aliases (a dialect's own ids for jobs), fair scheduling (weights, caps, queue places)
  jobAliasInsert = (p: { alias: string; jobId: string; now: Date }) => jobAliases.insertJobAlias(this.db, p);
  jobAliasGet = (p: { alias: string }) => jobAliases.getJobAlias(this.db, p.alias);
  accountSchedulingGet = (p: { accountId: string }) => scheduling.getScheduling(this.db, p.accountId);
  accountSchedulingSet: Store['accountSchedulingSet'] = (p) => this.db.tx('write', (tx) => scheduling.setScheduling(tx, p));
  cappedAccountIds = () => scheduling.cappedAccountIds(this.db);
  jobQueueAhead = (p: { id: string; now: Date; bound: number }) => scheduling.queueAhead(this.db, p);
  jobRecentStarts = (p: { type: string; since: Date; limit: number }) => scheduling.recentStarts(this.db, p);
  accountQueueStats = () => scheduling.accountQueueStats(this.db);
  accountOldestPending = (p: { accountId: string }) => scheduling.accountOldestPending(this.db, p.accountId);

  // ---- jobs

  async jobInsert(p: JobInsertParams): Promise<{ job: Job; replayed: boolean }> {
    const created = await (p.idempotency ? jobs.insertJob(this.db, p, this.c) : this.creates.write(p));
    if (!created.replayed) this.notifier.changed('created', [created.job]);
    return created;
  }

  async jobInsertAll(items: readonly JobInsertParams[]): Promise<{ job: Job; replayed: boolean }[]> {
    const written = await jobs.insertJobs(this.db, items, this.c);
    this.notifier.changed('created', written.filter((w) => !w.replayed).map((w) => w.job));
    return written;
  }

  /** told queues the notification of the change `write` makes, once it committed (see Notifier). */
  private async told<T extends Job | Job[]>(kind: JobEventKind, write: Promise<T>): Promise<T> {
    const changed = await write;
    this.notifier.changed(kind, Array.isArray(changed) ? changed : [changed]);
    return changed;
  }

  async jobGet(p: { id: string; accountId?: string }): Promise<Job | null> {
    const row = await this.db.one<JobRow>(SQL.jobGet, [p.id]);
    if (!row || (p.accountId !== undefined && row.account_id !== p.accountId)) return null;
    return jobFromRow(row);
  }

  jobList(p: JobListParams): Promise<JobListPage> {
    const q = jobListSql(p);
    // One snapshot for the page and its total, so they agree with each other.
    return this.db.tx('snapshot', async (tx) => {
      const rows = await tx.rows<JobRow>(q.listSql, q.listParams);
      const total = Number((await tx.one<{ total: number }>(q.totalSql, q.totalParams))!.total);
      return pageOf(rows.map(jobFromRow), total, q.counted);
    });
  }

  jobClaim(p: { workerId: string; types: readonly string[]; now: Date; leaseMs: number; limit: number }): Promise<Job[]> {
    if (p.types.length === 0 || p.limit < 1) return Promise.resolve([]);
    return this.told('started', jobs.claimJobs(this.db, p, this.c));
  }

  jobHeartbeat(p: LeaseParams & { leaseMs: number; checkpoint?: JsonValue | null }): Promise<Job> {
    return jobs.heartbeatJob(this.db, p);
  }

  jobProgress(p: LeaseParams & { progress: number; statusMessage: string | null }): Promise<Job> {
    return this.told('progress', jobs.progressJob(this.db, p, this.c));
  }

  jobComplete(p: LeaseParams & { output: JsonValue | null; size: number; processTime: number }): Promise<Job> {
    return this.told('completed', this.completes.write(p));
  }

  async jobFail(p: LeaseParams & { error: JobError; processTime: number; retryAt: Date | null; leaseExpiredBy?: Date }): Promise<Job> {
    const job = await jobs.failJob(this.db, p, this.c);
    this.notifier.changed(job.status === 'failed' ? 'failed' : 'retrying', [job]);
    return job;
  }

  jobRelease(p: LeaseParams & { runAt?: Date; error?: JobError }): Promise<Job> {
    return this.told('released', jobs.releaseJob(this.db, p, this.c));
  }

  jobCancel(p: { id: string; accountId: string; now: Date }): Promise<Job> {
    return this.told('cancelled', jobs.cancelJob(this.db, p, this.c));
  }
  jobExpire = (p: { now: Date; limit: number; error: JobError }) => this.told('failed', jobs.expireJobs(this.db, p, this.c));
  jobFailBlocked = (p: { now: Date; limit: number }) => this.told('failed', jobs.failBlockedJobs(this.db, p, this.c));
  jobWaitingFor = (ids: readonly string[]) => waitingFor(this.db, ids);

  async jobListExpired(p: { now: Date; limit: number }): Promise<Job[]> {
    return (await this.db.rows<JobRow>(SQL.jobListExpired, [p.now, p.limit])).map(jobFromRow);
  }

  jobListFinishedBefore = (p: { before: Date; limit: number }) => removals.listFinishedBefore(this.db, p);
  jobDelete = (p: { ids: readonly string[]; finishedBefore: Date }) => removals.deleteJobs(this.db, p);
  jobPurge = (p: { id: string; accountId: string }) => removals.purgeJob(this.db, p);
  idempotencyPurge = (p: { now: Date; limit: number }) => removals.purgeIdempotencyKeys(this.db, p);

  // ---- the feed of other processes' changes

  /**
   * eventLatestId returns the newest settled event: every event up to it is committed or rolled
   * back for good, so a feed that starts there misses nothing committed later. Falls back to the
   * newest visible event when writers in flight do not finish within feedWaitMs.
   */
  async eventLatestId(): Promise<number> {
    const horizon = await this.eventHorizon();
    if (horizon === null) return (await this.db.one<{ id: number }>(SQL.eventLatestId))!.id;
    return (await this.db.one<{ id: number }>(SQL.eventLatestSettled, [horizon]))!.id;
  }

  /**
   * eventFeed returns other instances' events after `afterId` up to the settled horizon (see
   * event_horizon in the migration): an event whose id was taken before a later one committed
   * is handed out only once it is visible, never skipped. What lies past the horizon is read
   * next time; its writer's commit sends a NOTIFY, so a watcher is told to read again.
   */
  async eventFeed(p: { afterId: number; limit: number }): Promise<FeedEvent[]> {
    const horizon = Math.max(this.settledEventId, (await this.eventHorizon()) ?? 0);
    if (horizon <= p.afterId) return [];
    const rows = await this.db.rows<JobRow & { event_id: number; event_kind: FeedEvent['kind']; event_number: number }>(SQL.eventFeed, [
      p.afterId, horizon, this.instanceId, p.limit,
    ]);
    return rows.map((row) => ({ id: row.event_id, kind: row.event_kind, seq: row.event_number, job: jobFromRow(row) }));
  }

  /** eventHorizon asks the database for the settled end of the event log, or null when it timed out. */
  private async eventHorizon(): Promise<number | null> {
    const row = await this.db.one<{ id: number | null }>(SQL.eventHorizon, [this.feedWaitMs]);
    const id = row?.id ?? null;
    if (id !== null && id > this.settledEventId) this.settledEventId = id;
    return id;
  }

  /** watch tells `onChange` what other instances commit (LISTEN/NOTIFY payloads; see Listener). */
  watch(onChange: (note: WatchNote) => void): () => void {
    if (this.closed) return () => {};
    return this.listener.add(onChange);
  }

  /** listenerPid is the backend pid of the LISTEN connection, while there is one. */
  get listenerPid(): number | undefined {
    return this.listener.pid;
  }

  // ---- webhook deliveries

  deliveryClaim(p: { now: Date; leaseMs: number; limit: number }): Promise<Delivery[]> {
    if (p.limit < 1) return Promise.resolve([]);
    return this.db.tx('write', (tx) => deliveries.claimDeliveries(tx, p));
  }

  deliveryRecord(p: DeliveryRecordParams): Promise<Delivery | null> {
    return this.db.tx('write', (tx) => deliveries.recordDelivery(tx, p));
  }

  deliveryListByJob(p: { jobId: string }): Promise<DeliveryWithAttempts[]> {
    // One snapshot, so every attempt listed belongs to a delivery listed and agrees with its count.
    return this.db.tx('snapshot', async (tx) => {
      const rows = await tx.rows<DeliveryRow>(SQL.deliveryListByJob, [p.jobId]);
      const attempts = await tx.rows<Parameters<typeof attemptFromRow>[0]>(SQL.attemptListByJob, [p.jobId]);
      return withAttempts(rows.map(deliveryFromRow), attempts.map(attemptFromRow));
    });
  }

  deliveryRedeliver(p: { id: string; jobId: string; now: Date }): Promise<Delivery> {
    return this.db.tx('write', (tx) => deliveries.redeliver(tx, p));
  }

  // ---- usage

  async rateTake(p: { key: string; now: Date } & RateLimits): Promise<{ allowed: boolean; tokens: number }> {
    return (await this.db.one<{ allowed: boolean; tokens: number }>(SQL.rateTake, [p.key, p.now, p.ratePerSecond, p.burst]))!;
  }

  async jobQueueStats(): Promise<QueueStat[]> {
    const rows = await this.db.rows<{ type: string; pending: number | null; running: number | null; earliest_run_at: Date | null }>(SQL.jobQueueStats);
    return rows.map((row) => ({ type: row.type, pending: row.pending ?? 0, running: row.running ?? 0, earliestRunAt: row.earliest_run_at }));
  }

  async usageSummary(p: { accountId: string; from: Date; to: Date }): Promise<UsageRow[]> {
    return this.db.rows<UsageRow>(SQL.usageSummary, this.window(p));
  }

  async usageProcessTimes(p: { accountId: string; from: Date; to: Date; type?: string }): Promise<number[]> {
    const rows = await this.db.rows<{ t: number }>(SQL.usageProcessTimes, [...this.window(p), p.type ?? null]);
    return rows.map((r) => r.t);
  }

  jobStatsBuckets(p: JobStatsParams): Promise<JobStatsRow[]> {
    return this.db.rows<JobStatsRow>(SQL.jobStatsBuckets, [...this.window(p), p.bucketMs]);
  }

  jobStatsQueue(p: { accountId: string }): Promise<QueueDepth[]> {
    return this.db.rows<QueueDepth>(SQL.jobStatsQueue, [p.accountId]);
  }

  /** window is an account's time window as usage queries take it (see SQL.usageSummary). */
  private window(p: { accountId: string; from: Date; to: Date }): unknown[] {
    return [p.accountId, idFloor('job', p.from.getTime() - 1), idFloor('job', p.to.getTime() + 1), p.from, p.to];
  }
}
