// A browser that will not start is the machine's problem, not the job's: the render job goes back
// to pending with `browser_unavailable`, waits (1 s, then 2 s, … at most a minute), its attempt
// not counted, and the worker warns each time. Real server, store, worker and Playwright launch
// (of a Chromium path that does not exist); the worker's clock is a ManualClock, so the waits are
// exact and nothing sleeps.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/index.js';
import { WorkerPool } from '../../src/worker/index.js';
import { type TestAccount, type TestServer, jobReaches, startTestServer } from '../helpers/server.js';

let server: TestServer;
let owner: TestAccount;
let pool: WorkerPool;
const warnings: string[] = [];
// Ahead of the server's real clock, so the jobs the server creates are due for this worker.
const clock = new ManualClock(new Date(Date.now() + 60_000));

before(async () => {
  server = await startTestServer({ workers: 0, render: { chromiumPath: '/nonexistent/longrun-test-chromium', maxOutputBytes: 1e6, maxPdfPages: 10 } });
  owner = await server.createAccount();
  pool = new WorkerPool({ ...server.deps, clock }, { concurrency: 1, types: ['html/pdf'], onWarn: (message) => warnings.push(message) });
});
after(async () => {
  await pool.stop({ graceMs: 0 });
  await server.close();
});

describe('a browser that does not start', () => {
  it('defers the job with browser_unavailable, longer each time, never counting the attempt, and warns', async () => {
    const created = await server.request('POST', '/v1/jobs', { key: owner.key, body: { type: 'html/pdf', input: { html: '<p>x</p>' }, maxAttempts: 1 } });
    assert.equal(created.status, 201, created.text);
    const id = created.json.id as string;

    for (const [round, delayMs] of [[1, 1000], [2, 2000], [3, 4000]] as const) {
      const deferred = jobReaches(server, id, (job) => job.status !== 'running' && job.updatedAt.getTime() === clock.now().getTime());
      assert.equal(await pool.runOnce(), 1, `round ${round}: the job was claimed`);
      const job = await deferred;
      assert.equal(job.attempts, 0, `round ${round}: no attempt counted`);
      assert.equal(job.error?.code, 'browser_unavailable');
      assert.match(job.error?.message ?? '', /Chromium did not start/);
      assert.equal(job.runAt.getTime() - clock.now().getTime(), delayMs, `round ${round}: waits ${delayMs} ms`);
      assert.equal(warnings.length, round);
      assert.match(warnings[round - 1]!, new RegExp(`${id} deferred ${delayMs} ms.*browser_unavailable`));
      await pool.idle();
      assert.equal(await pool.runOnce(), 0, `round ${round}: not claimed again before its time`);
      clock.advance(delayMs);
    }

    const seen = await server.request('GET', `/v1/jobs/${id}`, { key: owner.key });
    assert.equal(seen.json.status, 'pending');
    assert.equal(seen.json.error.code, 'browser_unavailable');
    assert.equal((await server.request('POST', `/v1/jobs/${id}/cancel`, { key: owner.key })).status, 200);
  });
});
