import { FINAL_STATUSES, InvalidRequestError, type Job, type JobStatus, LongrunError, isId } from '../domain/index.js';
import type { JobFilter } from '../store/index.js';
import { cancelJob } from './cancelJob.js';
import type { Principal, ServiceDeps } from './deps.js';
import { type JobFilterRequest, jobFilterFrom } from './jobFilterRequest.js';
import { rerunJob } from './rerunJob.js';

/** BULK_LIMIT bounds the jobs one bulk request acts on; a client repeats the request for more. */
export const BULK_LIMIT = 1_000;

/** BulkAction is what a bulk request does to each job. */
export type BulkAction = 'cancel' | 'rerun';

/** The statuses each action can act on: cancel moves live jobs, rerun copies final ones. */
const ACTIONABLE: Record<BulkAction, readonly JobStatus[]> = {
  cancel: ['pending', 'running'],
  rerun: FINAL_STATUSES,
};

/** BulkRequest names the jobs by `ids` or by `filter` (exactly one), already checked against its schema. */
export interface BulkRequest {
  action: BulkAction;
  ids?: string[];
  filter?: JobFilterRequest;
  /** dryRun counts the jobs the action would touch and changes nothing. */
  dryRun?: boolean;
}

/** BulkItem is one job's outcome: `jobId` is the rerun's new job; `error` why this job was not changed. */
export interface BulkItem {
  id: string;
  ok: boolean;
  jobId?: string;
  error?: { code: string; message: string };
}

/** BulkResult says what a bulk request touched (or, in a dry run, would touch). */
export interface BulkResult {
  action: BulkAction;
  dryRun: boolean;
  /** count is the jobs this request acts on (at most BULK_LIMIT). */
  count: number;
  /** hasMore is true when a filter matches more actionable jobs than this request takes. */
  hasMore: boolean;
  /** results lists each job acted on; empty in a dry run. */
  results: BulkItem[];
}

/**
 * bulkJobs cancels or reruns up to BULK_LIMIT of the caller's jobs, each through the same use
 * case a single cancel or rerun runs (so credits, events and webhooks are the same), one after
 * another. A filter selects only the jobs the action applies to; named ids are each tried and
 * each answered, and another account's id is not found, exactly as for one job.
 */
export async function bulkJobs(deps: ServiceDeps, principal: Principal, request: BulkRequest): Promise<BulkResult> {
  if ((request.ids === undefined) === (request.filter === undefined)) {
    throw InvalidRequestError.field(request.ids === undefined ? '/filter' : '/ids', 'give exactly one of ids and filter');
  }
  const dryRun = request.dryRun === true;
  const selected = request.ids !== undefined
    ? await named(deps, principal, request.action, request.ids, dryRun)
    : await matching(deps, principal, request.action, jobFilterFrom(request.filter!));
  if (dryRun) return { action: request.action, dryRun, count: selected.ids.length, hasMore: selected.hasMore, results: [] };
  const results: BulkItem[] = [];
  for (const id of selected.ids) results.push(await actOn(deps, principal, request.action, id));
  return { action: request.action, dryRun, count: results.length, hasMore: selected.hasMore, results };
}

/** named is the ids the request named; a dry run counts only those the caller owns and the action applies to. */
async function named(deps: ServiceDeps, principal: Principal, action: BulkAction, ids: string[], dryRun: boolean) {
  const unique = [...new Set(ids)];
  if (!dryRun) return { ids: unique, hasMore: false };
  const applies: string[] = [];
  for (const id of unique) {
    const job = isId('job', id) ? await deps.store.jobGet({ id, accountId: principal.accountId }) : null;
    if (job && ACTIONABLE[action].includes(job.status)) applies.push(id);
  }
  return { ids: applies, hasMore: false };
}

/** matching pages through the filter's jobs that the action applies to, newest first, up to BULK_LIMIT. */
async function matching(deps: ServiceDeps, principal: Principal, action: BulkAction, filter: JobFilter) {
  const statuses = (filter.statuses ?? ACTIONABLE[action]).filter((s) => ACTIONABLE[action].includes(s));
  if (statuses.length === 0) return { ids: [], hasMore: false };
  const ids: string[] = [];
  let beforeId: string | undefined;
  for (;;) {
    const want = BULK_LIMIT + 1 - ids.length;
    const { jobs } = await deps.store.jobList({ ...filter, statuses, accountId: principal.accountId, limit: Math.min(want, 200), ...(beforeId ? { beforeId } : {}) });
    ids.push(...jobs.map((job: Job) => job.id));
    if (jobs.length < Math.min(want, 200) || ids.length > BULK_LIMIT) break;
    beforeId = jobs[jobs.length - 1]!.id;
  }
  return { ids: ids.slice(0, BULK_LIMIT), hasMore: ids.length > BULK_LIMIT };
}

async function actOn(deps: ServiceDeps, principal: Principal, action: BulkAction, id: string): Promise<BulkItem> {
  try {
    if (action === 'cancel') {
      await cancelJob(deps, principal, id);
      return { id, ok: true };
    }
    return { id, ok: true, jobId: (await rerunJob(deps, principal, id)).id };
  } catch (error) {
    if (!(error instanceof LongrunError)) throw error;
    return { id, ok: false, error: { code: error.code, message: error.message } };
  }
}
