// Scale-out on PostgreSQL with real processes: two API nodes (`longrun serve --workers 0`) and
// separate `longrun worker` processes on one schema. Jobs created on one node are run by any
// worker exactly once and awaited on the other node, whose long-polls wake through LISTEN/NOTIFY;
// a cancel sent to one node stops the attempt running in a worker process. Needs
// LONGRUN_TEST_POSTGRES_URL. Waits on process output, HTTP answers and event streams; no sleeps.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ApiNode,
  SKIP_WITHOUT_POSTGRES,
  call,
  inParallel,
  median,
  openCluster,
  percentile,
  pidOfWorker,
} from './cluster.js';

const JOBS = 300;
const CREDITS = 10_000;
const IN_FLIGHT = 16;

/** sseJobs reads a `text/event-stream` answer and yields the job of each `event: job` message. */
async function* sseJobs(response: Response): AsyncGenerator<any> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const message = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = message
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (data !== '') yield JSON.parse(data);
    }
  }
}

describe('scale-out: API nodes and worker processes on one PostgreSQL schema', SKIP_WITHOUT_POSTGRES, () => {
  it('runs 300 jobs created on two nodes exactly once, on both workers, awaited across nodes, each charged once', { timeout: 120_000 }, async (t) => {
    const cluster = await openCluster(t);
    // The first process migrates the schema; the rest then start together.
    const a = await cluster.api('api-a', ['--workers', '0']);
    const [b, w1, w2] = await Promise.all([
      cluster.api('api-b', ['--workers', '0']),
      cluster.worker('worker-1', ['--concurrency', '4']),
      cluster.worker('worker-2', ['--concurrency', '4']),
    ]);
    const nodes: [ApiNode, ApiNode] = [a, b];
    const { key } = await cluster.createAccount(a, CREDITS);

    // Create on A and B in turn, 16 requests in flight; each job is awaited on the *other* node
    // (GET ?wait=60) as soon as it is acknowledged, so that node can only learn that a worker
    // process finished it through the store's feed.
    type Awaited = { created: any; createdOn: number; final: any; status: number; pollMs: number; returnedAt: number };
    const polls: Promise<Awaited>[] = [];
    const firstCreateAt = Date.now();
    await inParallel(Array.from({ length: JOBS }, (_, i) => i), IN_FLIGHT, async (i) => {
      const createdOn = i % 2;
      const input = { durationMs: i % 21, steps: 1 + (i % 3) };
      const created = await call(nodes[createdOn]!.url, 'POST', '/v1/jobs', { key, body: { type: 'demo/sleep', input, metadata: { i: String(i) } } });
      assert.equal(created.status, 201, `create #${i} on ${createdOn === 0 ? 'A' : 'B'}: ${created.text}`);
      const other = nodes[1 - createdOn]!;
      polls.push(
        (async () => {
          const started = performance.now();
          const answer = await call(other.url, 'GET', `/v1/jobs/${created.json.id}?wait=60`, { key });
          return { created: created.json, createdOn, final: answer.json, status: answer.status, pollMs: performance.now() - started, returnedAt: Date.now() };
        })(),
      );
    });
    const awaited = await Promise.all(polls);
    const lastAnswerAt = Date.now();

    // Every job: acknowledged once, completed once, by its first attempt.
    assert.equal(awaited.length, JOBS);
    assert.equal(new Set(awaited.map((x) => x.created.id)).size, JOBS, 'two creates returned the same job id');
    for (const { created, final, status, pollMs } of awaited) {
      assert.equal(status, 200, `GET ${created.id}?wait=60: ${JSON.stringify(final)}`);
      assert.equal(final.status, 'completed', `job ${created.id} after a ${Math.round(pollMs)} ms long-poll: ${JSON.stringify(final)}`);
      assert.equal(final.attempts, 1, `job ${created.id} ran ${final.attempts} attempts`);
      assert.equal(final.progress, 100);
      assert.ok(final.completedAt, `job ${created.id} has no completedAt`);
      assert.deepEqual(final.output, { sleptMs: created.input.durationMs });
      assert.equal(final.error, null);
      assert.ok(pollMs < 30_000, `the long-poll of ${created.id} took ${Math.round(pollMs)} ms, not well within its 60 s`);
    }
    const events = await cluster.sql<{ job_id: string; started: number; completed: number; failed: number }>(
      `SELECT job_id, count(*) FILTER (WHERE kind = 'started')::int AS started, count(*) FILTER (WHERE kind = 'completed')::int AS completed,
         count(*) FILTER (WHERE kind IN ('failed', 'retrying', 'released', 'cancelled'))::int AS failed
       FROM job_events GROUP BY job_id`,
    );
    assert.equal(events.length, JOBS, 'job_events covers every job');
    for (const row of events) {
      assert.deepEqual({ started: row.started, completed: row.completed, failed: row.failed }, { started: 1, completed: 1, failed: 0 }, `events of ${row.job_id}`);
    }

    // Both worker processes took part, and the job says which one ran it.
    const workerIds = new Set(awaited.map((x) => x.final.worker as string));
    assert.deepEqual([...workerIds].sort(), [w1.workerId, w2.workerId].sort(), 'jobs ran on exactly the two worker processes');
    assert.deepEqual(new Set([...workerIds].map(pidOfWorker)), new Set([w1.process.pid, w2.process.pid]));
    const perWorker = [w1, w2].map((w) => awaited.filter((x) => x.final.worker === w.workerId).length);

    // Both nodes see the same totals and the same balance: each job charged exactly once.
    for (const [name, node] of [['A', a], ['B', b]] as const) {
      const all = await call(node.url, 'GET', '/v1/jobs?limit=1', { key });
      assert.equal(all.status, 200);
      assert.equal(all.json.pagination.total, JOBS, `list total on ${name}`);
      const completed = await call(node.url, 'GET', '/v1/jobs?limit=1&status=completed', { key });
      assert.equal(completed.json.pagination.total, JOBS, `completed total on ${name}`);
      const account = await call(node.url, 'GET', '/v1/account', { key });
      assert.equal(account.json.credits.balance, CREDITS - JOBS, `balance on ${name}`);
    }
    const [ledger] = await cluster.sql<{ charges: number; refunds: number; jobs: number }>(
      `SELECT count(*) FILTER (WHERE kind = 'charge')::int AS charges, count(*) FILTER (WHERE kind = 'refund')::int AS refunds,
         count(DISTINCT job_id)::int AS jobs FROM ledger`,
    );
    assert.deepEqual(ledger, { charges: JOBS, refunds: 0, jobs: JOBS });

    // The figures: create→completed across processes (from the jobs' own timestamps, all taken on
    // the database's clock), throughput end to end, and how late a cross-node long-poll woke.
    const createToComplete = awaited.map((x) => Date.parse(x.final.completedAt) - Date.parse(x.final.createdAt));
    const serverWallMs = Math.max(...awaited.map((x) => Date.parse(x.final.completedAt))) - Math.min(...awaited.map((x) => Date.parse(x.final.createdAt)));
    const clientWallMs = lastAnswerAt - firstCreateAt;
    const wakeLag = awaited.map((x) => x.returnedAt - Date.parse(x.final.completedAt));
    const createdAts = awaited.map((x) => Date.parse(x.final.createdAt));
    const createSpanMs = Math.max(...createdAts) - Math.min(...createdAts);
    const queued = awaited.map((x) => Date.parse(x.final.startedAt) - Date.parse(x.final.createdAt));
    const running = awaited.map((x) => Date.parse(x.final.completedAt) - Date.parse(x.final.startedAt));
    console.log(
      [
        `scale-out figures (${JOBS} demo/sleep jobs of 0–20 ms, 2 API nodes, 2 workers × concurrency 4, ${IN_FLIGHT} creates in flight):`,
        `  create→completed across processes: median ${median(createToComplete)} ms, p95 ${percentile(createToComplete, 95)} ms, max ${Math.max(...createToComplete)} ms`,
        `  throughput: ${(JOBS / (serverWallMs / 1000)).toFixed(1)} jobs/s (first createdAt → last completedAt, ${serverWallMs} ms); ` +
          `${(JOBS / (clientWallMs / 1000)).toFixed(1)} jobs/s as the client saw it (first create sent → last long-poll answered, ${clientWallMs} ms)`,
        `  of which queued (createdAt → startedAt): median ${median(queued)} ms; running (startedAt → completedAt): median ${median(running)} ms, p95 ${percentile(running, 95)} ms`,
        `  creates: ${(JOBS / (createSpanMs / 1000)).toFixed(1)} jobs/s accepted (first → last createdAt, ${createSpanMs} ms)`,
        `  cross-node long-poll answered after completedAt: median ${median(wakeLag)} ms, p95 ${percentile(wakeLag, 95)} ms, max ${Math.max(...wakeLag)} ms`,
        `  jobs per worker: ${perWorker.join(' / ')}`,
      ].join('\n'),
    );

    // One long-poll on B for a job created on A that is certainly still running when the poll starts:
    // it answers as soon as the worker's completion is relayed, far inside its 60 s.
    const slow = await call(a.url, 'POST', '/v1/jobs', { key, body: { type: 'demo/sleep', input: { durationMs: 1000, steps: 2 } } });
    assert.equal(slow.status, 201);
    const started = performance.now();
    const waited = await call(b.url, 'GET', `/v1/jobs/${slow.json.id}?wait=60`, { key });
    const pollMs = performance.now() - started;
    const lagMs = Date.now() - Date.parse(waited.json.completedAt);
    console.log(`  one 1 s job created on A, long-polled on B: answered after ${Math.round(pollMs)} ms, ${lagMs} ms after its completedAt`);
    assert.equal(waited.json.status, 'completed');
    assert.ok(pollMs >= 900, `the long-poll answered after ${Math.round(pollMs)} ms, before the job could have run`);
    assert.ok(pollMs < 10_000, `the long-poll took ${Math.round(pollMs)} ms for a 1 s job`);
    assert.ok(lagMs < 1_000, `B answered ${lagMs} ms after the job completed; NOTIFY should wake it at once`);
  });

  it('cancels, on one node, a job that a worker process runs: the attempt stops and frees its slot', { timeout: 120_000 }, async (t) => {
    const cluster = await openCluster(t);
    const a = await cluster.api('api-a', ['--workers', '0']);
    // One worker with one slot: a further job can only run on it once the cancelled one let go.
    const [b, worker] = await Promise.all([cluster.api('api-b', ['--workers', '0']), cluster.worker('worker-1', ['--concurrency', '1'])]);
    const { key } = await cluster.createAccount(a, 100);

    const created = await call(a.url, 'POST', '/v1/jobs', { key, body: { type: 'demo/sleep', input: { durationMs: 30_000, steps: 30 } } });
    assert.equal(created.status, 201, created.text);
    const id = created.json.id as string;

    // Follow the job on B's event stream (fed across processes) until the worker has started it.
    const stream = await fetch(`${b.url}/v1/jobs/${id}/events`, { headers: { 'x-api-key': key } });
    assert.equal(stream.status, 200);
    const messages = sseJobs(stream);
    let seen: any;
    for (;;) {
      const next = await messages.next();
      assert.ok(!next.done, 'the event stream ended before the job ran');
      seen = next.value;
      if (seen.status === 'running') break;
      assert.equal(seen.status, 'pending', `unexpected ${JSON.stringify(seen)}`);
    }
    assert.equal(seen.worker, worker.workerId);

    const cancelled = await call(b.url, 'POST', `/v1/jobs/${id}/cancel`, { key });
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.equal(cancelled.json.status, 'cancelled');
    assert.deepEqual(cancelled.json.error, { code: 'cancelled' });
    assert.equal(cancelled.json.creditsRefunded, 1);
    assert.ok(cancelled.json.cancelledAt);

    // B's stream ends with the cancelled job and says nothing after it.
    const rest: any[] = [];
    for await (const job of messages) rest.push(job);
    assert.ok(rest.length >= 1, 'the stream closed without the cancel');
    assert.equal(rest.at(-1).status, 'cancelled');
    for (const job of rest.slice(0, -1)) assert.equal(job.status, 'running', `before the cancel: ${JSON.stringify(job)}`);

    // A 2 s job created on A and awaited on B runs on the one-slot worker: its slot was freed by
    // the cancel (else it would wait for the 30 s job), and it takes long enough that the
    // cancelled handler, had it kept going, would have reported progress twice more.
    const next = await call(a.url, 'POST', '/v1/jobs', { key, body: { type: 'demo/sleep', input: { durationMs: 2000, steps: 2 } } });
    assert.equal(next.status, 201, next.text);
    const started = performance.now();
    const done = await call(b.url, 'GET', `/v1/jobs/${next.json.id}?wait=60`, { key });
    const waitedMs = performance.now() - started;
    assert.equal(done.json.status, 'completed', JSON.stringify(done.json));
    assert.equal(done.json.worker, worker.workerId);
    assert.equal(done.json.attempts, 1);
    assert.ok(waitedMs < 10_000, `the next job took ${Math.round(waitedMs)} ms: the cancelled job kept its slot`);

    // The cancelled job never changed again: not on A, not in its events.
    const after = await call(a.url, 'GET', `/v1/jobs/${id}`, { key });
    assert.equal(after.json.status, 'cancelled');
    assert.deepEqual(after.json.error, { code: 'cancelled' });
    assert.equal(after.json.progress, cancelled.json.progress);
    assert.equal(after.json.updatedAt, cancelled.json.cancelledAt);
    const events = await cluster.sql<{ seq: number; kind: string; created_at: Date }>('SELECT seq, kind, created_at FROM job_events WHERE job_id = $1 ORDER BY seq', [id]);
    assert.equal(events.at(-1)!.kind, 'cancelled', `events after the cancel: ${JSON.stringify(events)}`);
    const cancelledAt = Date.parse(cancelled.json.cancelledAt);
    const late = events.filter((e) => e.kind === 'progress' && e.created_at.getTime() > cancelledAt);
    assert.deepEqual(late, [], 'progress was recorded after the cancel');

    const account = await call(b.url, 'GET', '/v1/account', { key });
    assert.equal(account.json.credits.balance, 100 - 2 + 1);
    assert.equal(worker.process.child.exitCode, null, `the worker exited\n${worker.process.output()}`);
  });
});
