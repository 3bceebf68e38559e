import {
  type Job,
  type JobError,
  type JobEventKind,
  type JsonValue,
  LeaseLostError,
  accountNotFound,
  cancelRefusal,
  checkCredits,
  checkPurgeable,
  compareClaimOrder,
  compareIds,
  dependencyFailure,
  idempotencyOutcome,
  newId,
} from '../../domain/index.js';
import { deliveryInsertValues, newDeliveryFor } from '../deliveryColumns.js';
import type { JobInsertParams, LeaseParams } from '../types.js';
import { ledgerAdd } from './accountWrites.js';
import type { SqliteContext } from './context.js';
import { blockedJobs, insertDependencies } from './jobDependencies.js';
import { SQL, jobClaimSql, jobInsertSql } from './queries.js';
import { type AccountRow, type JobInsertRow, type JobRow, jobFromRow, jobToRow } from './rows.js';

/**
 * The job writes of the SQLite driver, each the body of one write (see SqliteStore): SQL and row
 * mapping only; the rules (idempotency, credits, refusals, claim order) are the domain's.
 * SQLite checks the balance before it writes the job; PostgreSQL writes first for its lock order
 * (postgres/jobWrites.ts). The outcome is the same: the whole transaction rolls back.
 */

/**
 * insertJob writes the job, its charge, its idempotency record and its first event, or replays the
 * first job. The charge and the event go through `c.rows`, which may insert them with the group's.
 */
export function insertJob(c: SqliteContext, p: JobInsertParams): { job: Job; replayed: boolean } {
  const { job, idempotency } = p;
  if (idempotency) {
    const seen = c.stmt(SQL.idempotencyGet).get(job.accountId, idempotency.key) as
      | { request_hash: string; job_id: string; expires_at: number }
      | undefined;
    const first = seen ? (c.stmt(SQL.jobGet).get(seen.job_id) as JobRow | undefined) : undefined;
    const outcome = idempotencyOutcome({
      record: seen ? { requestHash: seen.request_hash, expiresAt: new Date(seen.expires_at) } : null,
      requestHash: idempotency.requestHash,
      now: job.createdAt,
      firstJob: first ?? null,
    });
    if (outcome.kind === 'replay') return { job: jobFromRow(outcome.job), replayed: true };
  }
  if (job.creditsCharged > 0) {
    const account = c.stmt(SQL.accountGet).get(job.accountId) as AccountRow | undefined;
    if (!account) throw accountNotFound(job.accountId);
    checkCredits(account.credit_balance, job.creditsCharged);
    c.stmt(SQL.accountAddBalance).run(-job.creditsCharged, job.accountId);
  }
  const row = jobToRow(job);
  c.stmt(jobInsertSql).run(row);
  insertDependencies(c, job);
  const at = job.createdAt.getTime();
  c.rows.ledgerEntry(newId('led', at), job.accountId, job.id, 'charge', -job.creditsCharged, at);
  if (idempotency) {
    // INSERT OR REPLACE: a fresh key, an expired record or a freed one (its job is gone) alike.
    c.stmt(SQL.idempotencyPut).run(job.accountId, idempotency.key, idempotency.requestHash, job.id, idempotency.expiresAt.getTime());
  }
  recordChange(c, row, job, 'created');
  return { job, replayed: false };
}

/** claimJobs takes up to `limit` due pending jobs of `types` under fresh leases, in claim order. */
export function claimJobs(c: SqliteContext, p: { workerId: string; types: readonly string[]; now: Date; leaseMs: number; limit: number }): Job[] {
  const now = p.now.getTime();
  const types = [...new Set(p.types)];
  const capped = (c.stmt(SQL.anyCap).get() as { capped: number }).capped === 1;
  const rows = c.stmt(jobClaimSql(types.length, capped)).all({
    worker: p.workerId,
    now,
    lease_until: now + p.leaseMs,
    limit: p.limit,
    ...Object.fromEntries(types.map((type, i) => [`type${i}`, type])),
  }) as JobRow[];
  // RETURNING keeps no order; hand the jobs out in claim order (events are recorded in it too).
  rows.sort(compareClaimOrder);
  return rows.map((row) => recordChange(c, row, jobFromRow(row), 'started'));
}

/** heartbeatJob pushes the lease to now + leaseMs. */
export function heartbeatJob(c: SqliteContext, p: LeaseParams & { leaseMs: number; checkpoint?: JsonValue | null }): Job {
  const now = p.now.getTime();
  const checkpoint = p.checkpoint === undefined || p.checkpoint === null ? null : JSON.stringify(p.checkpoint);
  const params = { id: p.id, token: p.leaseToken, lease_until: now + p.leaseMs, set_checkpoint: p.checkpoint === undefined ? 0 : 1, checkpoint };
  return leased(p.id, c.stmt(SQL.jobHeartbeat).get(params) as JobRow | undefined);
}

/** progressJob records progress and message. */
export function progressJob(c: SqliteContext, p: LeaseParams & { progress: number; statusMessage: string | null }): Job {
  const row = c.stmt(SQL.jobProgress).get({ id: p.id, token: p.leaseToken, now: p.now.getTime(), progress: p.progress, message: p.statusMessage });
  return changed(c, p.id, row as JobRow | undefined, 'progress');
}

/** completeJob moves a running job to completed with its output. */
export function completeJob(c: SqliteContext, p: LeaseParams & { output: JsonValue | null; size: number; processTime: number }): Job {
  const row = c.stmt(SQL.jobComplete).get({
    id: p.id,
    token: p.leaseToken,
    now: p.now.getTime(),
    output: p.output === null ? null : JSON.stringify(p.output),
    size: p.size,
    process_time: p.processTime,
  });
  return changed(c, p.id, row as JobRow | undefined, 'completed');
}

/** failJob ends an attempt: back to pending at retryAt, or failed and refunded when retryAt is null. */
export function failJob(c: SqliteContext, p: LeaseParams & { error: JobError; processTime: number; retryAt: Date | null; leaseExpiredBy?: Date }): Job {
  const params = {
    id: p.id,
    token: p.leaseToken,
    now: p.now.getTime(),
    error: JSON.stringify(p.error),
    process_time: p.processTime,
    expired_by: p.leaseExpiredBy?.getTime() ?? null,
  };
  const row = (p.retryAt === null
    ? c.stmt(SQL.jobFail).get(params)
    : c.stmt(SQL.jobRetry).get({ ...params, run_at: p.retryAt.getTime() })) as JobRow | undefined;
  if (row && p.retryAt === null) refund(c, row, p.now);
  return changed(c, p.id, row, p.retryAt === null ? 'failed' : 'retrying');
}

/** releaseJob hands a running job back to pending without counting the attempt (at runAt, with error, when given). */
export function releaseJob(c: SqliteContext, p: LeaseParams & { runAt?: Date; error?: JobError }): Job {
  const row = c.stmt(SQL.jobRelease).get({
    id: p.id,
    token: p.leaseToken,
    now: p.now.getTime(),
    run_at: p.runAt?.getTime() ?? null,
    error: p.error === undefined ? null : JSON.stringify(p.error),
  });
  return changed(c, p.id, row as JobRow | undefined, 'released');
}

/** cancelJob moves a pending or running job of the account to cancelled and refunds it. */
export function cancelJob(c: SqliteContext, p: { id: string; accountId: string; now: Date }): Job {
  const row = c.stmt(SQL.jobCancel).get({ id: p.id, account: p.accountId, now: p.now.getTime() }) as JobRow | undefined;
  if (!row) throw cancelRefusal(p.id, p.accountId, ownerAndStatus(c, p.id));
  refund(c, row, p.now);
  return recordChange(c, row, jobFromRow(row), 'cancelled');
}

/** expireJobs fails the pending jobs past their deadline to start (see Store.jobExpire), each refunded with its event. */
export function expireJobs(c: SqliteContext, p: { now: Date; limit: number; error: JobError }): Job[] {
  if (p.limit < 1) return [];
  const rows = c.stmt(SQL.jobExpire).all({ now: p.now.getTime(), limit: p.limit, error: JSON.stringify(p.error) }) as JobRow[];
  // RETURNING keeps no order; record the changes in the order the jobs are listed.
  rows.sort((a, b) => (a.start_by ?? 0) - (b.start_by ?? 0) || compareIds(a.id, b.id));
  return rows.map((row) => {
    refund(c, row, p.now);
    return recordChange(c, row, jobFromRow(row), 'failed');
  });
}

/** failBlockedJobs fails the pending jobs whose wait can no longer end (see Store.jobFailBlocked), each refunded with its event. */
export function failBlockedJobs(c: SqliteContext, p: { now: Date; limit: number }): Job[] {
  if (p.limit < 1) return [];
  return blockedJobs(c, p.limit).flatMap(({ job_id, depends_on, status }) => {
    const error = JSON.stringify(dependencyFailure(depends_on, status));
    const row = c.stmt(SQL.jobFailPending).get({ id: job_id, now: p.now.getTime(), error }) as JobRow | undefined;
    if (!row) return [];
    refund(c, row, p.now);
    return [recordChange(c, row, jobFromRow(row), 'failed')];
  });
}

/** deleteJobs deletes those of `ids` that are final and became final before `finishedBefore`. */
export function deleteJobs(c: SqliteContext, p: { ids: readonly string[]; finishedBefore: Date }): string[] {
  const rows = c.stmt(SQL.jobListDeletable).all({ ids: JSON.stringify(p.ids), before: p.finishedBefore.getTime() }) as { id: string }[];
  const deleted = rows.map((r) => r.id);
  if (deleted.length > 0) for (const sql of SQL.jobDeleteCascade) c.stmt(sql).run(JSON.stringify(deleted));
  return deleted;
}

/** purgeJob deletes a final job of the account with what hangs off it and the keys that name it. */
export function purgeJob(c: SqliteContext, p: { id: string; accountId: string }): void {
  checkPurgeable(p.id, p.accountId, ownerAndStatus(c, p.id));
  const ids = JSON.stringify([p.id]);
  for (const sql of SQL.jobDeleteCascade) c.stmt(sql).run(ids);
  c.stmt(SQL.idempotencyDeleteForJob).run(p.accountId, p.id);
}

/** ownerAndStatus reads what the refusal rules need of the job as it is now. */
function ownerAndStatus(c: SqliteContext, id: string) {
  const current = c.stmt(SQL.jobGet).get(id) as JobRow | undefined;
  return current ? { accountId: current.account_id, status: current.status } : null;
}

/** leased maps the row of a lease-guarded update, or throws LeaseLostError when the guard failed. */
function leased(id: string, row: JobRow | undefined): Job {
  if (!row) throw new LeaseLostError(id);
  return jobFromRow(row);
}

/** changed is `leased` for an update that is a `kind` change: it records the change too. */
function changed(c: SqliteContext, id: string, row: JobRow | undefined, kind: JobEventKind): Job {
  return recordChange(c, row!, leased(id, row), kind);
}

/**
 * recordChange writes the event of a `kind` change and, when the webhook delivery policy says the
 * change sends one, its delivery row; `job` is `row` mapped. Returns `job`.
 */
function recordChange(c: SqliteContext, row: JobInsertRow, job: Job, kind: JobEventKind): Job {
  c.rows.event(row.id, row.event_seq, row.account_id, kind, row.status, row.progress, row.status_message, c.origin, row.updated_at);
  const delivery = newDeliveryFor(job, kind, c.webhookDeliveries);
  if (delivery) c.stmt(SQL.deliveryInsert).run(...deliveryInsertValues(delivery, (d) => d.getTime(), (b) => (b ? 1 : 0)));
  return job;
}

/**
 * refund returns a failed or cancelled job's charge, at most once (the ledger's unique index). Its
 * ledger row is inserted at once, not with the group's: whether it went in decides the refund.
 */
function refund(c: SqliteContext, row: JobRow, now: Date): void {
  const inserted = ledgerAdd(c, row.account_id, row.id, 'refund', row.credits_charged, now);
  if (inserted === 1 && row.credits_charged > 0) c.stmt(SQL.accountAddBalance).run(row.credits_charged, row.account_id);
}
