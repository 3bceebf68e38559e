import { type Job, type JobError, type JobStatus, compareIds, dependencyFailure, newId } from '../../domain/index.js';
import type { WriteContext } from './context.js';
import type { Db, Tx } from './db.js';
import { addDeliveries } from './deliveryWrites.js';
import { jobChange } from './jobWriteSql.js';
import { type JobRow, jobFromRow, jsonParam } from './rows.js';

/**
 * The PostgreSQL driver's writes that fail pending jobs which can no longer start: past their
 * deadline to start (column start_by, migration 0017) or waiting for a job that failed (table
 * job_dependencies, migration 0019). Both pick with SKIP LOCKED, so several processes sweep at
 * once without waiting on each other, and fail each job with its refund and event.
 */

/** failed is the write of one such job: $1 id, $2 now, $3 error, $4 origin, $5 refund's ledger id; `guard` re-checks the pick's condition. */
const failed = (guard: string) =>
  jobChange(
    `UPDATE jobs SET status = 'failed', error = $3::jsonb, failed_at = $2, updated_at = $2,
       credits_refunded = credits_charged, event_seq = event_seq + 1
     WHERE id = $1 AND status = 'pending'${guard}`,
    'failed',
    '$4',
    { ledgerIdParam: '$5', nowParam: '$2' },
  ).full;

const SQL = {
  // $1 now, $2 limit. Oldest deadline first from jobs_pending_start_by; SKIP LOCKED passes over
  // the rows another expiry (or a claim, or a cancel) holds, so API nodes never queue on each other.
  pickExpired: `
    SELECT id, account_id FROM jobs WHERE status = 'pending' AND start_by IS NOT NULL AND start_by < $1
    ORDER BY start_by, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
  expire: failed(' AND start_by < $2'),
  // $1 limit. The pending jobs with a failed dependency (job_dependencies_failed), oldest first.
  pickBlocked: `
    SELECT id, account_id FROM jobs
    WHERE status = 'pending' AND id IN (SELECT job_id FROM job_dependencies WHERE failed)
    ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
  // $1 the picked ids: for each, its first failed dependency and what that job is now (null: gone).
  blockedBy: `
    SELECT DISTINCT ON (w.job_id) w.job_id, w.depends_on, d.status FROM job_dependencies w
    LEFT JOIN jobs d ON d.id = w.depends_on
    WHERE w.job_id = ANY($1::text[]) AND w.failed ORDER BY w.job_id, w.depends_on`,
  // A failed dependency is never met again, so the lock the pick holds is the whole guard.
  failBlocked: failed(''),
} as const;

/** PickedJob is one job a pick locked, and the error it is to fail with. */
interface PickedJob {
  id: string;
  account_id: string;
  error: JobError;
}

/**
 * failPicked is the transaction both writes share: `pick` locks the jobs to fail, which are then
 * failed in account order (so two sweeps that lock accounts for the refunds take them in one
 * order and cannot deadlock; job rows come first, as in every job write, see jobWrites.ts "Lock
 * order"), each by `statement` with its refund and event; then the webhook deliveries of them all.
 * Returns the jobs as failed.
 */
function failPicked(db: Db, now: Date, c: WriteContext, pick: (tx: Tx) => Promise<PickedJob[]>, statement: string): Promise<Job[]> {
  return db.tx('write', async (tx) => {
    const picked = await pick(tx);
    picked.sort((a, b) => compareIds(a.account_id, b.account_id) || compareIds(a.id, b.id));
    const jobs: Job[] = [];
    for (const { id, error } of picked) {
      const row = await tx.one<JobRow>(statement, [id, now, jsonParam(error), c.origin, newId('led', now.getTime())]);
      if (row) jobs.push(jobFromRow(row));
    }
    await addDeliveries(tx, jobs, 'failed', c.webhookDeliveries);
    return jobs;
  });
}

/** expireJobs is Store.jobExpire: the due jobs, locked oldest deadline first, each failed with `error`. */
export function expireJobs(db: Db, p: { now: Date; limit: number; error: JobError }, c: WriteContext): Promise<Job[]> {
  if (p.limit < 1) return Promise.resolve([]);
  const pick = async (tx: Tx) =>
    (await tx.rows<{ id: string; account_id: string }>(SQL.pickExpired, [p.now, p.limit])).map((row) => ({ ...row, error: p.error }));
  return failPicked(db, p.now, c, pick, SQL.expire);
}

/** failBlockedJobs is Store.jobFailBlocked: each job fails with dependencyFailure of its first failed dependency. */
export function failBlockedJobs(db: Db, p: { now: Date; limit: number }, c: WriteContext): Promise<Job[]> {
  if (p.limit < 1) return Promise.resolve([]);
  const pick = async (tx: Tx) => {
    const jobs = await tx.rows<{ id: string; account_id: string }>(SQL.pickBlocked, [p.limit]);
    if (jobs.length === 0) return [];
    const reasons = await tx.rows<{ job_id: string; depends_on: string; status: JobStatus | null }>(SQL.blockedBy, [jobs.map((j) => j.id)]);
    const byJob = new Map(reasons.map((r) => [r.job_id, dependencyFailure(r.depends_on, r.status)]));
    return jobs.flatMap((job) => {
      const error = byJob.get(job.id);
      return error ? [{ ...job, error }] : [];
    });
  };
  return failPicked(db, p.now, c, pick, SQL.failBlocked);
}
