import { type JobError, InvalidRequestError } from '../domain/index.js';
import type { ServiceDeps } from './deps.js';
import { failRounds } from './failRounds.js';

/**
 * MAX_START_WITHIN_MS bounds `startWithinMs` (30 days): a window longer than that is a mistake
 * in units far more often than a wish, and a job may instead give `startBy` as a time.
 */
export const MAX_START_WITHIN_MS = 30 * 86_400_000;

/** EXPIRED_ERROR is the error of a job failed because it was not started by its `startBy`. */
export const EXPIRED_ERROR: JobError = { code: 'expired', message: 'The job was not started by its startBy deadline' };

/**
 * startDeadline is a create request's deadline to start, or null for none: `startBy` as given,
 * or `startWithinMs` after the job is due (`runAt`, which is now unless the request delays it).
 * A deadline that is not after both now and `runAt` could never be met, so it is refused as a
 * 400 naming `/startBy` rather than accepted to fail at once; giving both fields is refused too.
 */
export function startDeadline(request: { startBy?: string; startWithinMs?: number }, times: { now: Date; runAt: Date }): Date | null {
  const { startBy, startWithinMs } = request;
  if (startBy !== undefined && startWithinMs !== undefined) {
    throw InvalidRequestError.field('/startWithinMs', 'give startBy or startWithinMs, not both');
  }
  if (startWithinMs !== undefined) {
    if (!Number.isSafeInteger(startWithinMs) || startWithinMs < 1 || startWithinMs > MAX_START_WITHIN_MS) {
      throw InvalidRequestError.field('/startWithinMs', `must be a whole number of ms from 1 to ${MAX_START_WITHIN_MS}`);
    }
    return new Date(times.runAt.getTime() + startWithinMs);
  }
  if (startBy === undefined) return null;
  const deadline = new Date(startBy);
  if (Number.isNaN(deadline.getTime())) throw InvalidRequestError.field('/startBy', 'must be an RFC 3339 date-time');
  if (deadline <= times.now) throw InvalidRequestError.field('/startBy', 'must be in the future');
  if (deadline <= times.runAt) throw InvalidRequestError.field('/startBy', 'must be after runAt');
  return deadline;
}

/**
 * expireUnstarted fails the pending jobs whose deadline to start has passed with `expired`
 * (refunded in full, with their `job.failed` webhook, as any failure) and tells this process's
 * listeners, in rounds (failRounds). Returns how many jobs it failed.
 */
export function expireUnstarted(deps: ServiceDeps, p: { limit: number; maxBatches: number }): Promise<number> {
  return failRounds(deps, p, (now, limit) => deps.store.jobExpire({ now, limit, error: EXPIRED_ERROR }));
}
