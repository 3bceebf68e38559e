import type Database from 'better-sqlite3';
import {
  type Account,
  type ApiKey,
  type DeclaredJobType,
  type DeclaredJobTypeSpec,
  type Delivery,
  type DeliveryWithAttempts,
  type Job,
  type JobError,
  type JsonValue,
  type RateLimits,
  type WorkerContact,
  type WorkerKey,
  idFloor,
  ulid,
} from '../../domain/index.js';
import type {
  DeliveryRecordParams,
  FeedEvent,
  JobInsertParams,
  LeaseParams,
  QueueStat,
  Store,
  StoreCapabilities,
  UsageRow,
  WebhookDeliveryPolicy,
  WatchNote,
  WebhookSecrets,
} from '../types.js';
import { type JobListPage, type JobListParams, pageOf } from '../jobFilter.js';
import type { JobStatsParams, JobStatsRow, QueueDepth } from '../jobStats.js';
import * as accounts from './accountWrites.js';
import type { SqliteContext, Stmt } from './context.js';
import * as deliveries from './deliveryWrites.js';
import { GroupRows } from './groupRows.js';
import * as jobs from './jobWrites.js';
import * as jobAliases from './jobAliases.js';
import * as scheduling from './scheduling.js';
import * as jobTypeSpecs from './jobTypeSpecs.js';
import { type AccountRow, type ApiKeyRow, type JobRow, accountFromRow, apiKeyFromRow, jobFromRow } from './rows.js';
import { waitingFor } from './jobDependencies.js';
import { SQL, jobListSql } from './queries.js';
import { RateBuckets } from './rateBuckets.js';
import { WriteQueue } from './writeQueue.js';
import * as workers from './workers.js';

/**
 * SqliteStore is the embedded driver: better-sqlite3 in WAL mode. Reads run at once; every write
 * goes through the WriteQueue, so writes that arrive together share one transaction and one fsync.
 */
export class SqliteStore implements Store {
  readonly driver = 'sqlite' as const;
  /** One file on one machine: its processes share this machine's clock; rate buckets live in each process. */
  readonly capabilities: StoreCapabilities = { sharedClock: false, sharedRateLimits: false };
  readonly instanceId = ulid();
  private readonly writes: WriteQueue;
  private readonly statements = new Map<string, Stmt>();
  private readonly rateBuckets = new RateBuckets();
  /** c is what the statement modules (accountWrites, jobWrites, deliveryWrites) are given. */
  private readonly c: SqliteContext;
  private closed = false;

  constructor(readonly db: Database.Database, webhookDeliveries: WebhookDeliveryPolicy, private readonly watchMs = 10) {
    const stmt = (sql: string) => this.stmt(sql);
    const rows = new GroupRows(stmt);
    this.writes = new WriteQueue(db, rows);
    this.c = { stmt, origin: this.instanceId, webhookDeliveries, rows };
  }

  /** stmt prepares `sql` once and keeps it. */
  private stmt(sql: string): Stmt {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private read<T>(fn: () => T): Promise<T> {
    try {
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** databaseFiles: an embedded database serves no other machine, so files stay in a folder (null). */
  databaseFiles(): null {
    return null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.writes.flush();
    this.db.close();
  }

  /** clockNow is the machine's clock: an embedded database has no other. */
  clockNow(): Promise<Date> {
    return Promise.resolve(new Date());
  }

  ping(): Promise<void> {
    return this.read(() => {
      this.stmt('SELECT 1').get();
    });
  }

  // ---- accounts and keys

  accountInsert(p: { account: Account }): Promise<Account> {
    return this.writes.run(() => accounts.insertAccount(this.c, p.account));
  }

  accountGet(p: { id: string }): Promise<Account | null> {
    return this.read(() => {
      const row = this.stmt(SQL.accountGet).get(p.id) as AccountRow | undefined;
      return row ? accountFromRow(row) : null;
    });
  }

  accountFindByName(p: { name: string }): Promise<Account[]> {
    return this.read(() => (this.stmt(SQL.accountFindByName).all(p.name) as AccountRow[]).map(accountFromRow));
  }

  accountCount(): Promise<number> {
    return this.read(() => (this.stmt('SELECT COUNT(*) AS n FROM accounts').get() as { n: number }).n);
  }

  accountList(p: { afterId: string | null; limit: number }): Promise<Account[]> {
    return this.read(() => (this.stmt(SQL.accountList).all(p.afterId ?? '', p.limit) as AccountRow[]).map(accountFromRow));
  }

  accountAdjustCredits(p: { accountId: string; amount: number; now: Date }): Promise<Account> {
    return this.writes.run(() => accounts.adjustCredits(this.c, p));
  }

  accountRotateWebhookSecret(p: { accountId: string; secret: string; previousExpiresAt: Date }): Promise<Account> {
    return this.writes.run(() => accounts.rotateWebhookSecret(this.c, p));
  }

  accountWebhookSecrets(p: { accountId: string; now: Date }): Promise<WebhookSecrets> {
    return this.read(() => accounts.webhookSecrets(this.c, p));
  }

  apiKeyInsert(p: { key: ApiKey }): Promise<ApiKey> {
    return this.writes.run(() => accounts.insertApiKey(this.c, p.key));
  }

  apiKeyGet(p: { id: string }): Promise<ApiKey | null> {
    return this.read(() => {
      const row = this.stmt('SELECT * FROM api_keys WHERE id = ?').get(p.id) as ApiKeyRow | undefined;
      return row ? apiKeyFromRow(row) : null;
    });
  }

  apiKeyList(p: { accountId: string | null; afterId: string | null; limit: number }): Promise<ApiKey[]> {
    return this.read(() => {
      const rows = p.accountId === null
        ? this.stmt(SQL.apiKeyList).all(p.afterId ?? '', p.limit)
        : this.stmt(SQL.apiKeyListByAccount).all(p.accountId, p.afterId ?? '', p.limit);
      return (rows as ApiKeyRow[]).map(apiKeyFromRow);
    });
  }

  apiKeyRevoke(p: { id: string; now: Date }): Promise<boolean> {
    return this.writes.run(
      () => this.stmt('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(p.now.getTime(), p.id).changes === 1,
    );
  }

  // ---- remote workers and their keys (workers.ts)

  workerKeyInsert = (p: { key: WorkerKey }) => this.writes.run(() => workers.insertWorkerKey(this.c, p.key));
  workerKeyGet = (p: { id: string }) => this.read(() => workers.getWorkerKey(this.c, p.id));
  workerKeyList = (p: { afterId: string | null; limit: number }) => this.read(() => workers.listWorkerKeys(this.c, p));
  workerKeyRevoke = (p: { id: string; now: Date }) => this.writes.run(() => workers.revokeWorkerKey(this.c, p));
  workerRecord = (p: { worker: WorkerContact }) => this.writes.run(() => workers.recordWorker(this.c, p.worker));
  workerSeen = (p: { id: string; now: Date }) => this.writes.run(() => workers.markWorkerSeen(this.c, p));
  workerList = (p: { seenSince: Date; limit: number }) => this.read(() => workers.listWorkers(this.c, p));
  jobAttemptRecords = (p: { ids: readonly string[] }) => this.read(() => workers.attemptRecords(this.c, p.ids));

  // ---- job aliases (a dialect's own ids for jobs), fair scheduling (weights, caps, queue places)
  jobAliasInsert = (p: { alias: string; jobId: string; now: Date }) => this.writes.run(() => jobAliases.insertJobAlias(this.c, p));
  jobAliasGet = (p: { alias: string }) => this.read(() => jobAliases.getJobAlias(this.c, p.alias));

  accountSchedulingGet = (p: { accountId: string }) => this.read(() => scheduling.getScheduling(this.c, p.accountId));
  accountSchedulingSet: Store['accountSchedulingSet'] = (p) => this.writes.run(() => scheduling.setScheduling(this.c, p));
  cappedAccountIds = () => this.read(() => scheduling.cappedAccountIds(this.c));
  jobQueueAhead = (p: { id: string; now: Date; bound: number }) => this.read(() => scheduling.queueAhead(this.c, p));
  jobRecentStarts = (p: { type: string; since: Date; limit: number }) => this.read(() => scheduling.recentStarts(this.c, p));
  accountQueueStats = () => this.read(() => scheduling.accountQueueStats(this.c));
  accountOldestPending = (p: { accountId: string }) => this.read(() => scheduling.accountOldestPending(this.c, p.accountId));

  // ---- declared job types

  jobTypeSpecPut(p: { spec: DeclaredJobTypeSpec; revision: string; now: Date }): Promise<{ jobType: DeclaredJobType; created: boolean }> {
    return this.writes.run(() => jobTypeSpecs.putJobTypeSpec(this.c, p));
  }

  jobTypeSpecGet(p: { type: string }): Promise<DeclaredJobType | null> {
    return this.read(() => jobTypeSpecs.getJobTypeSpec(this.c, p.type));
  }

  jobTypeSpecList(): Promise<DeclaredJobType[]> {
    return this.read(() => jobTypeSpecs.listJobTypeSpecs(this.c));
  }

  jobTypeSpecDelete(p: { type: string }): Promise<boolean> {
    return this.writes.run(() => jobTypeSpecs.deleteJobTypeSpec(this.c, p.type));
  }

  // ---- jobs

  jobInsert(p: JobInsertParams): Promise<{ job: Job; replayed: boolean }> {
    // A create's event and charge rows are read back by nobody in its group: they may wait.
    return this.writes.run(() => jobs.insertJob(this.c, p), { rowsMayWait: true });
  }

  jobInsertAll(items: readonly JobInsertParams[]): Promise<{ job: Job; replayed: boolean }[]> {
    // One write: one refused fails it, and the write queue leaves no trace of the ones before it.
    return this.writes.run(() => items.map((p) => jobs.insertJob(this.c, p)), { rowsMayWait: true });
  }

  jobGet(p: { id: string; accountId?: string }): Promise<Job | null> {
    return this.read(() => {
      const row = this.stmt(SQL.jobGet).get(p.id) as JobRow | undefined;
      if (!row || (p.accountId !== undefined && row.account_id !== p.accountId)) return null;
      return jobFromRow(row);
    });
  }

  jobList(p: JobListParams): Promise<JobListPage> {
    return this.read(() => {
      const q = jobListSql(p);
      const rows = this.stmt(q.listSql).all(...q.listParams) as JobRow[];
      const total = (this.stmt(q.totalSql).get(...q.totalParams) as { total: number }).total;
      return pageOf(rows.map(jobFromRow), total, q.counted);
    });
  }

  jobClaim(p: { workerId: string; types: readonly string[]; now: Date; leaseMs: number; limit: number }): Promise<Job[]> {
    if (p.types.length === 0 || p.limit < 1) return Promise.resolve([]);
    return this.writes.run(() => jobs.claimJobs(this.c, p));
  }

  jobHeartbeat(p: LeaseParams & { leaseMs: number; checkpoint?: JsonValue | null }): Promise<Job> {
    return this.writes.run(() => jobs.heartbeatJob(this.c, p));
  }

  jobProgress(p: LeaseParams & { progress: number; statusMessage: string | null }): Promise<Job> {
    return this.writes.run(() => jobs.progressJob(this.c, p));
  }

  jobComplete(p: LeaseParams & { output: JsonValue | null; size: number; processTime: number }): Promise<Job> {
    return this.writes.run(() => jobs.completeJob(this.c, p));
  }

  jobFail(p: LeaseParams & { error: JobError; processTime: number; retryAt: Date | null; leaseExpiredBy?: Date }): Promise<Job> {
    return this.writes.run(() => jobs.failJob(this.c, p));
  }

  jobRelease(p: LeaseParams & { runAt?: Date; error?: JobError }): Promise<Job> {
    return this.writes.run(() => jobs.releaseJob(this.c, p));
  }

  jobCancel(p: { id: string; accountId: string; now: Date }): Promise<Job> {
    return this.writes.run(() => jobs.cancelJob(this.c, p));
  }

  jobExpire = (p: { now: Date; limit: number; error: JobError }) => this.writes.run(() => jobs.expireJobs(this.c, p));
  jobFailBlocked = (p: { now: Date; limit: number }) => this.writes.run(() => jobs.failBlockedJobs(this.c, p));
  jobWaitingFor = (ids: readonly string[]) => this.read(() => waitingFor(this.c, ids));

  jobListExpired(p: { now: Date; limit: number }): Promise<Job[]> {
    return this.read(() => (this.stmt(SQL.jobListExpired).all(p.now.getTime(), p.limit) as JobRow[]).map(jobFromRow));
  }

  jobListFinishedBefore(p: { before: Date; limit: number }): Promise<string[]> {
    return this.read(() => (this.stmt(SQL.jobListFinishedBefore).all(p.before.getTime(), p.limit) as { id: string }[]).map((r) => r.id));
  }

  jobDelete(p: { ids: readonly string[]; finishedBefore: Date }): Promise<string[]> {
    if (p.ids.length === 0) return Promise.resolve([]);
    return this.writes.run(() => jobs.deleteJobs(this.c, p));
  }

  jobPurge(p: { id: string; accountId: string }): Promise<void> {
    return this.writes.run(() => jobs.purgeJob(this.c, p));
  }

  idempotencyPurge(p: { now: Date; limit: number }): Promise<number> {
    return this.writes.run(() => this.stmt(SQL.idempotencyPurge).run(p.now.getTime(), p.limit).changes);
  }

  // ---- the feed of other processes' changes

  eventLatestId(): Promise<number> {
    return this.read(() => (this.stmt(SQL.eventLatestId).get() as { id: number }).id);
  }

  eventFeed(p: { afterId: number; limit: number }): Promise<FeedEvent[]> {
    return this.read(() =>
      (this.stmt(SQL.eventFeed).all(p.afterId, this.instanceId, p.limit) as (JobRow & { event_id: number; event_kind: FeedEvent['kind']; event_number: number })[]).map(
        (row) => ({ id: row.event_id, kind: row.event_kind, seq: row.event_number, job: jobFromRow(row) }),
      ),
    );
  }

  /**
   * watch polls `PRAGMA data_version`, which changes only when another connection commits: a
   * read of shared memory, no I/O, so a 10 ms poll costs next to nothing. It cannot say what
   * changed, so every note is a catch-up: read the feed.
   */
  watch(onChange: (note: WatchNote) => void): () => void {
    const version = () => this.db.pragma('data_version', { simple: true }) as number;
    let last = version();
    const timer = setInterval(() => {
      if (this.closed) return;
      const now = version();
      if (now !== last) {
        last = now;
        onChange({ catchUp: true });
      }
    }, this.watchMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  // ---- webhook deliveries

  deliveryClaim(p: { now: Date; leaseMs: number; limit: number }): Promise<Delivery[]> {
    if (p.limit < 1) return Promise.resolve([]);
    return this.writes.run(() => deliveries.claimDeliveries(this.c, p));
  }

  deliveryRecord(p: DeliveryRecordParams): Promise<Delivery | null> {
    return this.writes.run(() => deliveries.recordDelivery(this.c, p));
  }

  deliveryListByJob(p: { jobId: string }): Promise<DeliveryWithAttempts[]> {
    return this.read(() => deliveries.listDeliveries(this.c, p));
  }

  deliveryRedeliver(p: { id: string; jobId: string; now: Date }): Promise<Delivery> {
    return this.writes.run(() => deliveries.redeliver(this.c, p));
  }

  // ---- usage

  rateTake(p: { key: string; now: Date } & RateLimits): Promise<{ allowed: boolean; tokens: number }> {
    return Promise.resolve(this.rateBuckets.take(p.key, p.now.getTime(), p));
  }

  jobQueueStats(): Promise<QueueStat[]> {
    return this.read(() =>
      (this.stmt(SQL.jobQueueStats).all() as { type: string; pending: number; running: number; earliest_run_at: number | null }[]).map((row) => ({
        type: row.type,
        pending: row.pending,
        running: row.running,
        earliestRunAt: row.earliest_run_at === null ? null : new Date(row.earliest_run_at),
      })),
    );
  }

  usageSummary(p: { accountId: string; from: Date; to: Date }): Promise<UsageRow[]> {
    return this.read(() => this.stmt(SQL.usageSummary).all(this.window(p)) as UsageRow[]);
  }

  usageProcessTimes(p: { accountId: string; from: Date; to: Date; type?: string }): Promise<number[]> {
    return this.read(() => {
      const rows = this.stmt(SQL.usageProcessTimes).all({ ...this.window(p), type: p.type ?? null }) as { t: number }[];
      return rows.map((r) => r.t);
    });
  }

  jobStatsBuckets(p: JobStatsParams): Promise<JobStatsRow[]> {
    return this.read(() => this.stmt(SQL.jobStatsBuckets).all({ ...this.window(p), bucket: p.bucketMs }) as JobStatsRow[]);
  }

  jobStatsQueue(p: { accountId: string }): Promise<QueueDepth[]> {
    return this.read(() => this.stmt(SQL.jobStatsQueue).all(p.accountId) as QueueDepth[]);
  }

  private window(p: { accountId: string; from: Date; to: Date }) {
    // The id range lets the primary key's order find the window; created_at then trims it exactly.
    return {
      account: p.accountId,
      from: p.from.getTime(),
      to: p.to.getTime(),
      id_from: idFloor('job', p.from.getTime() - 1),
      id_to: idFloor('job', p.to.getTime() + 1),
    };
  }
}
