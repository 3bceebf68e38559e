import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { boundedChunks } from './fileBody.js';
import { type FileRange, type FileStore, type FileWrite, type StoredFile, assertContentType, assertFileKey, contentTypeOf } from './fileStore.js';
import { makeDirectory } from './makeDirectory.js';

/**
 * LocalFileStore keeps files in a folder: `<root>/<jobId>/<name>`. A write goes to a temporary
 * file in the job's folder, is fsynced, then renamed over the final name, so a reader (or a
 * crash) sees the old file or the new one, never a part. Temporary names start with a dot,
 * which no stored name can, so they never show as files. A content type other than the one the
 * extension names is kept beside the file in `.<name>.type`, written before the file is renamed.
 */
export class LocalFileStore implements FileStore {
  constructor(private readonly root: string) {}

  async fileWrite(p: FileWrite): Promise<StoredFile> {
    assertFileKey(p.jobId, p.name);
    if (p.contentType !== undefined) assertContentType(p.contentType);
    const folder = join(this.root, p.jobId);
    await makeDirectory(folder);
    const temporary = join(folder, `.${p.name}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await open(temporary, 'wx', 0o600);
    let size = 0;
    try {
      for await (const chunk of boundedChunks(p.body, p.name, p.maxBytes)) {
        await handle.write(chunk);
        size += chunk.byteLength;
      }
      await handle.sync();
    } catch (error) {
      await handle.close();
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
    await handle.close();
    const contentType = p.contentType ?? contentTypeOf(p.name);
    await this.writeType(folder, p.name, contentType);
    await rename(temporary, join(folder, p.name));
    return { name: p.name, contentType, size };
  }

  filePut(p: { jobId: string; name: string; data: Uint8Array; contentType?: string }): Promise<StoredFile> {
    return this.fileWrite({ jobId: p.jobId, name: p.name, body: p.data, contentType: p.contentType });
  }

  async fileStat(p: { jobId: string; name: string }): Promise<StoredFile | null> {
    assertFileKey(p.jobId, p.name);
    try {
      const info = await stat(join(this.root, p.jobId, p.name));
      return info.isFile() ? { name: p.name, contentType: await this.readType(p.jobId, p.name), size: info.size } : null;
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

  /** writeType keeps a content type the extension does not name, and forgets one it does. */
  private async writeType(folder: string, name: string, contentType: string): Promise<void> {
    const side = join(folder, `.${name}.type`);
    if (contentType === contentTypeOf(name)) {
      await unlink(side).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      return;
    }
    const temporary = `${side}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temporary, contentType, { mode: 0o600, flag: 'wx' });
    await rename(temporary, side);
  }

  private async readType(jobId: string, name: string): Promise<string> {
    try {
      return await readFile(join(this.root, jobId, `.${name}.type`), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return contentTypeOf(name);
      throw error;
    }
  }
}
