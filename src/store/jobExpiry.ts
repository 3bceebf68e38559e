import type { Job, JobError } from '../domain/index.js';

/**
 * JobExpiryStore is the part of the Store contract that enforces a job's deadline to start
 * (`startBy`, column start_by, migration 0017). The claim never starts a job past it (see
 * jobClaim); this method moves such jobs to their end.
 */
export interface JobExpiryStore {
  /**
   * jobExpire fails up to `limit` pending jobs whose `startBy` is before `now`, oldest deadline
   * first, each with `error`: refunded in full (at most once, by the ledger's rule), with its
   * `failed` event and the webhook delivery that change makes, all in one transaction. Jobs
   * another caller is writing are passed over (PostgreSQL: SKIP LOCKED), so several processes
   * may expire at once without waiting on each other, and an expired job is no longer pending,
   * so it is never expired twice. A running job is left alone whatever its deadline.
   * Returns the jobs as failed.
   */
  jobExpire(p: { now: Date; limit: number; error: JobError }): Promise<Job[]>;
}
