// On PostgreSQL the worker protocol spans API nodes: a claim long-polling on node A wakes as soon
// as a job is created on node B (LISTEN/NOTIFY feeds A's event bus), and every node lists the same
// workers, and a file a remote worker uploads through A downloads through B (the files live in
// the database). Two real servers on one fresh schema.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { postgresFixtures } from '../helpers/postgres.js';
import { type TestServer, startTestServer } from '../helpers/server.js';
import { issueWorkerKey, workerClient } from './helpers.js';

const POSTGRES_URL = process.env.LONGRUN_TEST_POSTGRES_URL;
const SKIP = POSTGRES_URL ? {} : { skip: 'LONGRUN_TEST_POSTGRES_URL is not set' };

describe('worker protocol on PostgreSQL: two API nodes', SKIP, () => {
  const schema = `longrun_test_${randomBytes(6).toString('hex')}`;
  let nodeA: TestServer;
  let nodeB: TestServer;

  before(async () => {
    const db = new URL(POSTGRES_URL!);
    db.searchParams.set('schema', schema);
    nodeA = await startTestServer({ db: db.toString() });
    nodeB = await startTestServer({ db: db.toString() });
  });
  after(async () => {
    await nodeA?.close();
    await nodeB?.close();
    await postgresFixtures(POSTGRES_URL).dropSchema(schema);
  });

  it('a claim long-polling on node A answers with a job created on node B, well before its wait', async () => {
    const account = await nodeB.createAccount();
    const { key } = await issueWorkerKey(nodeB, ['demo/sleep']);
    // Park the claim on A: once its first look finds nothing, it listens on A's bus.
    const realClaim = nodeA.store.jobClaim.bind(nodeA.store);
    let firstLook!: () => void;
    const looked = new Promise<void>((resolve) => (firstLook = resolve));
    nodeA.store.jobClaim = async (p) => {
      const jobs = await realClaim(p);
      if (jobs.length === 0) firstLook();
      return jobs;
    };
    try {
      const started = performance.now();
      const claiming = workerClient(nodeA, key).claim({ max: 1, waitSeconds: 20, workerId: 'wrk_pg_test' });
      await looked;
      const created = await nodeB.request('POST', '/v1/jobs', { key: account.key, body: { type: 'demo/sleep', input: { durationMs: 1 } } });
      assert.equal(created.status, 201, created.text);
      const answer = await claiming;
      const tookMs = performance.now() - started;
      assert.equal(answer.status, 200, answer.text);
      assert.deepEqual(answer.json.jobs.map((j: { id: string }) => j.id), [created.json.id]);
      assert.ok(tookMs < 10_000, `answered after ${Math.round(tookMs)} ms, well before the 20 s wait`);

      // Node B sees the worker node A recorded, holding the job; the complete may go to either node.
      const workers = await nodeB.request('GET', '/v1/admin/workers', { key: nodeB.adminKey! });
      const seen = workers.json.data.find((w: { id: string }) => w.id === 'wrk_pg_test');
      assert.equal(seen?.jobsInHand, 1, workers.text);
      const done = await workerClient(nodeB, key).complete(answer.json.jobs[0], { ok: true });
      assert.equal(done.status, 200, done.text);
      const again = await workerClient(nodeA, key).complete(answer.json.jobs[0], { ok: true });
      assert.equal(again.status, 200, 'a repeated complete through the other node is recognised too');
    } finally {
      nodeA.store.jobClaim = realClaim;
    }
  });

  it('serves, through node B, a file a remote worker uploaded through node A (the postgres file store is shared)', async () => {
    // Neither node was given --files or a data folder: on PostgreSQL the files live in the database.
    const declared = await nodeA.request('PUT', '/v1/admin/job-types/py/upload', {
      key: nodeA.adminKey!,
      body: { description: 'uploads a file', inputSchema: { type: 'object' }, creditCost: 0, timeoutMs: 60_000, maxAttempts: 1 },
    });
    assert.equal(declared.status, 201, declared.text);
    const account = await nodeB.createAccount();
    const { key } = await issueWorkerKey(nodeA, ['py/upload']);
    const created = await nodeB.request('POST', '/v1/jobs', { key: account.key, body: { type: 'py/upload', input: {} } });
    assert.equal(created.status, 201, created.text);

    const worker = workerClient(nodeA, key);
    const job = await worker.claimOne();
    assert.equal(job.id, created.json.id);
    // Over one 1 MiB chunk, so the download joins chunks; each byte differs from its neighbours.
    const bytes = Uint8Array.from({ length: 1_500_000 }, (_, i) => (i * 31 + (i >> 8)) & 0xff);
    const uploaded = await worker.upload(job, 'out.bin', bytes);
    assert.equal(uploaded.status, 201, uploaded.text);
    const done = await worker.complete(job, { files: [uploaded.json] });
    assert.equal(done.status, 200, done.text);

    const whole = await fetch(`${nodeB.url}/v1/jobs/${job.id}/files/out.bin`, { headers: { 'x-api-key': account.key } });
    assert.equal(whole.status, 200);
    assert.deepEqual(new Uint8Array(await whole.arrayBuffer()), bytes);
    const range = await fetch(`${nodeB.url}/v1/jobs/${job.id}/files/out.bin`, { headers: { 'x-api-key': account.key, range: 'bytes=1048570-1048585' } });
    assert.equal(range.status, 206);
    assert.deepEqual(new Uint8Array(await range.arrayBuffer()), bytes.slice(1_048_570, 1_048_586));
  });
});
