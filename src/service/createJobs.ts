import { type Job, InsufficientCreditsError, InvalidRequestError, LongrunError } from '../domain/index.js';
import type { JobInsertParams } from '../store/index.js';
import { type CreateJobRequest, idempotencyRecord, newPreparedLookups, prepareJob, requestHash } from './createJob.js';
import type { Principal, ServiceDeps } from './deps.js';

/** MAX_BATCH_JOBS is the most jobs one batch create may hold. */
export const MAX_BATCH_JOBS = 1000;

/**
 * createJobs creates a batch of jobs for one account, all or nothing: each request is checked as
 * createJob checks one (a problem names its field under `/jobs/<index>`), and then all are
 * written in one transaction, each charged its own cost, or none when the account cannot pay for
 * them all. One Idempotency-Key stands for the whole batch: the same key and batch within the
 * key's lifetime replays the jobs first made (`replayed`); another batch with it is a conflict.
 */
export async function createJobs(
  deps: ServiceDeps,
  principal: Principal,
  requests: readonly CreateJobRequest[],
  options: { idempotencyKey?: string } = {},
): Promise<{ jobs: Job[]; replayed: boolean }> {
  if (requests.length === 0 || requests.length > MAX_BATCH_JOBS) {
    throw InvalidRequestError.field('/jobs', `must hold 1 to ${MAX_BATCH_JOBS} jobs`);
  }
  const jobs: Job[] = [];
  const lookups = newPreparedLookups();
  for (const [index, request] of requests.entries()) {
    jobs.push(await prepareJob(deps, principal, request, { lookups }).catch((error: unknown) => Promise.reject(atItem(error, index))));
  }
  const hash = options.idempotencyKey === undefined ? null : requestHash({ jobs: requests });
  const items: JobInsertParams[] = jobs.map((job, index) => ({
    job,
    idempotency: options.idempotencyKey === undefined ? null : idempotencyRecord(deps, itemKey(options.idempotencyKey, index), hash!, job.createdAt),
  }));
  let written: { job: Job; replayed: boolean }[];
  try {
    written = await deps.store.jobInsertAll(items);
  } catch (error) {
    if (!(error instanceof InsufficientCreditsError)) throw error;
    const account = await deps.store.accountGet({ id: principal.accountId });
    const total = jobs.reduce((sum, job) => sum + job.creditsCharged, 0);
    throw new InsufficientCreditsError(total, account?.creditBalance ?? null, `This batch of ${jobs.length} jobs`);
  }
  for (const { job, replayed } of written) if (!replayed) deps.bus.publish({ kind: 'created', job });
  return { jobs: written.map((w) => w.job), replayed: written.every((w) => w.replayed) };
}

/**
 * itemKey is the idempotency key the store records for the batch's job at `index`: the batch's
 * first job under the key itself, each other under the key, a line feed and its index. A client's
 * key comes from an HTTP header, which cannot hold a line feed, so no single create can take one.
 */
function itemKey(key: string, index: number): string {
  return index === 0 ? key : `${key}\n${index}`;
}

/** atItem names the batch item in a refusal of one of its jobs: `/input/url` becomes `/jobs/3/input/url`. */
function atItem(error: unknown, index: number): unknown {
  if (!(error instanceof LongrunError)) return error;
  error.message = `jobs[${index}]: ${error.message}`;
  error.errors = error.errors?.map((problem) => (problem.in ? problem : { ...problem, path: `/jobs/${index}${problem.path}` }));
  return error;
}
