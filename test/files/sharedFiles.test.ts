// Files for many machines, end to end on PostgreSQL: two API nodes on one schema, each with a
// data folder of its own. A job created through node B runs on node A's worker, which stores
// its file in the database (`postgres` file store: explicit on A, the PostgreSQL default on B);
// B then serves it whole and by range though it never had it on disk, and a purge through B
// deletes its chunks. Needs LONGRUN_TEST_POSTGRES_URL. Waits on job changes, never sleeps.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { postgresFixtures } from '../helpers/postgres.js';
import { type TestServer, jobReaches, startTestServer } from '../helpers/server.js';
import { filePattern } from './fixtures/writeFile.js';

const url = process.env.LONGRUN_TEST_POSTGRES_URL;
const HANDLERS = join(import.meta.dirname, 'fixtures/writeFile.ts');
const SIZE = 2_500_000; // more than two of the 1 MiB chunks

describe('output files shared by API nodes through PostgreSQL', url ? {} : { skip: 'LONGRUN_TEST_POSTGRES_URL is not set' }, () => {
  const pg = postgresFixtures(url);
  const schema = pg.freshSchema();
  const dirs = [mkdtempSync(join(tmpdir(), 'longrun-node-a-')), mkdtempSync(join(tmpdir(), 'longrun-node-b-'))];
  let nodeA: TestServer;
  let nodeB: TestServer;

  before(async () => {
    const db = new URL(url!);
    db.searchParams.set('schema', schema);
    nodeA = await startTestServer({ db: db.toString(), workers: 1, handlers: HANDLERS, dataDir: dirs[0], files: { kind: 'postgres' } });
    nodeB = await startTestServer({ db: db.toString(), workers: 0, handlers: HANDLERS, dataDir: dirs[1] });
  });
  after(async () => {
    await nodeA?.close();
    await nodeB?.close();
    await pg.dropSchema(schema);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('serves through node B a file a worker of node A stored, and purges it through B', async () => {
    const owner = await nodeB.createAccount();
    const created = await nodeB.request('POST', '/v1/jobs', { key: owner.key, body: { type: 'test/write-file', input: { name: 'clip.bin', bytes: SIZE } } });
    assert.equal(created.status, 201, created.text);
    const job = await jobReaches(nodeB, created.json.id, (j) => j.status === 'completed' || j.status === 'failed');
    assert.equal(job.status, 'completed', JSON.stringify(job.error));
    const expected = filePattern(SIZE);
    const path = `/v1/jobs/${job.id}/files/clip.bin`;

    const whole = await fetch(`${nodeB.url}${path}`, { headers: { 'x-api-key': owner.key } });
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('content-length'), String(SIZE));
    assert.ok(Buffer.from(await whole.arrayBuffer()).equals(expected), 'node B sends the bytes node A stored');

    const start = 1024 * 1024 - 10; // across the first chunk boundary
    const part = await fetch(`${nodeB.url}${path}`, { headers: { 'x-api-key': owner.key, range: `bytes=${start}-${start + 19}` } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes ${start}-${start + 19}/${SIZE}`);
    assert.ok(Buffer.from(await part.arrayBuffer()).equals(expected.subarray(start, start + 20)));

    for (const dir of dirs) assert.deepEqual(readdirSync(dir).filter((f) => f !== 'longrun.db'), [], `nothing was written under ${dir}`);

    const chunks = async () => {
      const client = await pg.connect(schema);
      try {
        return Number((await client.query('SELECT count(*) AS n FROM job_file_chunks WHERE job_id = $1', [job.id])).rows[0].n);
      } finally {
        await client.end();
      }
    };
    assert.equal(await chunks(), 3);
    assert.equal((await nodeB.request('DELETE', `/v1/jobs/${job.id}?purge=true`, { key: owner.key })).status, 204);
    assert.equal(await chunks(), 0, 'the purge deleted the file with the job');
    assert.equal((await fetch(`${nodeA.url}${path}`, { headers: { 'x-api-key': owner.key } })).status, 404);
  });
});
