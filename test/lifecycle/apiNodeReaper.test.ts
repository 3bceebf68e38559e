// An API node that runs no workers (`--workers 0`, the scale-out recipe) still reaps: a job whose
// worker process was killed mid-run goes back to pending with `lease_expired` once its lease runs
// out, though no worker pool is left anywhere. A real `longrun worker` process on the same SQLite
// file is killed with SIGKILL; waits are on bus events and process output, no sleeps.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createJob } from '../../src/service/index.js';
import { spawnLongrun } from '../helpers/processes.js';
import { jobReaches, startTestServer } from '../helpers/server.js';

describe('an API node without workers', { timeout: 60_000 }, () => {
  it('hands back the job of a killed worker process when its lease runs out', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'longrun-reaper-'));
    const db = `sqlite:${join(dir, 'longrun.db')}`;
    const server = await startTestServer({ db, adminKey: null, workers: 0, sweepMs: 50 });
    const worker = spawnLongrun('worker', ['worker', '--db', db, '--concurrency', '1', '--lease-ms', '600']);
    t.after(async () => {
      await worker.kill();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    });
    assert.equal(server.pool, null);
    assert.ok(server.reaper, 'the API node runs the lease reaper');
    await worker.waitForLine(/^worker \S+ running /);

    const principal = { accountId: server.firstStart!.accountId, apiKeyId: null, apiKeyUsed: null };
    const { job } = await createJob(server.deps, principal, { type: 'demo/sleep', input: { durationMs: 60_000, steps: 60 } });
    const started = await jobReaches(server, job.id, (j) => j.status === 'running');
    assert.match(started.worker!, /^worker-/);
    await worker.kill();

    const reaped = await jobReaches(server, job.id, (j) => j.status === 'pending' && j.error?.code === 'lease_expired');
    assert.equal(reaped.attempts, 1);
  });
});
