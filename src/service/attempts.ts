import { type Job, type JobError, type JsonValue, LeaseLostError } from '../domain/index.js';
import type { ServiceDeps } from './deps.js';

/**
 * The worker's use cases: claim jobs, and for each attempt heartbeat, report progress, and end it
 * (complete, fail or hand back). Every report presents the attempt's lease token; the store
 * refuses a stale one with LeaseLostError, so a worker that lost its job changes nothing.
 */

/** Attempt identifies a running attempt by its job and lease. */
export interface Attempt {
  id: string;
  leaseToken: string;
}

/** claimJobs takes up to `limit` due jobs of `types` for `workerId` and announces their start. */
export async function claimJobs(deps: ServiceDeps, p: { workerId: string; types: readonly string[]; limit: number }): Promise<Job[]> {
  const jobs = await deps.store.jobClaim({ ...p, now: deps.clock.now(), leaseMs: deps.config.leaseMs });
  for (const job of jobs) deps.bus.publish({ kind: 'started', job });
  return jobs;
}

/** heartbeatAttempt pushes the lease forward by the configured lease time. */
export function heartbeatAttempt(deps: ServiceDeps, attempt: Attempt): Promise<Job> {
  return deps.store.jobHeartbeat({ ...attempt, now: deps.clock.now(), leaseMs: deps.config.leaseMs });
}

/** reportProgress records 0–99 (100 is for completion) and an optional message. */
export async function reportProgress(deps: ServiceDeps, attempt: Attempt, p: { progress: number; message?: string | null }): Promise<Job> {
  const progress = Math.max(0, Math.min(99, Math.floor(Number.isFinite(p.progress) ? p.progress : 0)));
  const statusMessage = p.message === undefined || p.message === null ? null : String(p.message).slice(0, 500);
  const job = await deps.store.jobProgress({ ...attempt, now: deps.clock.now(), progress, statusMessage });
  deps.bus.publish({ kind: 'progress', job });
  return job;
}

/** completeAttempt ends the attempt with its output. */
export async function completeAttempt(
  deps: ServiceDeps,
  attempt: Attempt,
  p: { output: JsonValue | null; size: number; processTime: number },
): Promise<Job> {
  const job = await deps.store.jobComplete({ ...attempt, now: deps.clock.now(), ...p });
  deps.bus.publish({ kind: 'completed', job });
  return job;
}

/** AttemptFailure is how an attempt failed, as its worker reports it. */
export interface AttemptFailure {
  error: JobError;
  /** retryable false makes the failure final; true retries it while the job has attempts left. */
  retryable: boolean;
  processTime: number;
}

/**
 * failAttempt ends the attempt with an error: retried after a backoff while attempts remain and
 * the error is retryable, else failed for good (and refunded). Whether attempts remain is read
 * from the job as stored, never from the worker's copy. The read is consistent with the write:
 * only a new claim changes `attempts`, and a new claim changes the lease, which jobFail refuses.
 */
export async function failAttempt(deps: ServiceDeps, attempt: Attempt, failure: AttemptFailure): Promise<Job> {
  const stored = await deps.store.jobGet({ id: attempt.id });
  if (!stored || stored.status !== 'running' || stored.leaseToken !== attempt.leaseToken) throw new LeaseLostError(attempt.id);
  return failLeasedJob(deps, stored, failure);
}

/**
 * failLeasedJob is failAttempt on a job as the store returned it (the reaper's list is one):
 * it decides retry or final from `job` and writes it under `job`'s lease. `leaseExpiredBy` is the
 * reaper's guard: only a lease that really expired by then is failed. Not for a worker's copy.
 */
export async function failLeasedJob(
  deps: ServiceDeps,
  job: Pick<Job, 'id' | 'leaseToken' | 'attempts' | 'maxAttempts'>,
  failure: AttemptFailure,
  guard: { leaseExpiredBy?: Date } = {},
): Promise<Job> {
  const now = deps.clock.now();
  const retry = failure.retryable && job.attempts < job.maxAttempts;
  const retryAt = retry ? new Date(now.getTime() + retryDelayMs(deps, job.attempts)) : null;
  const failed = await deps.store.jobFail({
    id: job.id,
    leaseToken: job.leaseToken ?? '',
    now,
    error: failure.error,
    processTime: failure.processTime,
    retryAt,
    leaseExpiredBy: guard.leaseExpiredBy,
  });
  deps.bus.publish({ kind: retry ? 'retrying' : 'failed', job: failed });
  return failed;
}

/**
 * releaseAttempt hands a job back to pending without counting the attempt: at once (graceful
 * shutdown), or with `defer` not due for `delayMs` and with `error` saying why it waits (a cause
 * outside the job, such as a browser that would not start).
 */
export async function releaseAttempt(deps: ServiceDeps, attempt: Attempt, defer?: { error: JobError; delayMs: number }): Promise<Job> {
  const now = deps.clock.now();
  const later = defer ? { runAt: new Date(now.getTime() + defer.delayMs), error: defer.error } : {};
  const job = await deps.store.jobRelease({ ...attempt, now, ...later });
  deps.bus.publish({ kind: 'released', job });
  return job;
}

/**
 * retryDelayMs is the backoff before the next attempt: retryBaseMs doubled per attempt made,
 * capped at retryMaxMs, with ±25% jitter so jobs that failed together do not retry together.
 */
export function retryDelayMs(deps: Pick<ServiceDeps, 'config' | 'random'>, attemptsMade: number): number {
  const base = Math.min(deps.config.retryMaxMs, deps.config.retryBaseMs * 2 ** Math.max(0, attemptsMade - 1));
  const jitter = 0.75 + (deps.random ?? Math.random)() * 0.5;
  return Math.round(base * jitter);
}
