import { InvalidRequestError } from './errors.js';
import { isId } from './ids.js';
import type { JobError, JobStatus } from './job.js';

/**
 * Job dependencies: a job created with `after: [ids]` stays pending until each of those jobs has
 * completed, and fails with `dependency_failed` (refunded, as every failure) once one of them
 * fails or is cancelled. The database keeps the dependencies not yet met; the claim passes over a
 * job that has any, and a sweep fails the jobs whose wait can no longer end (see the stores'
 * jobFailBlocked).
 */

/** MAX_AFTER bounds how many jobs one job may wait for. */
export const MAX_AFTER = 20;

/** DEPENDENCY_FAILED is the error code of a job whose dependency failed, was cancelled or is gone. */
export const DEPENDENCY_FAILED = 'dependency_failed';

/**
 * checkAfterShape refuses a malformed `after` (400 naming the entry): not an array, empty, more
 * than MAX_AFTER ids, an entry that is not a job id, or an id given twice. Whether the jobs exist
 * and are the caller's is checked against the store (service/createJob.ts).
 */
export function checkAfterShape(after: unknown, at = '/after'): asserts after is string[] {
  if (!Array.isArray(after)) throw InvalidRequestError.field(at, 'must be an array of job ids');
  if (after.length === 0 || after.length > MAX_AFTER) throw InvalidRequestError.field(at, `must list 1 to ${MAX_AFTER} job ids`);
  const seen = new Set<string>();
  after.forEach((id, i) => {
    if (typeof id !== 'string' || !isId('job', id)) throw InvalidRequestError.field(`${at}/${i}`, 'must be a job id (job_…)');
    if (seen.has(id)) throw InvalidRequestError.field(`${at}/${i}`, `${id} is listed twice`);
    seen.add(id);
  });
}

/**
 * dependencyFailure is the error of a job that waited for `dependsOn`, which is now `status` (or
 * gone, null): the job can never run, so it fails with this, naming the job that broke the chain.
 */
export function dependencyFailure(dependsOn: string, status: JobStatus | null): JobError {
  const what = status === 'cancelled' ? 'was cancelled' : status === null ? 'no longer exists' : 'failed';
  return { code: DEPENDENCY_FAILED, message: `${dependsOn}, which this job waited for (after), ${what}` };
}
