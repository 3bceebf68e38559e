// openFileStore, the one place a process picks its file store: `file:` locations and plain paths
// are local folders, no location is a temporary folder gone after close, and a scheme this build
// has no driver for is refused with its reason rather than taken for a folder name. The `--files`
// choices: `postgres` on a store that keeps no files, and `s3` with a bucket that does not answer,
// stop the process at once with their reason; `s3` with a live bucket keeps files there.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { newId } from '../../src/domain/index.js';
import { S3FileStore } from '../../src/files/index.js';
import { openFileStore } from '../../src/runtime/index.js';
import { openStore } from '../../src/store/index.js';
import { startLocalS3 } from '../helpers/s3Server.js';
import { webhookDeliveries } from '../helpers/store.js';

const DATA = new Uint8Array([37, 80, 68, 70]);

describe('openFileStore', () => {
  for (const [name, location] of [
    ['a plain folder', (dir: string) => dir],
    ['file:PATH', (dir: string) => `file:${dir}`],
    ['a file:// URL', (dir: string) => pathToFileURL(dir).href],
  ] as const) {
    it(`keeps files in the folder that ${name} names`, async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'longrun-openfiles-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const files = await openFileStore(location(dir));
      const jobId = newId('job');
      await files.filePut({ jobId, name: 'a.pdf', data: DATA });
      assert.deepEqual(new Uint8Array(readFileSync(join(dir, jobId, 'a.pdf'))), DATA);
      await files.close();
      assert.ok(existsSync(join(dir, jobId, 'a.pdf')), 'closing a named folder keeps its files');
    });
  }

  it('without a location, uses a temporary folder that close removes', async () => {
    const files = await openFileStore(null);
    const jobId = newId('job');
    await files.filePut({ jobId, name: 'a.pdf', data: DATA });
    assert.equal((await files.fileStat({ jobId, name: 'a.pdf' }))?.size, DATA.byteLength);
    await files.close();
    assert.equal(await files.fileStat({ jobId, name: 'a.pdf' }), null);
  });

  it('refuses a scheme it has no driver for, and an empty location', async () => {
    await assert.rejects(openFileStore('s3://bucket/prefix'), /s3: is not a kind of file store this build has/);
    await assert.rejects(openFileStore('file:'), /no folder given/);
  });

  it('refuses --files postgres on a store that keeps no files (SQLite), naming the way out', async (t) => {
    const store = await openStore('sqlite::memory:', { webhookDeliveries });
    t.after(() => store.close());
    await assert.rejects(openFileStore({ kind: 'postgres' }, store), /--files postgres keeps files in a PostgreSQL database, and this process's --db is a sqlite store; use --files local or s3/);
  });

  it('opens --files s3 on a bucket that answers, and refuses one that does not with S3\'s reason', async (t) => {
    const s3 = await startLocalS3();
    t.after(() => s3.stop());
    const files = await openFileStore({ kind: 's3', s3: s3.settings });
    assert.ok(files instanceof S3FileStore);
    const jobId = newId('job');
    await files.filePut({ jobId, name: 'a.pdf', data: DATA });
    assert.equal((await files.fileStat({ jobId, name: 'a.pdf' }))?.size, DATA.byteLength);
    await assert.rejects(
      openFileStore({ kind: 's3', s3: { ...s3.settings, pathStyle: false } }),
      /^Error: --files s3: S3 endpoint http:\/\/127\.0\.0\.1:\d+ cannot address bucket longrun-test as a host name \(longrun-test\.HOST\); use path-style addressing \(--s3-path-style\)$/,
    );
    await assert.rejects(openFileStore({ kind: 's3', s3: { ...s3.settings, bucket: 'no-such-bucket' } }), /--files s3: bucket no-such-bucket at http:\/\/127\.0\.0\.1:\d+: S3 check bucket \/no-such-bucket: 404 NoSuchBucket/);
  });
});
