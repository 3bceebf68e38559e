import type { Job } from '../../domain/index.js';
import { waitsByJob } from '../jobDependencies.js';
import type { Db, Tx } from './db.js';

/**
 * The PostgreSQL driver's job dependency statements (migration 0019; the rules are in
 * domain/dependencies.ts): what a create with `after` writes besides the job, and the read of
 * the dependencies a job still waits for. Failing the jobs whose dependency failed is in
 * pendingFailures.ts.
 */

const SQL = {
  // $1 the ids. Locks the awaited jobs that can still change, in id order, and marks them: their
  // end then settles job_dependencies (the trigger of migration 0019). The lock holds their status
  // until this create commits, so none can end between the insert below and the commit unseen.
  // Lock order: job rows, before the create's account (see jobWrites.ts, "Lock order").
  mark: `
    UPDATE jobs SET has_dependents = true WHERE id IN (
      SELECT id FROM jobs WHERE id = ANY($1::text[]) AND status IN ('pending', 'running') ORDER BY id FOR NO KEY UPDATE)
    AND NOT has_dependents`,
  // $1 the new job, $2 the ids: a row for each awaited job not completed, failed at once where it
  // failed, was cancelled or is gone (so the sweep fails the new job as it would have later).
  insert: `
    INSERT INTO job_dependencies (job_id, depends_on, failed)
    SELECT $1, a.id, d.status IS NULL OR d.status IN ('failed', 'cancelled')
    FROM unnest($2::text[]) AS a (id) LEFT JOIN jobs d ON d.id = a.id
    WHERE d.status IS DISTINCT FROM 'completed'`,
  // $1 the ids
  waitingFor: `SELECT job_id, depends_on FROM job_dependencies WHERE job_id = ANY($1::text[]) ORDER BY job_id, depends_on`,
} as const;

/** markDependencies locks and marks the jobs `job` waits for; run in the create's transaction, before the job's insert. */
export async function markDependencies(tx: Tx, job: Job): Promise<void> {
  if (job.after) await tx.run(SQL.mark, [job.after]);
}

/** insertDependencies writes the dependencies of `job` not yet met; run in the create's transaction, after the job's insert. */
export async function insertDependencies(tx: Tx, job: Job): Promise<void> {
  if (job.after) await tx.run(SQL.insert, [job.id, job.after]);
}

/** waitingFor is Store.jobWaitingFor. */
export async function waitingFor(db: Db, ids: readonly string[]): Promise<Map<string, string[]>> {
  if (ids.length === 0) return new Map();
  return waitsByJob(await db.rows<{ job_id: string; depends_on: string }>(SQL.waitingFor, [ids]));
}
