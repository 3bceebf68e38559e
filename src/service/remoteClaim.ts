import { ForbiddenError, type Job, type JsonValue, newId } from '../domain/index.js';
import { claimJobs, releaseAttempt } from './attempts.js';
import { claimWakeup } from './claimWakeups.js';
import type { ServiceDeps } from './deps.js';
import type { WorkerPrincipal } from './workerKeys.js';

/**
 * The claim of the HTTP worker protocol: a remote worker long-polls for up to `waitMs` and is
 * answered at once when a job of a type it serves is created or handed back, in this process or
 * (through the store feed, LISTEN/NOTIFY on PostgreSQL) in any other. The wait wakes on the event
 * bus, never on a polling timer.
 */

/** RemoteClaim is what a remote worker asks for. */
export interface RemoteClaim {
  /** workerId names the worker (reused across its claims); absent, one is made and returned. */
  workerId?: string;
  /** types narrows the claim to some of the key's types; absent, all of them. */
  types?: readonly string[];
  /** max is how many jobs it takes at most (1–32). */
  max: number;
  /** waitMs is how long to wait for a job when none is due (0–20 s). */
  waitMs: number;
  /** host is where the worker runs, as it says or as the API saw the call; concurrency its slots. */
  host: string | null;
  concurrency?: number;
}

/** ClaimedAttempt is one claimed job with the checkpoint an earlier attempt stored (null when none). */
export interface ClaimedAttempt {
  job: Job;
  checkpoint: JsonValue | null;
}


/**
 * claimForRemoteWorker records the worker as seen, then claims up to `max` due jobs of its types,
 * highest priority first, waiting up to `waitMs` for one. When `signal` fires (the client went
 * away, the server stops) it stops waiting, and jobs claimed after it fired are handed back at
 * once so they are not leased to nobody. Throws ForbiddenError for a type outside the key's.
 */
export async function claimForRemoteWorker(
  deps: ServiceDeps,
  worker: WorkerPrincipal,
  p: RemoteClaim,
  signal?: AbortSignal,
): Promise<{ workerId: string; attempts: ClaimedAttempt[] }> {
  const types = p.types ?? worker.types;
  types.forEach((type, i) => {
    if (!worker.types.includes(type)) throw new ForbiddenError(`types/${i}: this worker key may not claim ${JSON.stringify(type)}`);
  });
  const workerId = p.workerId ?? newId('wrk');
  const now = deps.clock.now();
  await deps.store.workerRecord({
    worker: { id: workerId, keyId: worker.keyId, name: worker.name, host: p.host, types: [...types], concurrency: p.concurrency ?? p.max, now },
  });
  const jobs = await claimWaiting(deps, { workerId, types, max: p.max, waitMs: p.waitMs }, signal);
  if (signal?.aborted && jobs.length > 0) {
    await Promise.all(jobs.map((job) => releaseAttempt(deps, { id: job.id, leaseToken: job.leaseToken ?? '' }).catch(() => undefined)));
    return { workerId, attempts: [] };
  }
  const records = jobs.length === 0 ? [] : await deps.store.jobAttemptRecords({ ids: jobs.map((job) => job.id) });
  const checkpoints = new Map(records.map((r) => [r.job.id, r.checkpoint]));
  return { workerId, attempts: jobs.map((job) => ({ job, checkpoint: checkpoints.get(job.id) ?? null })) };
}

/** claimWaiting claims, and while nothing is due waits for a waking change of a served type, until `waitMs` pass. */
async function claimWaiting(
  deps: ServiceDeps,
  p: { workerId: string; types: readonly string[]; max: number; waitMs: number },
  signal?: AbortSignal,
): Promise<Job[]> {
  const deadline = performance.now() + p.waitMs;
  for (;;) {
    let wake!: () => void;
    const woken = new Promise<void>((resolve) => (wake = resolve));
    let dueTimer: NodeJS.Timeout | undefined;
    // Listen before claiming, so a job created between the claim and the wait is not missed.
    const stop = deps.bus.onSignal((signal) => {
      const at = claimWakeup(deps, signal, p.types);
      if (!at) return;
      const dueInMs = at.getTime() - deps.clock.now().getTime();
      if (dueInMs <= 0) return wake();
      // A retry (or a job made to run later) becomes due without another change: wake then.
      if (dueTimer === undefined && dueInMs < deadline - performance.now()) dueTimer = setTimeout(wake, dueInMs);
    });
    let waitTimer: NodeJS.Timeout | undefined;
    try {
      const jobs = await claimJobs(deps, { workerId: p.workerId, types: p.types, limit: p.max });
      const left = deadline - performance.now();
      if (jobs.length > 0 || left <= 0 || signal?.aborted) return jobs;
      waitTimer = setTimeout(wake, left);
      signal?.addEventListener('abort', wake, { once: true });
      await woken;
      if (signal?.aborted) return [];
    } finally {
      stop();
      clearTimeout(waitTimer);
      clearTimeout(dueTimer);
      signal?.removeEventListener('abort', wake);
    }
  }
}
