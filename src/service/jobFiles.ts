import type { Readable } from 'node:stream';
import { NotFoundError, RangeNotSatisfiableError } from '../domain/index.js';
import type { FileRange, StoredFile } from '../files/index.js';
import { isSafeFileName } from '../files/index.js';
import type { Principal, ServiceDeps } from './deps.js';
import { getJob } from './readJobs.js';

/** JobFileDownload is a file to send: what it is, the range chosen (if any), and its bytes. */
export interface JobFileDownload {
  file: StoredFile;
  /** range is the inclusive byte range sent, or null for the whole file. */
  range: FileRange | null;
  /** body streams the bytes; null when only the headers were asked for. */
  body: Readable | null;
}

/**
 * openJobFile finds an output file of the caller's completed job. Another account's job, a job
 * that has not completed, and a name the job does not have are all not found. `range` is a
 * parsed `Range` header (see parseByteRange); one that starts past the end is refused with 416.
 */
export async function openJobFile(
  deps: ServiceDeps,
  principal: Principal,
  p: { jobId: string; name: string; range?: ByteRangeRequest | null; headOnly?: boolean },
): Promise<JobFileDownload> {
  const job = await getJob(deps, principal, p.jobId);
  const missing = () => new NotFoundError(`Job ${job.id} has no file ${JSON.stringify(p.name.slice(0, 200))}`);
  if (job.status !== 'completed' || !deps.files || !isSafeFileName(p.name)) throw missing();
  const file = await deps.files.fileStat({ jobId: job.id, name: p.name });
  if (!file) throw missing();
  const range = p.range ? resolveRange(p.range, file.size) : null;
  if (p.headOnly) return { file, range, body: null };
  const body = await deps.files.fileRead({ jobId: job.id, name: p.name, range: range ?? undefined });
  if (!body) throw missing();
  return { file, range, body };
}

/** ByteRangeRequest is one `bytes=` range as sent: `start-end`, `start-` or `-suffix`. */
export type ByteRangeRequest = { start: number; end: number | null } | { suffix: number };

/**
 * parseByteRange reads a `Range` header. Only one `bytes=` range is honoured; anything else
 * (several ranges, another unit, a malformed value) is null, and the whole file is sent, as
 * RFC 9110 §14.2 allows.
 */
export function parseByteRange(header: string | undefined): ByteRangeRequest | null {
  const match = header === undefined ? null : /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/.exec(header);
  if (!match) return null;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return null;
  if (first === '') return { suffix: Number(last) };
  const start = Number(first);
  const end = last === '' ? null : Number(last);
  if (!Number.isSafeInteger(start) || (end !== null && (!Number.isSafeInteger(end) || end < start))) return null;
  return { start, end };
}

function resolveRange(request: ByteRangeRequest, size: number): FileRange | null {
  if ('suffix' in request) {
    if (request.suffix === 0) throw new RangeNotSatisfiableError(size);
    return size === 0 ? null : { start: Math.max(0, size - request.suffix), end: size - 1 };
  }
  if (request.start >= size) throw new RangeNotSatisfiableError(size);
  return { start: request.start, end: Math.min(size - 1, request.end ?? size - 1) };
}
