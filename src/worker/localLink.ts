import { type Job, wholeInput } from '../domain/index.js';
import {
  claimJobs,
  claimWakeup,
  completeAttempt,
  discardEarlierAttemptFiles,
  failAttempt,
  heartbeatAttempt,
  listAttemptAccountJobs,
  readEarlierJobFile,
  releaseAttempt,
  reportProgress,
  type ServiceDeps,
  storeAttemptFile,
} from '../service/index.js';
import type { ClaimedJob, WorkerLink } from './workerLink.js';


/**
 * localLink is the WorkerLink of a process that holds the store: each call is the service's use
 * case, and the event bus says when jobs are created or handed back and when an attempt is
 * cancelled or reclaimed. This is the in-process worker's behaviour as it always was.
 */
export function localLink(deps: ServiceDeps): WorkerLink {
  return {
    longPolls: false,
    async claim(p) {
      const jobs = await claimJobs(deps, { workerId: p.workerId, types: p.types, limit: p.limit });
      return jobs.map((job) => claimedFromJob(job, deps.config.leaseMs));
    },
    onClaimable(types, listener) {
      return deps.bus.onSignal((signal) => {
        const at = claimWakeup(deps, signal, types);
        if (at) listener(at);
      });
    },
    watch(job, onStop) {
      // A later change that carries another lease (cancel, reap) means this attempt no longer owns
      // the job. Changes relayed from other processes may arrive late, carrying the job as it was
      // before this claim (pending, no lease): those are older than the claim and say nothing.
      return deps.bus.onJob(job.id, (change) => {
        if (change.job.eventSeq <= (job.eventSeq ?? 0) || change.job.leaseToken === job.leaseToken) return;
        onStop(change.job.status === 'cancelled' ? 'cancelled' : 'lease_lost');
      });
    },
    begin: (job) => discardEarlierAttemptFiles(deps, { id: job.id, attempts: job.attempt }),
    async heartbeat(attempt) {
      await heartbeatAttempt(deps, attempt);
    },
    async progress(attempt, p) {
      await reportProgress(deps, attempt, p);
    },
    storeFile: (attempt, p) => storeAttemptFile(deps, attempt, p),
    readJobFile: (attempt, p) => readEarlierJobFile(deps, attempt, p),
    listAccountJobs: (attempt, p) => listAttemptAccountJobs(deps, attempt, p),
    async complete(attempt, p) {
      await completeAttempt(deps, attempt, p);
    },
    async fail(attempt, p) {
      await failAttempt(deps, attempt, p);
    },
    async release(attempt, defer) {
      await releaseAttempt(deps, attempt, defer);
    },
  };
}

/** claimedFromJob is a stored job as a worker runs it: private input merged in, as the protocol's claim hands it out. */
export function claimedFromJob(job: Job, leaseMs: number): ClaimedJob {
  return {
    id: job.id,
    type: job.type,
    input: wholeInput(job),
    attempt: job.attempts,
    maxAttempts: job.maxAttempts,
    metadata: job.metadata,
    timeoutMs: job.timeoutMs,
    leaseToken: job.leaseToken!,
    leaseMs,
    checkpoint: null,
    eventSeq: job.eventSeq,
  };
}
