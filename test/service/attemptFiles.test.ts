// An attempt's files go through the service: it stores them and gives each the link the HTTP
// layer injected; the worker builds no URL and never writes to the file store itself.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { newId } from '../../src/domain/index.js';
import { LocalFileStore } from '../../src/files/index.js';
import { apiLinks } from '../../src/http/links.js';
import { discardEarlierAttemptFiles, storeAttemptFile } from '../../src/service/index.js';
import { attemptFiles } from '../../src/worker/index.js';

describe('attempt files', () => {
  let dir: string;
  let files: LocalFileStore;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'longrun-attempt-files-'));
    files = new LocalFileStore(dir);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const bytes = (text: string) => new TextEncoder().encode(text);

  it('stores a file and lists it with the link the injected links give', async () => {
    const id = newId('job');
    const links = { jobFile: (jobId: string, name: string) => `https://files.example/${jobId}/${name}` };
    const stored = await storeAttemptFile({ files, links }, { id }, { name: 'out.txt', data: bytes('hello') });
    assert.deepEqual(stored, { name: 'out.txt', contentType: 'text/plain; charset=utf-8', size: 5, url: `https://files.example/${id}/out.txt` });
    assert.equal((await files.fileStat({ jobId: id, name: 'out.txt' }))?.size, 5);
  });

  it("links a file where the API serves it, in the output's key order as before", async () => {
    assert.equal(apiLinks.jobFile('job_b', 'a b.pdf'), '/v1/jobs/job_b/files/a%20b.pdf');
    const id = newId('job');
    const stored = await storeAttemptFile({ files, links: apiLinks }, { id }, { name: 'x.json', data: bytes('{}') });
    assert.equal(JSON.stringify(stored), `{"name":"x.json","contentType":"application/json","size":2,"url":"/v1/jobs/${id}/files/x.json"}`);
  });

  it('refuses when the process has no file store', async () => {
    await assert.rejects(
      storeAttemptFile({ links: apiLinks }, { id: 'job_c' }, { name: 'a.txt', data: bytes('a') }),
      { message: 'This process has no file store, so the job cannot store files' },
    );
  });

  it("counts a handler's bytes once per name, at the last size put", async () => {
    const handlerFiles = attemptFiles({ files, links: apiLinks }, { id: newId('job') });
    await handlerFiles.put('a.txt', bytes('12345'));
    await handlerFiles.put('a.txt', bytes('12'));
    await handlerFiles.put('b.txt', bytes('123'));
    assert.equal(handlerFiles.size(), 5);
  });

  it("discards an earlier attempt's files before a retry, and nothing before a first attempt", async () => {
    const id = newId('job');
    await storeAttemptFile({ files, links: apiLinks }, { id }, { name: 'a.txt', data: bytes('a') });
    await discardEarlierAttemptFiles({ files }, { id, attempts: 1 });
    assert.notEqual(await files.fileStat({ jobId: id, name: 'a.txt' }), null);
    await discardEarlierAttemptFiles({ files }, { id, attempts: 2 });
    assert.equal(await files.fileStat({ jobId: id, name: 'a.txt' }), null);
  });
});
