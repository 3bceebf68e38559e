/**
 * What a running attempt may read of its own account (the account of the job it runs): an earlier
 * job's file, and pages of the account's jobs. The account always comes from the attempt's job,
 * never from the handler, so a handler cannot read another account's jobs or files.
 */
import { type JobFilterRequest, isId } from '../domain/index.js';
import { isSafeFileName } from '../files/index.js';
import { type AccountJobPage, JobFailure } from '../jobtypes/index.js';
import type { Attempt } from './attempts.js';
import type { ServiceDeps } from './deps.js';
import { listJobs } from './readJobs.js';

/**
 * readEarlierJobFile reads, for a running attempt, a file of an earlier job of the same account
 * (an input's `{ fromJob, file }`): whole, and at most `maxBytes`. The account is the attempt's
 * own job's, so a job id from another account reads as missing, as it does over the API. It
 * fails the attempt with `input_file_missing` (retryable while the earlier job may still
 * complete, final once it cannot) or `input_too_large`.
 */
export async function readEarlierJobFile(
  deps: Pick<ServiceDeps, 'store' | 'files'>,
  attempt: Pick<Attempt, 'id'>,
  p: { fromJob: string; name: string; maxBytes: number },
): Promise<Uint8Array> {
  const own = await deps.store.jobGet({ id: attempt.id });
  const source = own && isId('job', p.fromJob) ? await deps.store.jobGet({ id: p.fromJob, accountId: own.accountId }) : null;
  if (!source) throw new JobFailure('input_file_missing', `The job ${p.fromJob} does not exist (any more) in this account`, false);
  if (source.status !== 'completed') {
    const waiting = source.status === 'pending' || source.status === 'running';
    throw new JobFailure('input_file_missing', `The job ${p.fromJob} is ${source.status}, not completed, so its file ${p.name} is not there`, waiting);
  }
  const stat = deps.files && isSafeFileName(p.name) ? await deps.files.fileStat({ jobId: source.id, name: p.name }) : null;
  if (!stat) throw new JobFailure('input_file_missing', `The job ${p.fromJob} has no file ${p.name}`, false);
  if (stat.size > p.maxBytes) throw new JobFailure('input_too_large', `The file ${p.name} of ${p.fromJob} is ${stat.size} bytes; the limit is ${p.maxBytes}`, false);
  const body = await deps.files!.fileRead({ jobId: source.id, name: p.name });
  if (!body) throw new JobFailure('input_file_missing', `The job ${p.fromJob} has no file ${p.name}`, false);
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/**
 * listAttemptAccountJobs returns a page of the attempt's account's jobs, newest first, as
 * `GET /v1/jobs` would (the same filter, the same cursor), without their private input or lease.
 * The account is the stored job's: given as `accountId` by a caller that has just read the job,
 * else read here.
 */
export async function listAttemptAccountJobs(
  deps: ServiceDeps,
  attempt: Pick<Attempt, 'id'> & { accountId?: string },
  p: JobFilterRequest & { cursor: string | null; limit: number },
): Promise<AccountJobPage> {
  const accountId = attempt.accountId ?? (await deps.store.jobGet({ id: attempt.id }))?.accountId;
  if (!accountId) throw new Error(`The job ${attempt.id} is gone`);
  const principal = { accountId, apiKeyId: null, apiKeyUsed: null };
  const { cursor, ...filter } = p;
  const page = await listJobs(deps, principal, { ...filter, offset: 0, cursor: cursor ?? undefined });
  return { jobs: page.jobs.map(({ privateInput: _private, leaseToken: _lease, ...job }) => job), nextCursor: page.nextCursor, total: page.total };
}
