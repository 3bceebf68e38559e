// A worker over the HTTP worker protocol reads an earlier job's file through the API
// (GET /v1/worker/jobs/:id/inputs/:fromJob/files/:name, fenced by its lease as every write): a chain
// html/pdf → pdf/extract runs on it end to end, and a missing file fails the job with
// input_file_missing as on a local worker. Listing the account's jobs it cannot do yet:
// jobs/export fails there with needs_local_worker, final and refunded.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RunningRemoteWorker, startRemoteWorker } from '../../src/runtime/index.js';
import { type TestAccount, type TestServer, downloadFile, runToEnd, startTestServer } from '../helpers/server.js';
import { issueWorkerKey } from './helpers.js';

describe('account reads over the HTTP worker protocol', () => {
  let server: TestServer;
  let account: TestAccount;
  let workerKey: string;
  let worker: RunningRemoteWorker;

  before(async () => {
    server = await startTestServer({ workers: 0 });
    account = await server.createAccount();
    workerKey = (await issueWorkerKey(server, ['demo/sleep', 'html/pdf', 'jobs/export', 'pdf/extract'])).key;
    worker = await startRemoteWorker({
      api: server.url,
      workerKey,
      concurrency: 1,
      graceMs: 1000,
      waitSeconds: 1,
      logLevel: 'silent',
      render: { chromiumPath: process.env.LONGRUN_CHROMIUM },
    });
  });
  after(async () => {
    await worker.close();
    await server.close();
  });

  it('runs html/pdf → pdf/extract on a remote worker: the second job reads the first one\'s file through the API', async () => {
    const rendered = await runToEnd(server, account, 'html/pdf', { html: '<p>Read back over the worker protocol.</p>' });
    assert.equal(rendered.status, 'completed', JSON.stringify(rendered.error));
    const extracted = await runToEnd(server, account, 'pdf/extract', { source: { fromJob: rendered.id, file: 'document.pdf' } });
    assert.equal(extracted.status, 'completed', JSON.stringify(extracted.error));
    assert.equal(extracted.worker, worker.pool.workerId);
    const markdown = (await downloadFile(server, account, (extracted.output as any).files[0].url)).toString('utf8');
    assert.match(markdown, /Read back over the worker protocol\./);
  });

  it('fails a missing file with input_file_missing, and jobs/export with needs_local_worker, both final and refunded', async () => {
    const earlier = await runToEnd(server, account, 'demo/sleep', { durationMs: 0 });
    const cases = [
      ['pdf/extract', { source: { fromJob: earlier.id, file: 'document.pdf' } }, 'input_file_missing', /has no file document\.pdf/],
      ['jobs/export', {}, 'needs_local_worker', /HTTP worker protocol/],
    ] as const;
    for (const [type, input, code, message] of cases) {
      const failed = await runToEnd(server, account, type, input);
      assert.equal(failed.status, 'failed', type);
      assert.equal(failed.error?.code, code, type);
      assert.match(failed.error?.message ?? '', message);
      assert.equal(failed.attempts, 1, type);
      assert.equal(failed.creditsRefunded, failed.creditsCharged, type);
    }
  });
});
