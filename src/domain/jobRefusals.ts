/**
 * Why a cancel or a purge of a job is refused. The drivers try the guarded change first and, when
 * no row changed, read the job as it is now and ask here which error the caller gets: another
 * account's job is "not found" exactly like a missing one, so ids never leak across accounts.
 */
import { JobNotCancellableError, JobNotFoundError, JobNotPurgeableError, type LongrunError } from './errors.js';
import { type JobStatus, isFinalStatus } from './job.js';

/** JobOwnerAndStatus is what the refusal rules need of the job as it is now (null: no such job). */
export type JobOwnerAndStatus = { accountId: string; status: JobStatus } | null;

/**
 * cancelRefusal is the error for a cancel of job `id` by `accountId` that changed nothing:
 * JobNotFoundError when the job is missing or another account's, else JobNotCancellableError
 * (it is already final).
 */
export function cancelRefusal(id: string, accountId: string, current: JobOwnerAndStatus): LongrunError {
  if (current === null || current.accountId !== accountId) return new JobNotFoundError(id);
  return new JobNotCancellableError(id, current.status);
}

/**
 * checkPurgeable throws when job `id` may not be purged by `accountId`: JobNotFoundError when it is
 * missing or another account's, JobNotPurgeableError while it is pending or running.
 */
export function checkPurgeable(id: string, accountId: string, current: JobOwnerAndStatus): void {
  if (current === null || current.accountId !== accountId) throw new JobNotFoundError(id);
  if (!isFinalStatus(current.status)) throw new JobNotPurgeableError(id, current.status);
}
