/**
 * The file store keeps the files jobs produce. Files belong to a job: each job has its own
 * set of named files, written whole or not at all, and removed together with the job. Three
 * drivers implement it (docs/design.md, "Output files"): a local folder (LocalFileStore), chunks in
 * the PostgreSQL database (src/store/postgres/fileChunks.ts) and any S3-compatible store
 * (S3FileStore); the last two serve every machine alike.
 */
import type { Readable } from 'node:stream';
import { InvalidRequestError, PayloadTooLargeError, isId } from '../domain/index.js';

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

/** FileBody is a file's bytes: whole, or as a stream (a Node Readable is an async iterable of Buffers). */
export type FileBody = Uint8Array | AsyncIterable<Uint8Array>;

/** FileWrite is one file to store: whose, its name, its bytes and what may be refused. */
export interface FileWrite {
  jobId: string;
  name: string;
  body: FileBody;
  /** contentType is the file's media type (see assertContentType); default: from the name's extension. */
  contentType?: string;
  /**
   * maxBytes bounds the file: once the body passes it, the write stops with FileTooLargeError and
   * keeps nothing (an earlier file of the same name stays). Default: no bound.
   */
  maxBytes?: number;
}

/** FileStore keeps a job's output files. Every method validates its job id and file name. */
export interface FileStore {
  /**
   * fileWrite stores a file from its body as it arrives, holding at most one chunk of it in memory,
   * and replaces one of the same name only once the whole body is stored: a reader sees the old
   * file or the new one, never a part. A body that fails (or passes maxBytes) leaves nothing behind.
   */
  fileWrite(p: FileWrite): Promise<StoredFile>;
  /** filePut writes a file whole from a buffer (fileWrite with `body: data`). */
  filePut(p: { jobId: string; name: string; data: Uint8Array; contentType?: string }): Promise<StoredFile>;
  /** fileStat describes a file, or returns null when the job has no file of that name. */
  fileStat(p: { jobId: string; name: string }): Promise<StoredFile | null>;
  /** fileRead streams a file, or the inclusive `range` of it; null when there is no such file. */
  fileRead(p: { jobId: string; name: string; range?: FileRange }): Promise<Readable | null>;
  /**
   * fileReadUrl, where a driver has one, is a URL that reads the file without credentials for a
   * while (S3's presigned GET, when redirects are on), or null; the API then answers a download
   * with a redirect to it. The file is not checked: ask fileStat first.
   */
  fileReadUrl?(p: { jobId: string; name: string }): Promise<string | null>;
  /** deleteJobFiles removes every file of the job; a job without files is not an error. */
  deleteJobFiles(jobId: string): Promise<void>;
  /** close releases what the store holds (the local driver holds nothing). */
  close(): Promise<void>;
}

/** FileTooLargeError: a file's body passed the write's maxBytes; nothing of it was kept. */
export class FileTooLargeError extends PayloadTooLargeError {
  constructor(readonly fileName: string, readonly maxBytes: number) {
    super(`The file ${fileName} is larger than the limit of ${maxBytes} bytes`);
  }
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

// type/subtype with optional parameters, printable ASCII only (it goes into a header as it is).
const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}(\s*;[\x20-\x7e]*)?$/;

/** assertContentType throws InvalidRequestError (naming `field`) unless `type` is a media type such as `text/plain; charset=utf-8`. */
export function assertContentType(type: string, field = 'contentType'): void {
  if (type.length > 200 || !MEDIA_TYPE.test(type)) {
    throw InvalidRequestError.field(field, `${JSON.stringify(type.slice(0, 100))} is not a media type (type/subtype, up to 200 characters)`);
  }
}

const CONTENT_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  avif: 'image/avif',
  json: 'application/json',
  txt: 'text/plain; charset=utf-8',
  html: 'text/html; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  ndjson: 'application/x-ndjson',
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
