import type { Readable } from 'node:stream';
import { type Job, NotFoundError, RangeNotSatisfiableError } from '../domain/index.js';
import type { FileRange, StoredFile } from '../files/index.js';
import { isSafeFileName } from '../files/index.js';
import type { Principal, ServiceDeps } from './deps.js';
import { getJob } from './readJobs.js';

/** JobFileDownload is a file to send: what it is, the range chosen (if any), and its bytes. */
export interface JobFileDownload {
  file: StoredFile;
  /** range is the inclusive byte range sent, or null for the whole file. */
  range: FileRange | null;
  /** body streams the bytes; null when only the file's facts were asked for (`metadataOnly`) or `redirect` is set. */
  body: Readable | null;
  /** redirect is a URL that serves the file itself for a while (the file store's, see fileReadUrl); null: send `body`. */
  redirect: string | null;
}

/**
 * openJobFile finds an output file of the caller's completed job. Another account's job, a job
 * that has not completed, and a name the job does not have are all not found. `range` is the
 * bytes asked for; a range that starts past the end is refused (RangeNotSatisfiableError). When
 * the file store hands out URLs that read the file (S3 with redirects on), a download gets that
 * URL instead of the bytes, and the client sends its range there.
 */
export async function openJobFile(
  deps: ServiceDeps,
  principal: Principal,
  p: { jobId: string; name: string; range?: ByteRangeRequest | null; metadataOnly?: boolean },
): Promise<JobFileDownload> {
  const job = await getJob(deps, principal, p.jobId);
  const missing = () => new NotFoundError(`Job ${job.id} has no file ${JSON.stringify(p.name.slice(0, 200))}`);
  if (job.status !== 'completed' || !deps.files || !isSafeFileName(p.name)) throw missing();
  const file = await deps.files.fileStat({ jobId: job.id, name: p.name });
  if (!file) throw missing();
  const range = p.range ? resolveRange(p.range, file.size) : null;
  if (p.metadataOnly) return { file, range, body: null, redirect: null };
  const redirect = (await deps.files.fileReadUrl?.({ jobId: job.id, name: p.name })) ?? null;
  if (redirect) return { file, range: null, body: null, redirect };
  const body = await deps.files.fileRead({ jobId: job.id, name: p.name, range: range ?? undefined });
  if (!body) throw missing();
  return { file, range, body, redirect: null };
}

/**
 * jobFileBytes reads a whole output file of a completed job the caller already holds (a dialect
 * that shows results inline); null when the job has not completed or has no such file.
 */
export async function jobFileBytes(deps: ServiceDeps, job: Job, name: string): Promise<Buffer | null> {
  if (job.status !== 'completed' || !deps.files || !isSafeFileName(name)) return null;
  const body = await deps.files.fileRead({ jobId: job.id, name });
  if (!body) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/**
 * ByteRangeRequest is the bytes a download asks for, before the file's size is known: from
 * `start` to `end` inclusive (or to the end of the file when `end` is null), or the last `suffix`
 * bytes.
 */
export type ByteRangeRequest = { start: number; end: number | null } | { suffix: number };

function resolveRange(request: ByteRangeRequest, size: number): FileRange | null {
  if ('suffix' in request) {
    if (request.suffix === 0) throw new RangeNotSatisfiableError(size);
    return size === 0 ? null : { start: Math.max(0, size - request.suffix), end: size - 1 };
  }
  if (request.start >= size) throw new RangeNotSatisfiableError(size);
  return { start: request.start, end: Math.min(size - 1, request.end ?? size - 1) };
}
