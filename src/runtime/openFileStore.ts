import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FileStore, LocalFileStore, S3FileStore, type S3Settings } from '../files/index.js';
import type { Store } from '../store/index.js';

/**
 * FilesChoice picks the file store driver (`--files`, LONGRUN_FILES):
 * - `local`: a folder on this machine (`folder`; default `<dataDir>/files`); other machines see
 *   its files only through a shared volume;
 * - `postgres`: chunks in the store's own PostgreSQL database, on the store's pool;
 * - `s3`: objects in an S3-compatible bucket; `s3.redirectSeconds` > 0 answers a download with a
 *   `302` to a presigned GET valid that long, so the bytes do not pass through the API node.
 */
export type FilesChoice =
  | { kind: 'local'; folder?: string }
  | { kind: 'postgres'; chunkBytes?: number }
  | { kind: 's3'; s3: S3Settings };

/** FILE_DRIVERS are the `--files` values. */
export const FILE_DRIVERS = ['local', 'postgres', 's3'] as const;

/**
 * openFileStore opens the file store `choice` names; it is the one place a process picks its file
 * store driver. A string is a local folder as before (`file:PATH`, `file:///PATH` or a plain path;
 * another scheme is refused with its reason), null a temporary folder that close() removes (tests,
 * `sqlite::memory:`). `postgres` needs `store` to keep files (store.databaseFiles); `s3` checks
 * that its bucket answers before it is used, so a wrong endpoint or key stops the process at once.
 */
export async function openFileStore(choice: FilesChoice | string | null, store?: Store): Promise<FileStore> {
  if (choice === null) return new TemporaryFileStore(await mkdtemp(join(tmpdir(), 'longrun-files-')));
  if (typeof choice === 'string') return new LocalFileStore(localFolder(choice));
  switch (choice.kind) {
    case 'local':
      return openFileStore(choice.folder ?? null);
    case 'postgres': {
      const files = store?.databaseFiles({ chunkBytes: choice.chunkBytes });
      if (!files) throw new Error(`--files postgres keeps files in a PostgreSQL database, and this process's --db is ${store ? `a ${store.driver} store` : 'not open'}; use --files local or s3`);
      return files;
    }
    case 's3': {
      let files: S3FileStore;
      try {
        files = new S3FileStore(choice.s3);
      } catch (error) {
        throw new Error(`--files s3: ${(error as Error).message}`);
      }
      await files.checkBucket();
      return files;
    }
  }
}

function localFolder(location: string): string {
  let folder = location;
  if (location.startsWith('file://')) folder = fileURLToPath(location);
  else if (location.startsWith('file:')) folder = location.slice('file:'.length);
  else {
    // Two or more letters before a colon is a scheme; one is a Windows drive (C:\data).
    const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(location);
    if (scheme) throw new Error(`file store ${location}: ${scheme[1]}: is not a kind of file store this build has (use file:PATH or a folder; --files picks local, postgres or s3)`);
  }
  if (folder === '') throw new Error(`file store ${JSON.stringify(location)}: no folder given (use file:PATH or a folder)`);
  return folder;
}

/** TemporaryFileStore is a local file store in a folder of its own, removed with its files on close. */
class TemporaryFileStore extends LocalFileStore {
  constructor(private readonly folder: string) {
    super(folder);
  }

  override async close(): Promise<void> {
    await super.close();
    await rm(this.folder, { recursive: true, force: true });
  }
}
