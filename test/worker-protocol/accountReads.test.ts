// What a worker over the HTTP worker protocol cannot do yet: read an earlier job's file or the
// account's jobs. A job that needs either fails, final and refunded, with needs_local_worker,
// rather than looking as if the file or the jobs were missing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RunningRemoteWorker, startRemoteWorker } from '../../src/runtime/index.js';
import { type TestAccount, type TestServer, runToEnd, startTestServer } from '../helpers/server.js';
import { issueWorkerKey } from './helpers.js';

describe('account reads over the HTTP worker protocol', () => {
  let server: TestServer;
  let account: TestAccount;
  let worker: RunningRemoteWorker;

  before(async () => {
    server = await startTestServer({ workers: 0 });
    account = await server.createAccount();
    const { key } = await issueWorkerKey(server, ['demo/sleep', 'jobs/export', 'pdf/extract']);
    worker = await startRemoteWorker({ api: server.url, workerKey: key, concurrency: 1, graceMs: 1000, logLevel: 'silent' });
  });
  after(async () => {
    await worker.close();
    await server.close();
  });

  it('fails jobs/export and a { fromJob, file } source with needs_local_worker, final and refunded', async () => {
    const earlier = await runToEnd(server, account, 'demo/sleep', { durationMs: 0 });
    assert.equal(earlier.status, 'completed');
    for (const [type, input] of [
      ['jobs/export', {}],
      ['pdf/extract', { source: { fromJob: earlier.id, file: 'document.pdf' } }],
    ] as const) {
      const failed = await runToEnd(server, account, type, input);
      assert.equal(failed.status, 'failed', type);
      assert.equal(failed.error?.code, 'needs_local_worker', type);
      assert.match(failed.error?.message ?? '', /HTTP worker protocol/);
      assert.equal(failed.attempts, 1, type);
      assert.equal(failed.creditsRefunded, failed.creditsCharged, type);
    }
  });
});
