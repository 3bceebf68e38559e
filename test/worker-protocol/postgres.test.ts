// On PostgreSQL the worker protocol spans API nodes: a claim long-polling on node A wakes as soon
// as a job is created on node B (LISTEN/NOTIFY feeds A's event bus), and every node lists the same
// workers. Two real servers on one fresh schema.
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
});
