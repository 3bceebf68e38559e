import {
  InputFileError,
  InvalidRequestError,
  type Job,
  type JobError,
  type JsonValue,
  LeaseLostError,
  attemptDeadline,
  leaseLostReason,
} from '../domain/index.js';
import { type FileBody, isSafeFileName } from '../files/index.js';
import { type AccountJobPage, type OutputFile, isJobFailure } from '../jobtypes/index.js';
import { type Attempt, completeAttempt, failLeasedJob, releaseAttempt, reportProgress } from './attempts.js';
import { storeAttemptFile } from './attemptFiles.js';
import { listAttemptAccountJobs, readEarlierJobFile } from './attemptReads.js';
import type { JobFilterRequest } from './jobFilterRequest.js';
import type { ServiceDeps } from './deps.js';

/**
 * The writes of the HTTP worker protocol, each under the attempt's lease (`Longrun-Lease`). They
 * are the in-process worker's use cases (attempts.ts) plus what a worker across the network needs:
 * - a stale lease answers LeaseLostError with the `reason` read from the job as stored;
 * - a repeated `complete` with the lease that completed the job answers the job (safe to retry);
 * - the job's timeoutMs bounds a remote attempt too: a heartbeat or write after the attempt's
 *   deadline (startedAt + timeoutMs) fails it with `timeout` (retryable, as in-process) and
 *   answers LeaseLostError `timeout`; a worker that goes silent loses the lease to the reaper;
 * - a heartbeat may store a checkpoint, handed to the next attempt's claim.
 */

/** MAX_CHECKPOINT_BYTES bounds a checkpoint, as JSON text: it is progress to resume from, not output. */
export const MAX_CHECKPOINT_BYTES = 64 * 1024;

/** RemoteHeartbeat is what a remote worker's heartbeat carries besides its lease. */
export interface RemoteHeartbeat {
  progress?: number;
  statusMessage?: string | null;
  /** checkpoint replaces the stored one (null clears it); absent keeps it. */
  checkpoint?: JsonValue | null;
}

/** heartbeatRemote extends the lease, stores the checkpoint, records progress when given, and marks the worker seen. */
export async function heartbeatRemote(deps: ServiceDeps, attempt: Attempt, p: RemoteHeartbeat): Promise<Job> {
  if (p.checkpoint !== undefined && p.checkpoint !== null && JSON.stringify(p.checkpoint).length > MAX_CHECKPOINT_BYTES) {
    throw InvalidRequestError.field('/checkpoint', `must be at most ${MAX_CHECKPOINT_BYTES} bytes as JSON`);
  }
  const now = deps.clock.now();
  let job = await explained(deps, attempt, deps.store.jobHeartbeat({ ...attempt, now, leaseMs: deps.config.leaseMs, checkpoint: p.checkpoint }));
  await enforceDeadline(deps, attempt, job);
  if (p.progress !== undefined || p.statusMessage !== undefined) {
    const progress = { progress: p.progress ?? job.progress, message: p.statusMessage !== undefined ? p.statusMessage : job.statusMessage };
    job = await explained(deps, attempt, reportProgress(deps, attempt, progress));
  }
  if (job.worker !== null) await deps.store.workerSeen({ id: job.worker, now });
  return job;
}

/**
 * completeRemote completes the attempt with `output`. Files the output lists (`output.files[].name`,
 * as a handler lists them) must have been uploaded for the job; their bytes are the job's `size`.
 * A repeated complete with the lease that completed the job returns the job unchanged.
 */
export async function completeRemote(deps: ServiceDeps, attempt: Attempt, p: { output: JsonValue | null }): Promise<Job> {
  const held = await heldJob(deps, attempt);
  if ('replay' in held) return held.replay;
  await enforceDeadline(deps, attempt, held.job);
  const size = await listedFilesSize(deps, attempt.id, p.output);
  const processTime = elapsedMs(deps, held.job);
  try {
    return await completeAttempt(deps, attempt, { output: p.output, size, processTime });
  } catch (error) {
    // A second complete raced this one and won: if it used this lease, this one succeeded too.
    if (!(error instanceof LeaseLostError)) throw error;
    const again = await heldJob(deps, attempt);
    if ('replay' in again) return again.replay;
    throw new LeaseLostError(attempt.id, 'superseded');
  }
}

/** failRemote fails the attempt; the service decides from the stored job whether it is retried (retryable defaults to true). */
export function failRemote(deps: ServiceDeps, attempt: Attempt, p: { error: JobError; retryable?: boolean; processTimeMs?: number }): Promise<Job> {
  return explained(deps, attempt, (async () => {
    const held = await heldJob(deps, attempt);
    if ('replay' in held) throw new LeaseLostError(attempt.id, 'superseded');
    return failLeasedJob(deps, held.job, { error: p.error, retryable: p.retryable ?? true, processTime: elapsedMs(deps, held.job) });
  })());
}

/** releaseRemote hands the job back untouched (the attempt is not counted), for a worker shutting down. */
export function releaseRemote(deps: ServiceDeps, attempt: Attempt): Promise<Job> {
  return explained(deps, attempt, releaseAttempt(deps, attempt));
}

/**
 * storeRemoteFile stores one output file of the attempt after checking its lease and deadline. A
 * job that loses its lease while the file is written keeps the file until its next attempt (which
 * starts clean) or its deletion; the job's output never lists it. `data` streams into the file
 * store; past `maxBytes` it is refused (FileTooLargeError, 413) and nothing is kept.
 */
export async function storeRemoteFile(deps: ServiceDeps, attempt: Attempt, file: { name: string; data: FileBody; maxBytes: number }): Promise<OutputFile> {
  if (!isSafeFileName(file.name)) throw InvalidRequestError.field('name', 'must be one path segment of letters, digits, . _ - (up to 128, not starting with a dot)', 'path');
  const held = await heldJob(deps, attempt);
  if ('replay' in held) throw new LeaseLostError(attempt.id, 'superseded');
  await enforceDeadline(deps, attempt, held.job);
  return storeAttemptFile(deps, attempt, file);
}

/**
 * readRemoteJobFile is readEarlierJobFile for a worker over the HTTP protocol, after checking its
 * lease: the earlier job's file of the attempt's own account, or InputFileError saying why not.
 */
export async function readRemoteJobFile(deps: ServiceDeps, attempt: Attempt, p: { fromJob: string; name: string; maxBytes: number }): Promise<Uint8Array> {
  const held = await heldJob(deps, attempt);
  if ('replay' in held) throw new LeaseLostError(attempt.id, 'superseded');
  try {
    return await readEarlierJobFile(deps, attempt, p);
  } catch (error) {
    if (!isJobFailure(error)) throw error;
    throw new InputFileError(error.message, error.code === 'input_too_large' ? 'too_large' : error.retryable ? 'not_yet' : 'missing');
  }
}

/**
 * listRemoteAccountJobs is listAttemptAccountJobs for a worker over the HTTP protocol, after
 * checking its lease: a page of the jobs of the attempt's own account (never another's: the
 * account comes from the stored job), filtered and paged as `GET /v1/jobs`.
 */
export async function listRemoteAccountJobs(
  deps: ServiceDeps,
  attempt: Attempt,
  p: JobFilterRequest & { cursor: string | null; limit: number },
): Promise<AccountJobPage> {
  const held = await heldJob(deps, attempt);
  if ('replay' in held) throw new LeaseLostError(attempt.id, 'superseded');
  return listAttemptAccountJobs(deps, { id: attempt.id, accountId: held.job.accountId }, p);
}

/** heldJob reads the job and checks the lease: the job while it holds, the job when this lease completed it, else LeaseLostError with its reason. */
async function heldJob(deps: ServiceDeps, attempt: Attempt): Promise<{ job: Job } | { replay: Job }> {
  const [record] = await deps.store.jobAttemptRecords({ ids: [attempt.id] });
  if (record && record.job.status === 'running' && record.job.leaseToken === attempt.leaseToken) return { job: record.job };
  if (record && record.job.status === 'completed' && record.lastLeaseToken === attempt.leaseToken) return { replay: record.job };
  throw new LeaseLostError(attempt.id, leaseLostReason(record ?? null, attempt.leaseToken));
}

/** explained turns a LeaseLostError without a reason into one with the reason read from the stored job. */
async function explained<T>(deps: ServiceDeps, attempt: Attempt, write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (!(error instanceof LeaseLostError) || error.reason) throw error;
    const [record] = await deps.store.jobAttemptRecords({ ids: [attempt.id] });
    throw new LeaseLostError(attempt.id, leaseLostReason(record ?? null, attempt.leaseToken));
  }
}

/** enforceDeadline fails a running attempt that ran past its timeout (`timeout`, retryable) and throws LeaseLostError `timeout`. */
async function enforceDeadline(deps: ServiceDeps, attempt: Attempt, job: Job): Promise<void> {
  const deadline = attemptDeadline(job);
  const now = deps.clock.now();
  if (deadline === null || now.getTime() <= deadline.getTime()) return;
  // `job` is the stored job under this lease (just read or just heartbeated): no second read.
  await explained(deps, attempt, failLeasedJob(deps, job, {
    error: { code: 'timeout', message: `The attempt ran past its timeout of ${job.timeoutMs} ms` },
    retryable: true,
    processTime: elapsedMs(deps, job),
  }));
  throw new LeaseLostError(attempt.id, 'timeout');
}

function elapsedMs(deps: ServiceDeps, job: Job): number {
  return job.startedAt === null ? 0 : Math.max(0, deps.clock.now().getTime() - job.startedAt.getTime());
}

/** listedFilesSize checks that every file `output.files[].name` names was stored for the job and sums their bytes. */
async function listedFilesSize(deps: ServiceDeps, jobId: string, output: JsonValue | null): Promise<number> {
  const files = output !== null && typeof output === 'object' && !Array.isArray(output) ? output.files : undefined;
  if (!Array.isArray(files) || !deps.files) return 0;
  let size = 0;
  for (const [i, entry] of files.entries()) {
    const name = entry !== null && typeof entry === 'object' && !Array.isArray(entry) ? entry.name : undefined;
    if (typeof name !== 'string') continue;
    const stat = isSafeFileName(name) ? await deps.files.fileStat({ jobId, name }) : null;
    if (!stat) throw InvalidRequestError.field(`/output/files/${i}/name`, 'names no file uploaded for this job (PUT /v1/worker/jobs/{id}/files/{name} first)');
    size += stat.size;
  }
  return size;
}
