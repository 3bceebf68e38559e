import { type Job, JobNotFoundError, isFinalStatus, isId } from '../domain/index.js';
import { decodeIdCursor, encodeIdCursor } from './cursor.js';
import type { Principal, ServiceDeps } from './deps.js';
import { type JobFilterRequest, jobFilterFrom } from './jobFilterRequest.js';

/** getJob returns the caller's job; another account's job is not found. */
export async function getJob(deps: ServiceDeps, principal: Principal, id: string): Promise<Job> {
  const job = isId('job', id) ? await deps.store.jobGet({ id, accountId: principal.accountId }) : null;
  if (!job) throw new JobNotFoundError(id);
  return job;
}

/** ListJobsRequest selects a page of the caller's jobs (already range-checked by the caller). */
export interface ListJobsRequest extends JobFilterRequest {
  limit: number;
  offset: number;
  cursor?: string;
}

/** JobPage is one page of jobs, newest first. */
export interface JobPage {
  jobs: Job[];
  total: number;
  /** totalCapped is true when counting stopped at TOTAL_COUNT_CAP (store/jobFilter.ts). */
  totalCapped: boolean;
  hasMore: boolean;
  /** nextCursor continues after the last job of this page; null on the last page. */
  nextCursor: string | null;
}

/** listJobs returns one page of the caller's jobs; totals come from the store's counters. */
export async function listJobs(deps: ServiceDeps, principal: Principal, request: ListJobsRequest): Promise<JobPage> {
  const beforeId = request.cursor === undefined ? undefined : decodeIdCursor(request.cursor, 'before', 'job');
  const { jobs, total, totalCapped } = await deps.store.jobList({
    ...jobFilterFrom(request),
    accountId: principal.accountId,
    limit: request.limit + 1, // one more tells whether there is a next page
    offset: request.offset,
    beforeId,
  });
  const hasMore = jobs.length > request.limit;
  const page = hasMore ? jobs.slice(0, request.limit) : jobs;
  return { jobs: page, total, totalCapped: totalCapped === true, hasMore, nextCursor: hasMore ? encodeCursor(page[page.length - 1]!.id) : null };
}

/** encodeCursor makes the opaque cursor for "after this job". */
export function encodeCursor(lastId: string): string {
  return encodeIdCursor('before', lastId);
}

/**
 * waitForJob returns the caller's job once it is final, or as it stands after `waitMs` (or when
 * `signal` fires). It wakes on the job's own change events, never by polling the store.
 */
export async function waitForJob(
  deps: ServiceDeps,
  principal: Principal,
  id: string,
  waitMs: number,
  signal?: AbortSignal,
): Promise<Job> {
  let wake!: () => void;
  const woken = new Promise<void>((resolve) => (wake = resolve));
  // Listen before reading, so a change between the read and the wait is not missed.
  const stop = deps.bus.onJob(id, (change) => {
    if (isFinalStatus(change.job.status)) wake();
  });
  try {
    const job = await getJob(deps, principal, id);
    if (isFinalStatus(job.status) || waitMs <= 0) return job;
    const timer = setTimeout(wake, waitMs);
    signal?.addEventListener('abort', wake, { once: true });
    await woken;
    clearTimeout(timer);
    signal?.removeEventListener('abort', wake);
    return await getJob(deps, principal, id);
  } finally {
    stop();
  }
}
