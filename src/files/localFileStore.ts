import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { type FileRange, type FileStore, type StoredFile, assertFileKey, contentTypeOf } from './fileStore.js';
import { makeDirectory } from './makeDirectory.js';

/**
 * LocalFileStore keeps files in a folder: `<root>/<jobId>/<name>`. A write goes to a temporary
 * file in the job's folder, is fsynced, then renamed over the final name, so a reader (or a
 * crash) sees the old file or the new one, never a part. Temporary names start with a dot,
 * which no stored name can, so they never show as files.
 */
export class LocalFileStore implements FileStore {
  constructor(private readonly root: string) {}

  async filePut(p: { jobId: string; name: string; data: Uint8Array }): Promise<StoredFile> {
    assertFileKey(p.jobId, p.name);
    const folder = join(this.root, p.jobId);
    await makeDirectory(folder);
    const temporary = join(folder, `.${p.name}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(p.data);
      await handle.sync();
    } catch (error) {
      await handle.close();
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
    await handle.close();
    await rename(temporary, join(folder, p.name));
    return { name: p.name, contentType: contentTypeOf(p.name), size: p.data.byteLength };
  }

  async fileStat(p: { jobId: string; name: string }): Promise<StoredFile | null> {
    assertFileKey(p.jobId, p.name);
    try {
      const info = await stat(join(this.root, p.jobId, p.name));
      return info.isFile() ? { name: p.name, contentType: contentTypeOf(p.name), size: info.size } : null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async fileRead(p: { jobId: string; name: string; range?: FileRange }): Promise<Readable | null> {
    assertFileKey(p.jobId, p.name);
    // Open first, so a missing file is null here rather than an error event on the stream.
    let handle;
    try {
      handle = await open(join(this.root, p.jobId, p.name), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    return handle.createReadStream({ start: p.range?.start, end: p.range?.end, autoClose: true });
  }

  async deleteJobFiles(jobId: string): Promise<void> {
    assertFileKey(jobId);
    await rm(join(this.root, jobId), { recursive: true, force: true });
  }

  async close(): Promise<void> {}
}
