import type { Job, JobStatus } from '../../domain/index.js';
import { waitsByJob } from '../jobDependencies.js';
import type { SqliteContext } from './context.js';

/**
 * The SQLite driver's job dependency statements (migration 0019; the PostgreSQL driver's
 * jobDependencies.ts says what each is for). One writer: nothing to lock.
 */
export const DEPENDENCY_SQL = {
  mark: `
    UPDATE jobs SET has_dependents = 1
    WHERE id IN (SELECT value FROM json_each(?)) AND status IN ('pending', 'running') AND NOT has_dependents`,
  insert: `
    INSERT INTO job_dependencies (job_id, depends_on, failed)
    SELECT ?, a.value, d.status IS NULL OR d.status IN ('failed', 'cancelled')
    FROM json_each(?) a LEFT JOIN jobs d ON d.id = a.value
    WHERE d.status IS NULL OR d.status <> 'completed'`,
  waitingFor: `
    SELECT job_id, depends_on FROM job_dependencies WHERE job_id IN (SELECT value FROM json_each(?)) ORDER BY job_id, depends_on`,
  // The pending jobs with a failed dependency, oldest first, each with its first failed one and
  // what that job is now (null: gone).
  blocked: `
    SELECT b.job_id, b.depends_on, d.status FROM (
      SELECT w.job_id, min(w.depends_on) AS depends_on FROM job_dependencies w JOIN jobs j ON j.id = w.job_id
      WHERE w.failed AND j.status = 'pending' GROUP BY w.job_id ORDER BY w.job_id LIMIT ?) b
    LEFT JOIN jobs d ON d.id = b.depends_on ORDER BY b.job_id`,
} as const;

/** insertDependencies marks the jobs `job` waits for and writes its dependencies not yet met; run with the job's insert. */
export function insertDependencies(c: SqliteContext, job: Job): void {
  if (!job.after) return;
  const after = JSON.stringify(job.after);
  c.stmt(DEPENDENCY_SQL.mark).run(after);
  c.stmt(DEPENDENCY_SQL.insert).run(job.id, after);
}

/** waitingFor is Store.jobWaitingFor. */
export function waitingFor(c: SqliteContext, ids: readonly string[]): Map<string, string[]> {
  if (ids.length === 0) return new Map();
  return waitsByJob(c.stmt(DEPENDENCY_SQL.waitingFor).all(JSON.stringify(ids)) as { job_id: string; depends_on: string }[]);
}

/** blockedJobs lists up to `limit` pending jobs that wait for a job that failed, was cancelled or is gone. */
export function blockedJobs(c: SqliteContext, limit: number): { job_id: string; depends_on: string; status: JobStatus | null }[] {
  return c.stmt(DEPENDENCY_SQL.blocked).all(limit) as { job_id: string; depends_on: string; status: JobStatus | null }[];
}
