// jobs/export end to end: a real server with a worker exports the account's jobs, filtered as the
// list route filters them, to a CSV that csv-parse reads back to the very jobs the list route
// answers (metadata with commas, quotes and line breaks included), or to NDJSON; another
// account's jobs never appear; a bad filter is refused at create naming the field.
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { after, before, describe, it } from 'node:test';
import { EXPORT_COLUMNS } from '../../src/jobtypes/export/index.js';
import { type TestAccount, type TestServer, downloadFile, runToEnd, startTestServer } from '../helpers/server.js';

let server: TestServer;
let owner: TestAccount;
let other: TestAccount;

before(async () => {
  server = await startTestServer({ workers: 1 });
  owner = await server.createAccount();
  other = await server.createAccount();
  await runToEnd(server, owner, 'demo/sleep', { durationMs: 0 }, { metadata: { note: 'plain' } });
  await runToEnd(server, owner, 'demo/sleep', { durationMs: 0 }, { metadata: { note: 'a "quoted", comma\nand a second line' } });
  await runToEnd(server, owner, 'demo/sleep', { durationMs: 0, failAt: 1, failCode: 'asked_to_fail' });
  await runToEnd(server, owner, 'demo/sleep', { durationMs: 0 }, { metadata: { order: 3 } });
  await runToEnd(server, other, 'demo/sleep', { durationMs: 0 }, { metadata: { note: 'not yours' } });
});
after(async () => {
  await server.close();
});

describe('jobs/export', () => {
  it('writes a CSV that a CSV parser reads back to the jobs the list route answers for the same filter', async () => {
    const exported = await runToEnd(server, owner, 'jobs/export', { status: 'completed,failed', type: 'demo/sleep' });
    assert.equal(exported.status, 'completed', JSON.stringify(exported.error));
    const output = exported.output as any;
    const listed = (await server.request('GET', '/v1/jobs?status=completed,failed&type=demo/sleep&limit=100', { key: owner.key })).json.data;
    assert.equal(listed.length, 4);
    assert.deepEqual([output.rows, output.truncated, output.format], [4, false, 'csv']);
    assert.equal(output.files[0].name, 'jobs.csv');
    assert.equal(output.files[0].contentType, 'text/csv; charset=utf-8');

    const records: Record<string, string>[] = parse((await downloadFile(server, owner, output.files[0].url)).toString('utf8'), { columns: true });
    assert.deepEqual(Object.keys(records[0]!), [...EXPORT_COLUMNS]);
    assert.deepEqual(records.map((r) => r.id), listed.map((j: any) => j.id));
    for (const [i, record] of records.entries()) {
      const job = listed[i];
      assert.equal(record.status, job.status);
      assert.equal(record.createdAt, job.createdAt);
      assert.equal(record.finishedAt, job.completedAt ?? job.failedAt);
      assert.equal(Number(record.creditsCharged), job.creditsCharged);
      assert.equal(Number(record.creditsRefunded), job.creditsRefunded);
      assert.equal(record.errorCode, job.error?.code ?? '');
      assert.deepEqual(JSON.parse(record.metadata!), job.metadata);
    }
    assert.ok(records.some((r) => JSON.parse(r.metadata!).note === 'a "quoted", comma\nand a second line'));
    assert.ok(records.every((r) => !r.metadata!.includes('not yours')));
  });

  it('writes NDJSON, one job per line, and stops at maxRows saying it was truncated', async () => {
    const exported = await runToEnd(server, owner, 'jobs/export', { format: 'ndjson', type: 'demo/sleep', maxRows: 3 });
    const output = exported.output as any;
    assert.deepEqual([output.rows, output.truncated, output.files[0].name], [3, true, 'jobs.ndjson']);
    const lines = (await downloadFile(server, owner, output.files[0].url)).toString('utf8').trimEnd().split('\n').map((line) => JSON.parse(line));
    const newest = (await server.request('GET', '/v1/jobs?type=demo/sleep&limit=3', { key: owner.key })).json.data;
    assert.deepEqual(lines.map((l) => l.id), newest.map((j: any) => j.id));
    assert.deepEqual(lines[0].metadata, newest[0].metadata);
  });

  it('refuses a status that is not one at create, naming /input/status', async () => {
    const refused = await server.request('POST', '/v1/jobs', { key: owner.key, body: { type: 'jobs/export', input: { status: 'done' } } });
    assert.equal(refused.status, 400);
    assert.equal(refused.json.errors[0].path, '/input/status');
    assert.match(refused.json.errors[0].message, /must be one of pending, running, completed, failed, cancelled/);
  });
});
