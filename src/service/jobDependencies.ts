import { type Job, InvalidRequestError, checkAfterShape } from '../domain/index.js';
import type { ServiceDeps } from './deps.js';
import { failRounds } from './failRounds.js';
import { type QueuePlace, queuePlace } from './scheduling.js';

/**
 * checkAfter checks a create's `after` (domain/dependencies.ts checkAfterShape) and that each id
 * is a job of the caller's account, read by `findJob` (the create's, which a batch shares so
 * each id is read once): an unknown id and another account's job are refused alike, 400 naming
 * the entry, so a key learns nothing of other accounts. A job that already failed or was
 * cancelled is accepted: the new job then fails with `dependency_failed` as it would have had it
 * been created a moment earlier. Returns the ids.
 */
export async function checkAfter(after: unknown, findJob: (id: string) => Promise<Job | null>): Promise<string[]> {
  checkAfterShape(after);
  const found = await Promise.all(after.map(findJob));
  const missing = found.findIndex((job) => job === null);
  if (missing >= 0) throw InvalidRequestError.field(`/after/${missing}`, `no job ${after[missing]} in this account`);
  return after;
}

/**
 * failBlocked fails the pending jobs that wait for a job that failed, was cancelled or is gone,
 * with `dependency_failed` (refunded in full, with their `job.failed` webhook, as any failure),
 * and tells this process's listeners, in rounds (failRounds) until one fails none: each round's
 * failures may block the jobs waiting for them. Returns how many jobs it failed.
 */
export function failBlocked(deps: ServiceDeps, p: { limit: number; maxBatches: number }): Promise<number> {
  return failRounds(deps, { ...p, untilNone: true }, (now, limit) => deps.store.jobFailBlocked({ now, limit }));
}

/**
 * waitingForOf reads what each of `jobs` still waits for: only pending jobs created with `after`
 * are asked about (one store read for them all, none when there are none).
 */
export function waitingForOf(deps: ServiceDeps, jobs: readonly Job[]): Promise<Map<string, string[]>> {
  const waiting = jobs.filter((job) => job.after !== null && job.status === 'pending').map((job) => job.id);
  return waiting.length === 0 ? Promise.resolve(new Map()) : deps.store.jobWaitingFor(waiting);
}

/** JobStanding is where a single read's job stands: what it still waits for, and its place in its queue once it waits for nothing. */
export interface JobStanding {
  waits: Map<string, string[]>;
  place: QueuePlace | null;
}

/**
 * jobStanding reads a job's standing for its view: a pending job still waiting for another has
 * no place in its queue yet (the claim passes over it), so only the others' places are read.
 */
export async function jobStanding(deps: ServiceDeps, job: Job): Promise<JobStanding> {
  const waits = await waitingForOf(deps, [job]);
  return { waits, place: waits.has(job.id) ? null : await queuePlace(deps, job) };
}
