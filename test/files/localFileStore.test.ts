// The local file store: whole writes that replace, safe names only, ranges, and deletion per job.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { newId } from '../../src/domain/index.js';
import { InvalidFileNameError, LocalFileStore } from '../../src/files/index.js';

let dir: string;
let store: LocalFileStore;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'longrun-files-test-'));
  store = new LocalFileStore(dir);
});
after(() => rm(dir, { recursive: true, force: true }));

async function read(jobId: string, name: string, range?: { start: number; end: number }): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of (await store.fileRead({ jobId, name, range }))!) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

describe('LocalFileStore', () => {
  it('stores a file whole, replaces it on a second put, and leaves no temporary file', async () => {
    const jobId = newId('job');
    assert.deepEqual(await store.filePut({ jobId, name: 'a.pdf', data: Buffer.from('first') }), { name: 'a.pdf', contentType: 'application/pdf', size: 5 });
    await store.filePut({ jobId, name: 'a.pdf', data: Buffer.from('second!') });
    assert.equal(await read(jobId, 'a.pdf'), 'second!');
    assert.equal(await read(jobId, 'a.pdf', { start: 1, end: 3 }), 'eco');
    assert.deepEqual(await readdir(join(dir, jobId)), ['a.pdf']);
    assert.equal((await store.fileStat({ jobId, name: 'a.pdf' }))?.size, 7);
  });

  it('refuses names and ids that could leave their folder', async () => {
    const jobId = newId('job');
    for (const name of ['../x', '..', '.hidden', 'a/b', 'a\\b', '', 'x'.repeat(200), 'a..b']) {
      await assert.rejects(store.filePut({ jobId, name, data: Buffer.from('x') }), InvalidFileNameError, name);
    }
    await assert.rejects(store.fileStat({ jobId: '../job', name: 'a.pdf' }), InvalidFileNameError);
  });

  it('answers null for a missing file and deletes a job\'s files together', async () => {
    const jobId = newId('job');
    assert.equal(await store.fileStat({ jobId, name: 'none.png' }), null);
    assert.equal(await store.fileRead({ jobId, name: 'none.png' }), null);
    await store.filePut({ jobId, name: 'a.png', data: Buffer.from('x') });
    await store.deleteJobFiles(jobId);
    assert.equal(await store.fileStat({ jobId, name: 'a.png' }), null);
    await store.deleteJobFiles(jobId); // again: not an error
  });
});
