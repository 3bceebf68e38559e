import { LeaseLostError } from '../domain/index.js';
import { failLeasedJob } from './attempts.js';
import type { ServiceDeps } from './deps.js';

/**
 * reapExpired finds running jobs whose lease ran out (their worker died or froze) and retries them
 * after a backoff, or fails them with `lease_expired` (refunded) when attempts are spent. Each
 * update re-checks the lease in the store, so a job that completed meanwhile is left alone.
 * Returns how many jobs it moved.
 */
export async function reapExpired(deps: ServiceDeps, p: { limit: number }): Promise<number> {
  const now = deps.clock.now();
  const expired = await deps.store.jobListExpired({ now, limit: p.limit });
  let moved = 0;
  for (const job of expired) {
    try {
      // The listed job is the stored one: its attempts decide retry or final, under its lease.
      const failure = {
        error: { code: 'lease_expired', message: 'The worker stopped heartbeating before the attempt ended' },
        retryable: true,
        processTime: job.startedAt ? Math.max(0, now.getTime() - job.startedAt.getTime()) : 0,
      };
      await failLeasedJob(deps, job, failure, { leaseExpiredBy: now });
      moved++;
    } catch (error) {
      if (!(error instanceof LeaseLostError)) throw error; // the job moved on by itself: nothing to reap
    }
  }
  return moved;
}
