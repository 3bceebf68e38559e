import type { Job } from '../domain/index.js';

/**
 * JobDependencyStore is the part of the Store contract that keeps job dependencies (`after`,
 * table job_dependencies, migration 0019; the rules are in domain/dependencies.ts). A create
 * whose job has `after` writes its dependencies not yet met with it; the claim never takes a job
 * that still has one (see jobClaim); a job's end settles the dependencies on it in its own
 * transaction: met when it completed, failed when it failed or was cancelled.
 */
export interface JobDependencyStore {
  /**
   * jobWaitingFor gives, for each of `ids` that still waits, the jobs it waits for (not yet
   * completed), in id order. A job that waits for none is not in the map.
   */
  jobWaitingFor(ids: readonly string[]): Promise<Map<string, string[]>>;
  /**
   * jobFailBlocked fails up to `limit` pending jobs, oldest first, that wait for a job that failed,
   * was cancelled or is gone: each with dependencyFailure of the first such job (by id), refunded
   * in full (at most once), with its `failed` event and the webhook delivery that change makes,
   * all in one transaction. Jobs another caller is writing are passed over (PostgreSQL: SKIP
   * LOCKED), so several processes may sweep at once. A failed job's own dependents are failed in
   * turn by a later call. Returns the jobs as failed.
   */
  jobFailBlocked(p: { now: Date; limit: number }): Promise<Job[]>;
}

/** waitsByJob groups rows of job_dependencies (in job, then dependency order) into jobWaitingFor's answer; both drivers read them so. */
export function waitsByJob(rows: readonly { job_id: string; depends_on: string }[]): Map<string, string[]> {
  const waits = new Map<string, string[]>();
  for (const row of rows) {
    const list = waits.get(row.job_id);
    if (list) list.push(row.depends_on);
    else waits.set(row.job_id, [row.depends_on]);
  }
  return waits;
}
