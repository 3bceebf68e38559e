// A worker over the HTTP worker protocol reads an earlier job's file through the API
// (GET /v1/worker/jobs/:id/inputs/:fromJob/files/:name, fenced by its lease as every write): a chain
// html/pdf → pdf/extract runs on it end to end, and a missing file fails the job with
// input_file_missing as on a local worker. It lists the attempt's own account's jobs through the
// API too (GET /v1/worker/jobs/:id/account-jobs, lease-fenced): jobs/export runs on it, page by
// page, to a CSV a parser reads back to the jobs the list route answers, and never another
// account's; the route refuses a lease that no longer holds.
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { after, before, describe, it } from 'node:test';
import { type RunningRemoteWorker, startRemoteWorker } from '../../src/runtime/index.js';
import { type TestAccount, type TestServer, downloadFile, runToEnd, startTestServer } from '../helpers/server.js';
import { assertLeaseLost, issueWorkerKey, workerClient } from './helpers.js';

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

  it('fails a missing file with input_file_missing, final and refunded', async () => {
    const earlier = await runToEnd(server, account, 'demo/sleep', { durationMs: 0 });
    const failed = await runToEnd(server, account, 'pdf/extract', { source: { fromJob: earlier.id, file: 'document.pdf' } });
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error?.code, 'input_file_missing');
    assert.match(failed.error?.message ?? '', /has no file document\.pdf/);
    assert.equal(failed.attempts, 1);
    assert.equal(failed.creditsRefunded, failed.creditsCharged);
  });

  it('runs jobs/export on a remote worker: the CSV reads back to the jobs the list route answers, none of another account', async () => {
    const other = await server.createAccount();
    for (let i = 0; i < 5; i++) await runToEnd(server, account, 'demo/sleep', { durationMs: 0 }, { metadata: { batch: 'remote-export', i: String(i) } });
    await runToEnd(server, other, 'demo/sleep', { durationMs: 0 }, { metadata: { batch: 'remote-export' } });
    // maxRows 3 of 5: the handler asks for a page of 3, and says more matched.
    const exported = await runToEnd(server, account, 'jobs/export', { type: 'demo/sleep', metadata: 'batch:remote-export', maxRows: 3 });
    assert.equal(exported.status, 'completed', JSON.stringify(exported.error));
    assert.equal(exported.worker, worker.pool.workerId);
    const output = exported.output as any;
    assert.deepEqual([output.rows, output.truncated], [3, true]);
    const records: Record<string, string>[] = parse((await downloadFile(server, account, output.files[0].url)).toString('utf8'), { columns: true });
    const listed = (await server.request('GET', '/v1/jobs?type=demo/sleep&metadata=batch:remote-export&limit=3', { key: account.key })).json.data;
    assert.deepEqual(records.map((r) => r.id), listed.map((j: { id: string }) => j.id));
    assert.deepEqual(records.map((r) => r.createdAt), listed.map((j: { createdAt: string }) => j.createdAt));
    assert.ok(records.every((r) => JSON.parse(r.metadata!).batch === 'remote-export' && r.finishedAt !== ''));

    const all = await runToEnd(server, account, 'jobs/export', { type: 'demo/sleep', metadata: 'batch:remote-export', format: 'ndjson' });
    assert.equal(all.status, 'completed', JSON.stringify(all.error));
    assert.deepEqual([(all.output as any).rows, (all.output as any).truncated], [5, false]);
  });

  it('pages the account listing by cursor, as the list route does, with the attempt\'s account only', async () => {
    // A type the running remote worker does not serve, claimed here by hand to hold a lease.
    const key = (await issueWorkerKey(server, ['image/transform'], 'by hand')).key;
    const held = await server.request('POST', '/v1/jobs', { key: account.key, body: { type: 'image/transform', input: { source: 'https://93.184.215.14/a.png' } } });
    assert.equal(held.status, 201, held.text);
    const claimed = await workerClient(server, key).claimOne();
    const pageOf = (query: string) => server.request('GET', `/v1/worker/jobs/${claimed.id}/account-jobs?${query}`, { key, headers: { 'longrun-lease': claimed.leaseToken } });
    const listed = (await server.request('GET', '/v1/jobs?type=demo/sleep&limit=100', { key: account.key })).json.data.map((j: { id: string }) => j.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await pageOf(`type=demo/sleep&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(page.status, 200, page.text);
      assert.equal(page.json.total, listed.length);
      assert.ok(page.json.jobs.length <= 2);
      assert.ok(page.json.jobs.every((j: { privateInput?: unknown; leaseToken?: unknown }) => !('privateInput' in j) && !('leaseToken' in j)));
      seen.push(...page.json.jobs.map((j: { id: string }) => j.id));
      cursor = page.json.nextCursor;
    } while (cursor !== null);
    assert.deepEqual(seen, listed);
    const bad = await pageOf('status=finished');
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.json.errors[0].path, 'status');
  });

  it('refuses the account listing without a lease that holds the job', async () => {
    const done = await runToEnd(server, account, 'demo/sleep', { durationMs: 0 });
    const answer = await server.request('GET', `/v1/worker/jobs/${done.id}/account-jobs?limit=10`, { key: workerKey, headers: { 'longrun-lease': 'not-the-lease' } });
    assertLeaseLost(answer, 'superseded');
    assert.equal(answer.json.jobs, undefined);
  });
});
