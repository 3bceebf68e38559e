// `--files s3 --files-redirect N` end to end: a job's file, stored in a local s3rver by the
// server's worker, is downloaded through a 302 to a presigned GET (range included), while HEAD
// still answers the file's facts from the API. Waits on job changes, never sleeps.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type LocalS3, startLocalS3 } from '../helpers/s3Server.js';
import { type TestServer, jobReaches, startTestServer } from '../helpers/server.js';
import { filePattern } from './fixtures/writeFile.js';

describe('S3 downloads by redirect', () => {
  let s3: LocalS3;
  let server: TestServer;
  before(async () => {
    s3 = await startLocalS3();
    server = await startTestServer({
      workers: 1,
      handlers: join(import.meta.dirname, 'fixtures/writeFile.ts'),
      files: { kind: 's3', s3: { ...s3.settings, prefix: 'longrun/', redirectSeconds: 60 } },
    });
  });
  after(async () => {
    await server?.close();
    await s3?.stop();
  });

  it('answers a download with a 302 to a presigned GET of the object, and HEAD with the facts', async () => {
    const owner = await server.createAccount();
    const created = await server.request('POST', '/v1/jobs', { key: owner.key, body: { type: 'test/write-file', input: { name: 'clip.bin', bytes: 5000 } } });
    assert.equal(created.status, 201, created.text);
    const job = await jobReaches(server, created.json.id, (j) => j.status === 'completed' || j.status === 'failed');
    assert.equal(job.status, 'completed', JSON.stringify(job.error));
    const path = `${server.url}/v1/jobs/${job.id}/files/clip.bin`;

    const answer = await fetch(path, { headers: { 'x-api-key': owner.key }, redirect: 'manual' });
    assert.equal(answer.status, 302);
    const location = new URL(answer.headers.get('location')!);
    assert.equal(location.origin + location.pathname, `${s3.settings.endpoint}/${s3.settings.bucket}/longrun/${job.id}/clip.bin`);
    assert.equal(location.searchParams.get('X-Amz-Expires'), '60');
    assert.match(location.searchParams.get('X-Amz-Signature') ?? '', /^[0-9a-f]{64}$/);

    const direct = await fetch(location, { headers: { range: 'bytes=10-19' } });
    assert.equal(direct.status, 206);
    assert.ok(Buffer.from(await direct.arrayBuffer()).equals(filePattern(5000).subarray(10, 20)));

    const head = await fetch(path, { method: 'HEAD', headers: { 'x-api-key': owner.key }, redirect: 'manual' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), '5000');
    // A stranger gets no URL.
    const stranger = await server.createAccount();
    assert.equal((await fetch(path, { headers: { 'x-api-key': stranger.key }, redirect: 'manual' })).status, 404);
  });
});
