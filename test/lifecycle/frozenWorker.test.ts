// A worker process frozen (SIGSTOP) past its lease loses the job to another worker; when it thaws
// (SIGCONT), nothing it reports changes the job. Waits on bus events and process exits, no sleeps.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startTestServer } from '../helpers/server.js';
import type { Job } from '../../src/domain/index.js';
import type { JobChangeKind } from '../../src/events/index.js';
import { createJob } from '../../src/service/index.js';
import { WorkerPool } from '../../src/worker/index.js';

const root = new URL('../..', import.meta.url).pathname;

describe('a frozen worker', { timeout: 60_000 }, () => {
  it('loses its job when its lease runs out, and its late writes change nothing', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'longrun-frozen-'));
    const db = `sqlite:${join(dir, 'longrun.db')}`;
    // The API node's lease reaper hands the job back (worker pools do not reap); its sweep is quick here.
    const server = await startTestServer({ db, adminKey: null, sweepMs: 50 });
    let frozen: ChildProcess | null = null;
    let rescuer: WorkerPool | null = null;
    t.after(async () => {
      frozen?.kill('SIGKILL');
      await rescuer?.stop({ graceMs: 0 });
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const { deps } = server;
    const next = (id: string, kind: JobChangeKind) =>
      new Promise<Job>((resolve) => {
        const stop = deps.bus.onJob(id, (change) => {
          if (change.kind !== kind) return;
          stop();
          resolve(change.job);
        });
      });

    frozen = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'worker', '--db', db, '--concurrency', '1', '--lease-ms', '600'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await once(frozen.stdout!, 'data'); // the worker is up once it says so

    const principal = { accountId: server.firstStart!.accountId, apiKeyId: null, apiKeyUsed: null };
    const { job } = await createJob(deps, principal, { type: 'demo/sleep', input: { durationMs: 1500, steps: 15 } });
    const started = await next(job.id, 'started'); // relayed from the worker process by the feed
    assert.match(started.worker!, /^worker-/);
    frozen.kill('SIGSTOP');

    // The reaper hands back the expired lease; another worker retries the job and completes it.
    rescuer = new WorkerPool(deps, { concurrency: 1, sweepMs: 50, workerId: 'rescuer' });
    const completedNow = next(job.id, 'completed');
    rescuer.start();
    const completed = await completedNow;
    assert.equal(completed.status, 'completed');
    assert.equal(completed.worker, 'rescuer');
    assert.equal(completed.attempts, 2);
    assert.equal(completed.error, null);

    // Thaw the stale worker, let it run into its lost lease, then stop it cleanly.
    frozen.kill('SIGCONT');
    frozen.kill('SIGTERM');
    const [code] = await once(frozen, 'exit');
    assert.equal(code, 0);

    const after = await deps.store.jobGet({ id: job.id });
    assert.deepEqual(after, completed, 'the stale worker changed the completed job');
    const account = await deps.store.accountGet({ id: principal.accountId });
    assert.equal(account!.creditBalance, null);
  });
});
