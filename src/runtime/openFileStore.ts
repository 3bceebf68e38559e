import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FileStore, LocalFileStore } from '../files/index.js';

/**
 * openFileStore opens the file store at `location`; it is the one place a process picks its file
 * store driver. `file:PATH`, `file:///PATH` or a plain path is a local folder (LocalFileStore);
 * null is a temporary folder that close() removes (tests, `sqlite::memory:`). Another scheme
 * (`s3://…` once an object store driver exists) is refused with its reason.
 */
export async function openFileStore(location: string | null): Promise<FileStore> {
  if (location === null) return new TemporaryFileStore(await mkdtemp(join(tmpdir(), 'longrun-files-')));
  const folder = localFolder(location);
  if (folder === '') throw new Error(`file store ${JSON.stringify(location)}: no folder given (use file:PATH or a folder)`);
  return new LocalFileStore(folder);
}

function localFolder(location: string): string {
  if (location.startsWith('file://')) return fileURLToPath(location);
  if (location.startsWith('file:')) return location.slice('file:'.length);
  // Two or more letters before a colon is a scheme; one is a Windows drive (C:\data).
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(location);
  if (scheme) throw new Error(`file store ${location}: ${scheme[1]}: is not a kind of file store this build has (use file:PATH or a folder)`);
  return location;
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
