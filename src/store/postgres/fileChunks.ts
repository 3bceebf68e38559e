import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  type FileRange,
  type FileStore,
  type FileWrite,
  type StoredFile,
  assertContentType,
  assertFileKey,
  boundedChunks,
  contentTypeOf,
  fixedChunks,
} from '../../files/index.js';
import type { Db } from './db.js';
import { LOCK_CLASS_FILES } from './names.js';

/** DEFAULT_CHUNK_BYTES is the size of one stored chunk: 1 MiB, big enough for speed, small enough to hold. */
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;

// One named query per operation (see migrations/0009_file_chunks.sql for the tables).
const SQL = {
  // $1 blob, $2 seq, $3 job, $4 bytes.
  chunkInsert: 'INSERT INTO job_file_chunks (blob_id, seq, job_id, data) VALUES ($1, $2, $3, $4)',
  // $1 blob: what an upload that failed had stored.
  blobDelete: 'DELETE FROM job_file_chunks WHERE blob_id = $1',
  // $1 job, $2 name: writers of one file take turns (the lock ends with the transaction).
  fileLock: `SELECT pg_advisory_xact_lock(${LOCK_CLASS_FILES}, hashtext($1 || '/' || $2))`,
  // $1 job, $2 name.
  fileGet: 'SELECT blob_id, content_type, size, chunk_bytes FROM job_files WHERE job_id = $1 AND name = $2',
  // $1 job, $2 name, $3 blob, $4 content type, $5 size, $6 chunk bytes.
  fileUpsert: `
    INSERT INTO job_files (job_id, name, blob_id, content_type, size, chunk_bytes) VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (job_id, name) DO UPDATE
      SET blob_id = EXCLUDED.blob_id, content_type = EXCLUDED.content_type, size = EXCLUDED.size,
          chunk_bytes = EXCLUDED.chunk_bytes, created_at = now()`,
  // $1 blob, $2 seq, $3 first byte (1-based, as substring counts), $4 length: only the slices asked for are read.
  chunkRead: 'SELECT substring(data FROM $3 FOR $4) AS data FROM job_file_chunks WHERE blob_id = $1 AND seq = $2',
  // $1 job: its files, then every chunk (an upload in progress or one that died included).
  jobFilesDelete: ['DELETE FROM job_files WHERE job_id = $1', 'DELETE FROM job_file_chunks WHERE job_id = $1'],
};

type FileRow = { blob_id: string; content_type: string; size: number; chunk_bytes: number };

/**
 * PostgresFileStore keeps jobs' files in the store's own database, in chunks (`--files
 * postgres`): every API node and worker on the database reads the same files, with no shared
 * folder or object store. It runs on the store's pool, so it opens no connection of its own and
 * close() leaves the pool to the store. A file's job must exist; the files go with it.
 */
export class PostgresFileStore implements FileStore {
  constructor(
    private readonly db: Db,
    private readonly chunkBytes: number = DEFAULT_CHUNK_BYTES,
  ) {}

  async fileWrite(p: FileWrite): Promise<StoredFile> {
    assertFileKey(p.jobId, p.name);
    if (p.contentType !== undefined) assertContentType(p.contentType);
    const contentType = p.contentType ?? contentTypeOf(p.name);
    const blobId = randomBytes(12).toString('hex');
    let size = 0;
    let seq = 0;
    try {
      for await (const chunk of fixedChunks(boundedChunks(p.body, p.name, p.maxBytes), this.chunkBytes)) {
        await this.db.rows(SQL.chunkInsert, [blobId, seq++, p.jobId, chunk]);
        size += chunk.byteLength;
      }
      await this.db.tx('write', async (tx) => {
        await tx.rows(SQL.fileLock, [p.jobId, p.name]);
        const old = await tx.one<FileRow>(SQL.fileGet, [p.jobId, p.name]);
        await tx.run(SQL.fileUpsert, [p.jobId, p.name, blobId, contentType, size, this.chunkBytes]);
        if (old) await tx.run(SQL.blobDelete, [old.blob_id]);
      });
    } catch (error) {
      // Best effort: chunks left by a lost connection go with the job.
      await this.db.rows(SQL.blobDelete, [blobId]).catch(() => undefined);
      throw error;
    }
    return { name: p.name, contentType, size };
  }

  filePut(p: { jobId: string; name: string; data: Uint8Array; contentType?: string }): Promise<StoredFile> {
    return this.fileWrite({ jobId: p.jobId, name: p.name, body: p.data, contentType: p.contentType });
  }

  async fileStat(p: { jobId: string; name: string }): Promise<StoredFile | null> {
    assertFileKey(p.jobId, p.name);
    const row = await this.db.one<FileRow>(SQL.fileGet, [p.jobId, p.name]);
    return row ? { name: p.name, contentType: row.content_type, size: row.size } : null;
  }

  async fileRead(p: { jobId: string; name: string; range?: FileRange }): Promise<Readable | null> {
    assertFileKey(p.jobId, p.name);
    const row = await this.db.one<FileRow>(SQL.fileGet, [p.jobId, p.name]);
    if (!row) return null;
    const start = p.range?.start ?? 0;
    const end = Math.min(p.range?.end ?? row.size - 1, row.size - 1);
    return Readable.from(this.chunks(row, start, end), { objectMode: false });
  }

  async deleteJobFiles(jobId: string): Promise<void> {
    assertFileKey(jobId);
    await this.db.tx('write', async (tx) => {
      for (const sql of SQL.jobFilesDelete) await tx.run(sql, [jobId]);
    });
  }

  async close(): Promise<void> {}

  /** chunks reads bytes start..end (inclusive) of the blob, one chunk per round trip, only the chunks they fall in. */
  private async *chunks(file: FileRow, start: number, end: number): AsyncGenerator<Buffer> {
    for (let seq = Math.floor(start / file.chunk_bytes); start <= end; seq++) {
      const chunkStart = seq * file.chunk_bytes;
      const from = start - chunkStart;
      const length = Math.min(end, chunkStart + file.chunk_bytes - 1) - start + 1;
      const row = await this.db.one<{ data: Buffer }>(SQL.chunkRead, [file.blob_id, seq, from + 1, length]);
      // The file was replaced or deleted while it was read: end the stream with an error, not short.
      if (!row || row.data.byteLength !== length) throw new Error('the file was replaced or deleted while it was being read');
      yield row.data;
      start += length;
    }
  }
}
