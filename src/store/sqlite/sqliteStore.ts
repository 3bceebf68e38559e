import Database from 'better-sqlite3';
import {
  type Account,
  type ApiKey,
  type Delivery,
  type DeliveryWithAttempts,
  type Job,
  type JobEventKind,
  type JobError,
  type JsonValue,
  DeliveryInProgressError,
  type RateLimits,
  IdempotencyKeyReusedError,
  InsufficientCreditsError,
  InvalidRequestError,
  JobNotCancellableError,
  JobNotFoundError,
  JobNotPurgeableError,
  LeaseLostError,
  NotFoundError,
  idFloor,
  isFinalStatus,
  newId,
  ulid,
} from '../../domain/index.js';
import { deliveryInsertValues, newDeliveryFor, withAttempts } from '../deliveryColumns.js';
import type { DeliveryRecordParams, FeedEvent, JobInsertParams, JobListParams, LeaseParams, QueueStat, Store, UsageRow, WebhookSecrets } from '../types.js';
import { migrateSqlite } from './migrate.js';
import {
  type AccountRow,
  type ApiKeyRow,
  type DeliveryRow,
  type JobRow,
  accountFromRow,
  apiKeyFromRow,
  attemptFromRow,
  deliveryFromRow,
  jobFromRow,
  jobToRow,
} from './rows.js';
import { SQL, jobClaimSql, jobInsertSql, jobListSql } from './queries.js';
import { RateBuckets } from './rateBuckets.js';
import { WriteQueue } from './writeQueue.js';

/** SqliteDurability: `full` fsyncs every commit (the default); `normal` survives a process crash, not a power loss. */
export type SqliteDurability = 'full' | 'normal';

/** SqliteOptions tune the embedded store. */
export interface SqliteOptions {
  durability?: SqliteDurability;
  /** busyTimeoutMs is how long a writer waits for another process's lock. */
  busyTimeoutMs?: number;
  /** watchMs is how often `watch` checks for other processes' commits (default 10). */
  watchMs?: number;
}

/**
 * openSqlite opens (creating if needed) the database at `path`, sets WAL and durability, and
 * applies pending migrations.
 */
export function openSqlite(path: string, options: SqliteOptions = {}): SqliteStore {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.durability === 'normal' ? 'NORMAL' : 'FULL'}`);
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    db.pragma('foreign_keys = ON');
    migrateSqlite(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return new SqliteStore(db, options.watchMs ?? 10);
}

type Stmt = Database.Statement<unknown[], unknown>;

/**
 * SqliteStore is the embedded driver: better-sqlite3 in WAL mode. Reads run at once; every write
 * goes through the WriteQueue, so writes that arrive together share one transaction and one fsync.
 */
export class SqliteStore implements Store {
  readonly driver = 'sqlite' as const;
  readonly instanceId = ulid();
  private readonly writes: WriteQueue;
  private readonly statements = new Map<string, Stmt>();
  private readonly rateBuckets = new RateBuckets();
  private closed = false;

  constructor(readonly db: Database.Database, private readonly watchMs = 10) {
    this.writes = new WriteQueue(db);
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
    const a = p.account;
    return this.writes.run(() => {
      this.stmt(SQL.accountInsert).run(a.id, a.name, a.creditBalance, a.webhookSecret, a.createdAt.getTime());
      if (a.creditBalance !== null) this.ledgerAdd(a.id, null, 'grant', a.creditBalance, a.createdAt);
      return a;
    });
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
    return this.writes.run(() => {
      const row = this.stmt(SQL.accountGet).get(p.accountId) as AccountRow | undefined;
      if (!row) throw new NotFoundError(`Account ${p.accountId} not found`);
      if (row.credit_balance !== null && row.credit_balance + p.amount < 0) {
        throw InvalidRequestError.field('/amount', `would take the balance (${row.credit_balance}) below zero`);
      }
      this.stmt(SQL.accountAddBalance).run(p.amount, p.accountId);
      this.ledgerAdd(p.accountId, null, 'grant', p.amount, p.now);
      return accountFromRow(this.stmt(SQL.accountGet).get(p.accountId) as AccountRow);
    });
  }

  accountRotateWebhookSecret(p: { accountId: string; secret: string; previousExpiresAt: Date }): Promise<Account> {
    return this.writes.run(() => {
      const row = this.stmt(SQL.accountRotateWebhookSecret).get({ id: p.accountId, secret: p.secret, expires: p.previousExpiresAt.getTime() }) as
        | AccountRow
        | undefined;
      if (!row) throw new NotFoundError(`Account ${p.accountId} not found`);
      return accountFromRow(row);
    });
  }

  accountWebhookSecrets(p: { accountId: string; now: Date }): Promise<WebhookSecrets> {
    return this.read(() => {
      const row = this.stmt(SQL.accountWebhookSecrets).get(p.accountId) as
        | { webhook_secret: string; previous_webhook_secret: string | null; previous_webhook_secret_expires_at: number | null }
        | undefined;
      if (!row) return [];
      const previousLive = row.previous_webhook_secret !== null && (row.previous_webhook_secret_expires_at ?? 0) > p.now.getTime();
      return previousLive ? [row.webhook_secret, row.previous_webhook_secret!] : [row.webhook_secret];
    });
  }

  apiKeyInsert(p: { key: ApiKey }): Promise<ApiKey> {
    const k = p.key;
    return this.writes.run(() => {
      this.stmt(SQL.apiKeyInsert).run(k.id, k.accountId, k.secretHash, k.last4, k.createdAt.getTime());
      return k;
    });
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

  // ---- jobs

  jobInsert(p: JobInsertParams): Promise<{ job: Job; replayed: boolean }> {
    const { job, idempotency } = p;
    return this.writes.run(() => {
      const now = job.createdAt.getTime();
      if (idempotency) {
        const seen = this.stmt(SQL.idempotencyGet).get(job.accountId, idempotency.key) as
          | { request_hash: string; job_id: string; expires_at: number }
          | undefined;
        if (seen && seen.expires_at > now) {
          if (seen.request_hash !== idempotency.requestHash) throw new IdempotencyKeyReusedError();
          const first = this.stmt(SQL.jobGet).get(seen.job_id) as JobRow | undefined;
          if (first) return { job: jobFromRow(first), replayed: true };
        }
      }
      if (job.creditsCharged > 0) {
        const account = this.stmt(SQL.accountGet).get(job.accountId) as AccountRow | undefined;
        if (!account) throw new NotFoundError(`Account ${job.accountId} not found`);
        if (account.credit_balance !== null && account.credit_balance < job.creditsCharged) {
          throw new InsufficientCreditsError(job.creditsCharged, account.credit_balance);
        }
        this.stmt(SQL.accountAddBalance).run(-job.creditsCharged, job.accountId);
      }
      this.stmt(jobInsertSql).run(jobToRow(job));
      this.ledgerAdd(job.accountId, job.id, 'charge', -job.creditsCharged, job.createdAt);
      if (idempotency) {
        this.stmt(SQL.idempotencyPut).run(job.accountId, idempotency.key, idempotency.requestHash, job.id, idempotency.expiresAt.getTime());
      }
      this.eventAdd(jobToRow(job), 'created');
      return { job, replayed: false };
    });
  }

  jobGet(p: { id: string; accountId?: string }): Promise<Job | null> {
    return this.read(() => {
      const row = this.stmt(SQL.jobGet).get(p.id) as JobRow | undefined;
      if (!row || (p.accountId !== undefined && row.account_id !== p.accountId)) return null;
      return jobFromRow(row);
    });
  }

  jobList(p: JobListParams): Promise<{ jobs: Job[]; total: number }> {
    return this.read(() => {
      const statuses = p.statuses ?? [];
      const { listSql, totalSql } = jobListSql({ statuses: statuses.length, type: p.type !== undefined, before: p.beforeId !== undefined });
      const filters = [p.accountId, ...statuses, ...(p.type !== undefined ? [p.type] : [])];
      const rows = this.stmt(listSql).all(
        ...filters,
        ...(p.beforeId !== undefined ? [p.beforeId] : []),
        p.limit,
        p.offset ?? 0,
      ) as JobRow[];
      const total = (this.stmt(totalSql).get(...filters) as { total: number }).total;
      return { jobs: rows.map(jobFromRow), total };
    });
  }

  jobClaim(p: { workerId: string; types: readonly string[]; now: Date; leaseMs: number; limit: number }): Promise<Job[]> {
    if (p.types.length === 0 || p.limit < 1) return Promise.resolve([]);
    return this.writes.run(() => {
      const now = p.now.getTime();
      const types = [...new Set(p.types)];
      const rows = this.stmt(jobClaimSql(types.length)).all({
        worker: p.workerId,
        now,
        lease_until: now + p.leaseMs,
        limit: p.limit,
        ...Object.fromEntries(types.map((type, i) => [`type${i}`, type])),
      }) as JobRow[];
      for (const row of rows) this.eventAdd(row, 'started');
      // RETURNING keeps no order; hand the jobs out in claim order.
      rows.sort((a, b) => b.priority - a.priority || (a.id < b.id ? -1 : 1));
      return rows.map(jobFromRow);
    });
  }

  jobHeartbeat(p: LeaseParams & { leaseMs: number }): Promise<Job> {
    return this.writes.run(() =>
      this.leased(p.id, this.stmt(SQL.jobHeartbeat).get({ id: p.id, token: p.leaseToken, now: p.now.getTime(), lease_until: p.now.getTime() + p.leaseMs })),
    );
  }

  jobProgress(p: LeaseParams & { progress: number; statusMessage: string | null }): Promise<Job> {
    return this.writes.run(() => {
      const row = this.stmt(SQL.jobProgress).get({
        id: p.id,
        token: p.leaseToken,
        now: p.now.getTime(),
        progress: p.progress,
        message: p.statusMessage,
      }) as JobRow | undefined;
      const job = this.leased(p.id, row);
      this.eventAdd(row!, 'progress');
      return job;
    });
  }

  jobComplete(p: LeaseParams & { output: JsonValue | null; size: number; processTime: number }): Promise<Job> {
    return this.writes.run(() => {
      const row = this.stmt(SQL.jobComplete).get({
        id: p.id,
        token: p.leaseToken,
        now: p.now.getTime(),
        output: p.output === null ? null : JSON.stringify(p.output),
        size: p.size,
        process_time: p.processTime,
      }) as JobRow | undefined;
      const job = this.leased(p.id, row);
      this.eventAdd(row!, 'completed');
      return job;
    });
  }

  jobFail(p: LeaseParams & { error: JobError; processTime: number; retryAt: Date | null; leaseExpiredBy?: Date }): Promise<Job> {
    return this.writes.run(() => {
      const params = {
        id: p.id,
        token: p.leaseToken,
        now: p.now.getTime(),
        error: JSON.stringify(p.error),
        process_time: p.processTime,
        expired_by: p.leaseExpiredBy?.getTime() ?? null,
      };
      const row = (p.retryAt === null
        ? this.stmt(SQL.jobFail).get(params)
        : this.stmt(SQL.jobRetry).get({ ...params, run_at: p.retryAt.getTime() })) as JobRow | undefined;
      const job = this.leased(p.id, row);
      if (p.retryAt === null) this.refund(row!, p.now);
      this.eventAdd(row!, p.retryAt === null ? 'failed' : 'retrying');
      return job;
    });
  }

  jobRelease(p: LeaseParams & { runAt?: Date; error?: JobError }): Promise<Job> {
    return this.writes.run(() => {
      const row = this.stmt(SQL.jobRelease).get({
        id: p.id,
        token: p.leaseToken,
        now: p.now.getTime(),
        run_at: p.runAt?.getTime() ?? null,
        error: p.error === undefined ? null : JSON.stringify(p.error),
      }) as JobRow | undefined;
      const job = this.leased(p.id, row);
      this.eventAdd(row!, 'released');
      return job;
    });
  }

  jobCancel(p: { id: string; accountId: string; now: Date }): Promise<Job> {
    return this.writes.run(() => {
      const row = this.stmt(SQL.jobCancel).get({ id: p.id, account: p.accountId, now: p.now.getTime() }) as JobRow | undefined;
      if (!row) {
        const current = this.stmt(SQL.jobGet).get(p.id) as JobRow | undefined;
        if (!current || current.account_id !== p.accountId) throw new JobNotFoundError(p.id);
        throw new JobNotCancellableError(p.id, current.status);
      }
      this.refund(row, p.now);
      this.eventAdd(row, 'cancelled');
      return jobFromRow(row);
    });
  }

  jobListExpired(p: { now: Date; limit: number }): Promise<Job[]> {
    return this.read(() => (this.stmt(SQL.jobListExpired).all(p.now.getTime(), p.limit) as JobRow[]).map(jobFromRow));
  }

  jobListFinishedBefore(p: { before: Date; limit: number }): Promise<string[]> {
    return this.read(() => (this.stmt(SQL.jobListFinishedBefore).all(p.before.getTime(), p.limit) as { id: string }[]).map((r) => r.id));
  }

  jobDelete(p: { ids: readonly string[]; finishedBefore: Date }): Promise<string[]> {
    if (p.ids.length === 0) return Promise.resolve([]);
    return this.writes.run(() => {
      const rows = this.stmt(SQL.jobListDeletable).all({ ids: JSON.stringify(p.ids), before: p.finishedBefore.getTime() }) as { id: string }[];
      const deleted = rows.map((r) => r.id);
      if (deleted.length > 0) for (const sql of SQL.jobDeleteCascade) this.stmt(sql).run(JSON.stringify(deleted));
      return deleted;
    });
  }

  jobPurge(p: { id: string; accountId: string }): Promise<void> {
    return this.writes.run(() => {
      const current = this.stmt(SQL.jobGet).get(p.id) as JobRow | undefined;
      if (!current || current.account_id !== p.accountId) throw new JobNotFoundError(p.id);
      if (!isFinalStatus(current.status)) throw new JobNotPurgeableError(p.id, current.status);
      const ids = JSON.stringify([p.id]);
      for (const sql of SQL.jobDeleteCascade) this.stmt(sql).run(ids);
      this.stmt(SQL.idempotencyDeleteForJob).run(p.accountId, p.id);
    });
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
      (this.stmt(SQL.eventFeed).all(p.afterId, this.instanceId, p.limit) as (JobRow & { event_id: number; event_kind: FeedEvent['kind'] })[]).map(
        (row) => ({ id: row.event_id, kind: row.event_kind, job: jobFromRow(row) }),
      ),
    );
  }

  /**
   * watch polls `PRAGMA data_version`, which changes only when another connection commits: a
   * read of shared memory, no I/O, so a 10 ms poll costs next to nothing.
   */
  watch(onChange: () => void): () => void {
    const version = () => this.db.pragma('data_version', { simple: true }) as number;
    let last = version();
    const timer = setInterval(() => {
      if (this.closed) return;
      const now = version();
      if (now !== last) {
        last = now;
        onChange();
      }
    }, this.watchMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  // ---- webhook deliveries

  deliveryClaim(p: { now: Date; leaseMs: number; limit: number }): Promise<Delivery[]> {
    if (p.limit < 1) return Promise.resolve([]);
    return this.writes.run(() => {
      const now = p.now.getTime();
      const rows = this.stmt(SQL.deliveryClaim).all({ now, lease_until: now + p.leaseMs, limit: p.limit }) as DeliveryRow[];
      return rows.map(deliveryFromRow).sort((a, b) => (a.id < b.id ? -1 : 1));
    });
  }

  deliveryRecord(p: DeliveryRecordParams): Promise<Delivery | null> {
    return this.writes.run(() => {
      const row = this.stmt(SQL.deliveryRecord).get({
        id: p.id,
        token: p.leaseToken,
        state: p.next.state,
        next_attempt_at: p.next.state === 'pending' ? p.next.at.getTime() : null,
        now: p.now.getTime(),
      }) as DeliveryRow | undefined;
      if (!row) return null;
      const a = p.attempt;
      this.stmt(SQL.attemptInsert).run(p.id, row.attempts, a.startedAt.getTime(), a.statusCode, a.error, a.durationMs);
      return deliveryFromRow(row);
    });
  }

  deliveryListByJob(p: { jobId: string }): Promise<DeliveryWithAttempts[]> {
    return this.read(() => {
      const deliveries = (this.stmt(SQL.deliveryListByJob).all(p.jobId) as DeliveryRow[]).map(deliveryFromRow);
      const attempts = (this.stmt(SQL.attemptListByJob).all(p.jobId) as Parameters<typeof attemptFromRow>[0][]).map(attemptFromRow);
      return withAttempts(deliveries, attempts);
    });
  }

  deliveryRedeliver(p: { id: string; jobId: string; now: Date }): Promise<Delivery> {
    return this.writes.run(() => {
      const row = this.stmt(SQL.deliveryRedeliver).get({ id: p.id, job: p.jobId, now: p.now.getTime() }) as DeliveryRow | undefined;
      if (row) return deliveryFromRow(row);
      if (this.stmt(SQL.deliveryGet).get(p.id, p.jobId)) throw new DeliveryInProgressError(p.id);
      throw new NotFoundError(`Delivery ${p.id} not found`);
    });
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

  // ---- helpers shared by the writes above (always inside a write transaction)

  /** leased maps the row of a lease-guarded update, or throws LeaseLostError when the guard failed. */
  private leased(id: string, row: unknown): Job {
    if (!row) throw new LeaseLostError(id);
    return jobFromRow(row as JobRow);
  }

  /** eventAdd records a change of the job and, when the change sends a webhook, its delivery. */
  private eventAdd(row: JobRow, kind: JobEventKind): void {
    this.stmt(SQL.eventInsert).run(
      row.id, row.event_seq, row.account_id, kind, row.status, row.progress, row.status_message, this.instanceId, row.updated_at,
    );
    if (row.webhook_url === null) return;
    const delivery = newDeliveryFor(jobFromRow(row), kind);
    if (delivery) this.stmt(SQL.deliveryInsert).run(...deliveryInsertValues(delivery, (d) => d.getTime(), (b) => (b ? 1 : 0)));
  }

  private ledgerAdd(accountId: string, jobId: string | null, kind: 'charge' | 'refund' | 'grant', amount: number, at: Date): number {
    return this.stmt(SQL.ledgerInsert).run(newId('led', at.getTime()), accountId, jobId, kind, amount, at.getTime()).changes;
  }

  /** refund returns a failed or cancelled job's charge, at most once (the ledger's unique index). */
  private refund(row: JobRow, now: Date): void {
    const inserted = this.ledgerAdd(row.account_id, row.id, 'refund', row.credits_charged, now);
    if (inserted === 1 && row.credits_charged > 0) this.stmt(SQL.accountAddBalance).run(row.credits_charged, row.account_id);
  }
}

