import {
  type Job,
  type JobError,
  type JobEventKind,
  type JsonValue,
  LeaseLostError,
  ServiceUnavailableError,
  accountNotFound,
  cancelRefusal,
  checkCredits,
  compareClaimOrder,
  idempotencyOutcome,
  newId,
} from '../../domain/index.js';
import type { JobInsertParams, LeaseParams } from '../types.js';
import type { WriteContext } from './context.js';
import { Db, Tx } from './db.js';
import { addDeliveries } from './deliveryWrites.js';
import { insertDependencies, markDependencies } from './jobDependencies.js';
import type { ChangeSql } from './jobWriteSql.js';
import { SQL } from './queries.js';
import { type JobRow, jobFromRow, jobInsertParams, jsonParam } from './rows.js';

// The writes that fail pending jobs which can no longer start keep their SQL beside them.
export { expireJobs, failBlockedJobs } from './pendingFailures.js';

/**
 * The job writes of the PostgreSQL driver. Each is one statement sent alone where it can be — one
 * round trip, its own transaction — and a transaction only where the change makes a webhook
 * delivery (whose payload the service's policy composes from the changed row) or a create meets
 * a live idempotency key. Triggers on job_events take the event writer lock and send the NOTIFY
 * (migration 0010), so a statement needs nothing around it.
 *
 * Lock order. Under READ COMMITTED two transactions deadlock only when they wait for each other's
 * locks taken in opposite orders, so every write takes its locks in one order: idempotency key →
 * job rows → account → job_counters rows (the statement trigger, at the statement's end, in key
 * order) → new webhook delivery rows (locks nobody can wait on). A change and its refund, or a
 * create and its charge, are one statement for that reason: the counters come last.
 *
 * SQL and row mapping only: the rules (idempotency, credits, refusals, claim order) are the
 * domain's, called with row data exactly as the SQLite driver calls them.
 */

/** The answer of SQL.jobCreate. */
interface CreateRow {
  inserted: number;
  account_found: boolean;
  balance: number | null;
}

/**
 * insertJob writes the job, its first event, its counters, its charge and its idempotency record.
 * Without a key that is one statement. With one, it is a transaction: the key is claimed first
 * (locked, so two requests with one key queue up and the second replays the first), the domain's
 * rule decides a live key's outcome, and a create refused after the key was taken (credits) rolls
 * the key back with it.
 */
export async function insertJob(db: Db, p: JobInsertParams, c: WriteContext): Promise<{ job: Job; replayed: boolean }> {
  if (!p.idempotency) return { job: await create(db, p.job, c), replayed: false };
  return db.tx('write', (tx) => insertJobIn(tx, p, c));
}

/**
 * insertJobs writes the items in one transaction, each as insertJob does; one refused rolls them
 * all back. The items' keys are their own (see createJobs), so the lock order holds for each.
 */
export function insertJobs(db: Db, items: readonly JobInsertParams[], c: WriteContext): Promise<{ job: Job; replayed: boolean }[]> {
  return db.tx('write', async (tx) => {
    const written: { job: Job; replayed: boolean }[] = [];
    for (const item of items) written.push(await insertJobIn(tx, item, c));
    return written;
  });
}

/** insertJobIn is insertJob inside a transaction already open. */
async function insertJobIn(tx: Tx, p: JobInsertParams, c: WriteContext): Promise<{ job: Job; replayed: boolean }> {
  const { job, idempotency } = p;
  if (!idempotency) return { job: await create(tx, job, c), replayed: false };
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
  return { job: await create(tx, job, c), replayed: false };
}

/**
 * create runs SQL.jobCreate, alone or in a transaction, and throws the refusal when it wrote
 * nothing. A job with `after` is written in a transaction with its dependencies: the jobs it
 * waits for are locked first (job rows before the account), its rows in job_dependencies last.
 */
async function create(q: Db | Tx, job: Job, c: WriteContext): Promise<Job> {
  if (job.after && q instanceof Db) return q.tx('write', (tx) => create(tx, job, c));
  if (q instanceof Tx) await markDependencies(q, job);
  const params = [...jobInsertParams(job), c.origin, newId('led', job.createdAt.getTime())];
  let answer = (await q.one<CreateRow>(SQL.jobCreate, params))!;
  // A racing create of the account spent the balance between this statement's read and its
  // charge (so the balance it read could pay): ask again, and the next read sees what is left.
  for (let again = 0; answer.inserted === 0 && couldPay(job, answer) && again < 3; again++) {
    answer = (await q.one<CreateRow>(SQL.jobCreate, params))!;
  }
  if (answer.inserted === 0) throw refusedCreate(job, answer);
  if (q instanceof Tx) await insertDependencies(q, job);
  return job;
}

/** couldPay says whether the balance the create statement read was enough (domain/credits.ts decides). */
function couldPay(job: Job, answer: CreateRow): boolean {
  if (!answer.account_found) return false;
  try {
    checkCredits(answer.balance === null ? null : Number(answer.balance), job.creditsCharged);
    return true;
  } catch {
    return false;
  }
}

/**
 * refusedCreate is the error for a create the statement did not go ahead with though the key was
 * free: the account is missing or cannot pay (domain/credits.ts says so, from the balance read).
 * A balance that could pay but was spent each time by racing creates is a busy store: retry.
 */
function refusedCreate(job: Job, answer: CreateRow): Error {
  if (!answer.account_found) return accountNotFound(job.accountId);
  checkCredits(answer.balance === null ? null : Number(answer.balance), job.creditsCharged);
  return new ServiceUnavailableError('The account\'s balance changed during the create; retry shortly');
}

/** claimJobs takes up to `limit` due pending jobs of `types` under fresh leases, in claim order. */
export async function claimJobs(
  db: Db,
  p: { workerId: string; types: readonly string[]; now: Date; leaseMs: number; limit: number },
  c: WriteContext,
): Promise<Job[]> {
  // Each served type is read once (see SQL.jobClaim), so a type listed twice must not be.
  const types = [...new Set(p.types)];
  const params = (limit: number, withDeliveries: boolean) => [
    p.workerId, p.now, new Date(p.now.getTime() + p.leaseMs), types, limit, c.origin, withDeliveries,
  ];
  const rows = await db.rows<JobRow & { deferred: boolean }>(SQL.jobClaim, params(p.limit, false));
  const claimed: JobRow[] = rows.filter((row) => !row.deferred);
  const deferred = rows.length - claimed.length;
  if (deferred > 0) {
    // Jobs whose start may make a webhook delivery: claimed again, each with its delivery.
    claimed.push(...await db.tx('write', async (tx) => {
      const more = await tx.rows<JobRow>(SQL.jobClaim, params(deferred, true));
      await addDeliveries(tx, more.map(jobFromRow), 'started', c.webhookDeliveries);
      return more;
    }));
  }
  // RETURNING keeps no order; hand the jobs out in claim order (domain/claimOrder.ts).
  return claimed.sort(compareClaimOrder).map(jobFromRow);
}

/** heartbeatJob pushes the lease to now + leaseMs (no event, so never a delivery: always one statement). */
export async function heartbeatJob(db: Db, p: LeaseParams & { leaseMs: number; checkpoint?: JsonValue | null }): Promise<Job> {
  // JSON text for jsonb; a JSON null clears the checkpoint like SQL NULL.
  const checkpoint = p.checkpoint === undefined || p.checkpoint === null ? null : JSON.stringify(p.checkpoint);
  const params = [p.id, p.leaseToken, new Date(p.now.getTime() + p.leaseMs), p.checkpoint !== undefined, checkpoint];
  const row = await db.one<JobRow>(SQL.jobHeartbeat, params);
  return leased(p.id, row && jobFromRow(row));
}

/** progressJob records progress and message. */
export async function progressJob(db: Db, p: LeaseParams & { progress: number; statusMessage: string | null }, c: WriteContext): Promise<Job> {
  const params = [p.id, p.leaseToken, p.now, p.progress, p.statusMessage, c.origin];
  return leased(p.id, await change(db, SQL.jobProgress, params, 'progress', c));
}

/** completeJob moves a running job to completed with its output. */
export async function completeJob(
  db: Db,
  p: LeaseParams & { output: JsonValue | null; size: number; processTime: number },
  c: WriteContext,
): Promise<Job> {
  const params = [p.id, p.leaseToken, p.now, jsonParam(p.output), p.size, p.processTime, c.origin];
  return leased(p.id, await change(db, SQL.jobComplete, params, 'completed', c));
}

/** failJob ends an attempt: back to pending at retryAt, or failed and refunded when retryAt is null. */
export async function failJob(
  db: Db,
  p: LeaseParams & { error: JobError; processTime: number; retryAt: Date | null; leaseExpiredBy?: Date },
  c: WriteContext,
): Promise<Job> {
  const params = [p.id, p.leaseToken, p.now, jsonParam(p.error), p.processTime, p.leaseExpiredBy ?? null, c.origin];
  const job = p.retryAt === null
    ? await change(db, SQL.jobFail, [...params, newId('led', p.now.getTime())], 'failed', c)
    : await change(db, SQL.jobRetry, [...params.slice(0, 6), p.retryAt, c.origin], 'retrying', c);
  return leased(p.id, job);
}

/** releaseJob hands a running job back to pending without counting the attempt (at runAt, with error, when given). */
export async function releaseJob(db: Db, p: LeaseParams & { runAt?: Date; error?: JobError }, c: WriteContext): Promise<Job> {
  const params = [p.id, p.leaseToken, p.now, c.origin, p.runAt ?? null, p.error === undefined ? null : jsonParam(p.error)];
  return leased(p.id, await change(db, SQL.jobRelease, params, 'released', c));
}

/** cancelJob moves a pending or running job of the account to cancelled and refunds it. */
export async function cancelJob(db: Db, p: { id: string; accountId: string; now: Date }, c: WriteContext): Promise<Job> {
  const params = [p.id, p.accountId, p.now, c.origin, newId('led', p.now.getTime())];
  const job = await change(db, SQL.jobCancel, params, 'cancelled', c, async (tx) => {
    // READ COMMITTED: this statement sees what a concurrent cancel or completion committed while
    // the update waited for the row, so the reason given is the current one.
    const current = await tx.one<JobRow>(SQL.jobGet, [p.id]);
    throw cancelRefusal(p.id, p.accountId, current ? { accountId: current.account_id, status: current.status } : null);
  });
  return job!;
}

/** ledgerApply records a credit movement and applies it to the account's balance (see SQL.ledgerApply). */
export async function ledgerApply(tx: Tx, accountId: string, jobId: string | null, kind: 'charge' | 'refund' | 'grant', amount: number, at: Date): Promise<void> {
  await tx.run(SQL.ledgerApply, [newId('led', at.getTime()), accountId, jobId, kind, amount, at]);
}

/**
 * change runs one job change: alone when the job has no webhook URL (one round trip), otherwise
 * — or when the guard failed, to tell which — in a transaction that also writes the delivery the
 * change makes. Returns the job as changed, or undefined when the guard did not hold (after
 * `refused`, when given, had its say inside the transaction).
 */
async function change(
  db: Db,
  sql: ChangeSql,
  params: unknown[],
  kind: JobEventKind,
  c: WriteContext,
  refused?: (tx: Tx) => Promise<never>,
): Promise<Job | undefined> {
  const row = await db.one<JobRow>(sql.fast, params);
  if (row) return jobFromRow(row);
  return db.tx('write', async (tx) => {
    const full = await tx.one<JobRow>(sql.full, params);
    if (!full) return refused ? refused(tx) : undefined;
    const job = jobFromRow(full);
    await addDeliveries(tx, [job], kind, c.webhookDeliveries);
    return job;
  });
}

/** leased is the job a lease-guarded change returned, or LeaseLostError when the guard failed. */
function leased(id: string, job: Job | undefined): Job {
  if (!job) throw new LeaseLostError(id);
  return job;
}
