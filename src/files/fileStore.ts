/**
 * The file store keeps the files jobs produce. Files belong to a job: each job has its own
 * folder of named files, written whole or not at all, and removed together with the job.
 * The interface is what an object store driver will implement later; until then, API nodes and
 * workers on several machines must share the data dir (docs/design.md, "Output files").
 */
import type { Readable } from 'node:stream';
import { isId } from '../domain/index.js';

/** StoredFile describes one stored file. */
export interface StoredFile {
  name: string;
  contentType: string;
  size: number;
}

/** FileRange is an inclusive byte range, as in an HTTP `Range: bytes=start-end`. */
export interface FileRange {
  start: number;
  end: number;
}

/** FileStore keeps a job's output files. Every method validates its job id and file name. */
export interface FileStore {
  /** filePut writes a file whole (a reader never sees half of it), replacing one of the same name. */
  filePut(p: { jobId: string; name: string; data: Uint8Array }): Promise<StoredFile>;
  /** fileStat describes a file, or returns null when the job has no file of that name. */
  fileStat(p: { jobId: string; name: string }): Promise<StoredFile | null>;
  /** fileRead streams a file, or the inclusive `range` of it; null when there is no such file. */
  fileRead(p: { jobId: string; name: string; range?: FileRange }): Promise<Readable | null>;
  /** deleteJobFiles removes every file of the job; a job without files is not an error. */
  deleteJobFiles(jobId: string): Promise<void>;
  /** close releases what the store holds (the local driver holds nothing). */
  close(): Promise<void>;
}

/** InvalidFileNameError: a job id or file name that could leave its folder or is not ours. */
export class InvalidFileNameError extends Error {
  override readonly name = 'InvalidFileNameError';
}

// One path segment of plain characters: no separators, no leading dot (so no `.`, `..` or
// hidden files), no control characters, nothing a shell or a URL would need to escape.
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** isSafeFileName tells whether `name` can name a stored file. */
export function isSafeFileName(name: string): boolean {
  return FILE_NAME.test(name) && !name.includes('..');
}

/** assertFileKey throws InvalidFileNameError unless the job id and name are safe to use in a path. */
export function assertFileKey(jobId: string, name?: string): void {
  if (!isId('job', jobId)) throw new InvalidFileNameError(`${JSON.stringify(jobId)} is not a job id`);
  if (name !== undefined && !isSafeFileName(name)) {
    throw new InvalidFileNameError(`${JSON.stringify(name)} is not a safe file name (letters, digits, . _ -, up to 128)`);
  }
}

const CONTENT_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  json: 'application/json',
  txt: 'text/plain; charset=utf-8',
  html: 'text/html; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  zip: 'application/zip',
};

/**
 * contentTypeOf names a file's media type from its extension. The store keeps no side file of
 * metadata: the name says the type, so a file written by any process reads back alike.
 */
export function contentTypeOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return (dot > 0 && CONTENT_TYPES[name.slice(dot + 1).toLowerCase()]) || 'application/octet-stream';
}
