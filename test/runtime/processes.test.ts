// What the runtime starts in each kind of process: every process runs the lease reaper (an API
// node with no workers too), retention runs where it is configured, and webhooks are sent where
// workers run. In process, on in-memory SQLite; nothing here waits on a timer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnservableJobTypeError, startServer, startWorker } from '../../src/runtime/index.js';

const SERVE = { host: '127.0.0.1', port: 0, db: 'sqlite::memory:', durability: 'full', graceMs: 0, bodyLimit: 1 << 20, adminKey: null, logLevel: 'silent' } as const;

describe('the runtime', () => {
  it('runs the reaper, and neither workers nor webhooks, on an API node with --workers 0', async (t) => {
    const server = await startServer({ ...SERVE, workers: 0 });
    t.after(() => server.close());
    assert.equal(server.pool, null);
    assert.ok(server.maintenance.reaper);
    assert.equal(server.reaper, server.maintenance.reaper);
    assert.equal(server.maintenance.webhooks, null);
    assert.equal(server.maintenance.retention, null);
  });

  it('runs workers, the reaper, webhooks and retention when asked to', async (t) => {
    const server = await startServer({ ...SERVE, workers: 1, retentionDays: 30 });
    t.after(() => server.close());
    assert.ok(server.pool);
    assert.ok(server.maintenance.reaper);
    assert.equal(server.webhooks, server.maintenance.webhooks);
    assert.ok(server.maintenance.webhooks);
    assert.ok(server.maintenance.retention);
  });

  it('runs workers, the reaper and webhooks in a worker process, and no retention', async (t) => {
    const worker = await startWorker({ db: 'sqlite::memory:', durability: 'full', concurrency: 2, types: ['demo/sleep'], graceMs: 0, logLevel: 'silent' });
    t.after(() => worker.close());
    assert.deepEqual(worker.pool.types, ['demo/sleep']);
    assert.ok(worker.maintenance.reaper);
    assert.ok(worker.maintenance.webhooks);
    assert.equal(worker.maintenance.retention, null);
    assert.equal(worker.metricsUrl, null);
  });

  it('refuses a worker for a job type nobody registered', async () => {
    await assert.rejects(
      startWorker({ db: 'sqlite::memory:', durability: 'full', concurrency: 1, types: ['no/such'], graceMs: 0, logLevel: 'silent' }),
      (error: unknown) => error instanceof UnservableJobTypeError && error.type === 'no/such' && error.runnable.includes('demo/sleep'),
    );
  });
});
