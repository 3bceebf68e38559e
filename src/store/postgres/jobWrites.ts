import {
  type Job,
  type JobError,
  type JobEventKind,
  type JsonValue,
  LeaseLostError,
  accountNotFound,
  cancelRefusal,
  checkCredits,
  compareClaimOrder,
  idempotencyOutcome,
  newId,
} from '../../domain/index.js';
import type { JobInsertParams, LeaseParams } from '../types.js';
import type { WriteContext } from './context.js';
import type { Tx } from './db.js';
import { addDeliveries } from './deliveryWrites.js';
import { SQL } from './queries.js';
import { type AccountRow, type JobRow, jobFromRow, jobInsertParams, jsonParam } from './rows.js';

/**
 * The job writes of the PostgreSQL driver, each the body of one transaction (see PostgresStore).
 *
 * Lock order. Under READ COMMITTED two transactions deadlock only when they wait for each other's
 * locks taken in opposite orders, so every transaction here takes its locks in one order:
 * idempotency key → job rows → job_counters rows (the statement trigger, in key order) → new
 * webhook delivery rows (locks nobody can wait on) → account.
 * Hence a job insert writes the job before it charges the account (SQLite checks the balance
 * first; the outcome is the same, the whole transaction rolls back), and a refund is its own
 * statement after the status change rather than a CTE of it (triggers fire at statement end).
 *
 * SQL and row mapping only: the rules (idempotency, credits, refusals, claim order) are the
 * domain's, called with row data exactly as the SQLite driver calls them.
 */

/** insertJob writes the job, its first event, its counters, its charge and its idempotency record. */
export async function insertJob(tx: Tx, p: JobInsertParams, c: WriteContext): Promise<{ job: Job; replayed: boolean }> {
  const { job, idempotency } = p;
  if (idempotency) {
    const key = [job.accountId, idempotency.key];
    const taken = await tx.rows(SQL.idempotencyClaim, [...key, idempotency.requestHash, job.id, idempotency.expiresAt, job.createdAt]);
    if (taken.length === 0) {
      // A live record, now locked: the domain's rule says replay, refuse, or take the freed key.
      const seen = (await tx.one<{ request_hash: string; job_id: string; expires_at: Date }>(SQL.idempotencyGet, key))!;
      const first = await tx.one<JobRow>(SQL.jobGet, [seen.job_id]);
      const outcome = idempotencyOutcome({
        record: { requestHash: seen.request_hash, expiresAt: seen.expires_at },
        requestHash: idempotency.requestHash,
        now: job.createdAt,
        firstJob: first ?? null,
      });
      if (outcome.kind === 'replay') return { job: jobFromRow(outcome.job), replayed: true };
      await tx.run(SQL.idempotencyReplace, [...key, idempotency.requestHash, job.id, idempotency.expiresAt]);
    }
  }
  await tx.run(SQL.jobInsert, [...jobInsertParams(job), c.origin]);
  tx.wroteEvents = true;
  if (job.creditsCharged > 0) {
    // An unlimited balance stays unlimited, so only a limited one needs the row lock (which makes
    // every create of that account wait for the previous one's commit).
    let account = await tx.one<AccountRow>(SQL.accountGet, [job.accountId]);
    if (account && account.credit_balance !== null) account = await tx.one<AccountRow>(SQL.accountLock, [job.accountId]);
    if (!account) throw accountNotFound(job.accountId);
    checkCredits(account.credit_balance, job.creditsCharged);
  }
  await ledgerApply(tx, job.accountId, job.id, 'charge', -job.creditsCharged, job.createdAt);
  return { job, replayed: false };
}

/** claimJobs takes up to `limit` due pending jobs of `types` under fresh leases, in claim order. */
export async function claimJobs(
  tx: Tx,
  p: { workerId: string; types: readonly string[]; now: Date; leaseMs: number; limit: number },
  c: WriteContext,
): Promise<Job[]> {
  // Each served type is read once (see SQL.jobClaim), so a type listed twice must not be.
  const types = [...new Set(p.types)];
  const rows = await tx.rows<JobRow>(SQL.jobClaim, [p.workerId, p.now, new Date(p.now.getTime() + p.leaseMs), types, p.limit, c.origin]);
  if (rows.length > 0) tx.wroteEvents = true;
  // RETURNING keeps no order; hand the jobs out in claim order (domain/claimOrder.ts).
  rows.sort(compareClaimOrder);
  const claimed = rows.map(jobFromRow);
  await addDeliveries(tx, claimed, 'started', c.webhookDeliveries);
  return claimed;
}

/** heartbeatJob pushes the lease to now + leaseMs. */
export async function heartbeatJob(tx: Tx, p: LeaseParams & { leaseMs: number; checkpoint?: JsonValue | null }): Promise<Job> {
  // JSON text for jsonb; a JSON null clears the checkpoint like SQL NULL.
  const checkpoint = p.checkpoint === undefined || p.checkpoint === null ? null : JSON.stringify(p.checkpoint);
  const params = [p.id, p.leaseToken, new Date(p.now.getTime() + p.leaseMs), p.checkpoint !== undefined, checkpoint];
  return leased(p.id, await tx.one<JobRow>(SQL.jobHeartbeat, params));
}

/** progressJob records progress and message. */
export async function progressJob(tx: Tx, p: LeaseParams & { progress: number; statusMessage: string | null }, c: WriteContext): Promise<Job> {
  return evented(tx, p.id, await tx.one<JobRow>(SQL.jobProgress, [p.id, p.leaseToken, p.now, p.progress, p.statusMessage, c.origin]), 'progress', c);
}

/** completeJob moves a running job to completed with its output. */
export async function completeJob(
  tx: Tx,
  p: LeaseParams & { output: JsonValue | null; size: number; processTime: number },
  c: WriteContext,
): Promise<Job> {
  const row = await tx.one<JobRow>(SQL.jobComplete, [p.id, p.leaseToken, p.now, jsonParam(p.output), p.size, p.processTime, c.origin]);
  return evented(tx, p.id, row, 'completed', c);
}

/** failJob ends an attempt: back to pending at retryAt, or failed and refunded when retryAt is null. */
export async function failJob(
  tx: Tx,
  p: LeaseParams & { error: JobError; processTime: number; retryAt: Date | null; leaseExpiredBy?: Date },
  c: WriteContext,
): Promise<Job> {
  const params = [p.id, p.leaseToken, p.now, jsonParam(p.error), p.processTime, p.leaseExpiredBy ?? null];
  const row = p.retryAt === null
    ? await tx.one<JobRow>(SQL.jobFail, [...params, c.origin])
    : await tx.one<JobRow>(SQL.jobRetry, [...params, p.retryAt, c.origin]);
  const job = await evented(tx, p.id, row, p.retryAt === null ? 'failed' : 'retrying', c);
  if (p.retryAt === null) await refund(tx, job, p.now);
  return job;
}

/** releaseJob hands a running job back to pending without counting the attempt (at runAt, with error, when given). */
export async function releaseJob(tx: Tx, p: LeaseParams & { runAt?: Date; error?: JobError }, c: WriteContext): Promise<Job> {
  const params = [p.id, p.leaseToken, p.now, c.origin, p.runAt ?? null, p.error === undefined ? null : jsonParam(p.error)];
  return evented(tx, p.id, await tx.one<JobRow>(SQL.jobRelease, params), 'released', c);
}

/** cancelJob moves a pending or running job of the account to cancelled and refunds it. */
export async function cancelJob(tx: Tx, p: { id: string; accountId: string; now: Date }, c: WriteContext): Promise<Job> {
  const row = await tx.one<JobRow>(SQL.jobCancel, [p.id, p.accountId, p.now, c.origin]);
  if (!row) {
    // READ COMMITTED: this statement sees what a concurrent cancel or completion committed while
    // the update above waited for the row, so the reason given is the current one.
    const current = await tx.one<JobRow>(SQL.jobGet, [p.id]);
    throw cancelRefusal(p.id, p.accountId, current ? { accountId: current.account_id, status: current.status } : null);
  }
  tx.wroteEvents = true;
  const job = jobFromRow(row);
  await addDeliveries(tx, [job], 'cancelled', c.webhookDeliveries);
  await refund(tx, job, p.now);
  return job;
}

/** ledgerApply records a credit movement and applies it to the account's balance (see SQL.ledgerApply). */
export async function ledgerApply(tx: Tx, accountId: string, jobId: string | null, kind: 'charge' | 'refund' | 'grant', amount: number, at: Date): Promise<void> {
  await tx.run(SQL.ledgerApply, [newId('led', at.getTime()), accountId, jobId, kind, amount, at]);
}

/** refund returns a failed or cancelled job's charge, at most once (the ledger's unique index). */
function refund(tx: Tx, job: Job, now: Date): Promise<void> {
  return ledgerApply(tx, job.accountId, job.id, 'refund', job.creditsCharged, now);
}

/** leased maps the row of a lease-guarded update, or throws LeaseLostError when the guard failed. */
function leased(id: string, row: JobRow | undefined): Job {
  if (!row) throw new LeaseLostError(id);
  return jobFromRow(row);
}

/**
 * evented is `leased` for an update that also recorded a `kind` event: it writes the webhook
 * delivery the change makes, if any, and the commit will notify.
 */
async function evented(tx: Tx, id: string, row: JobRow | undefined, kind: JobEventKind, c: WriteContext): Promise<Job> {
  const job = leased(id, row);
  tx.wroteEvents = true;
  await addDeliveries(tx, [job], kind, c.webhookDeliveries);
  return job;
}
