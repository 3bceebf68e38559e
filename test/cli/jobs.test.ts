// `longrun jobs` through the real CLI against a real server: a refused request shows every field
// problem the server named, not just its detail; `create --after` makes a job that waits; `import` sends a file of jobs in batches, again
// without doubling them, and names the file's line of a refused job.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runLongrun } from '../helpers/processes.js';
import { type TestAccount, type TestServer, jobTotal, startTestServer } from '../helpers/server.js';

describe('longrun jobs', () => {
  let server: TestServer;
  let account: TestAccount;

  before(async () => {
    server = await startTestServer();
    account = await server.createAccount();
  });
  after(async () => {
    await server.close();
  });

  it('prints every field problem of a refused create, one per line, and exits 1', async () => {
    const run = await runLongrun(['jobs', 'create', '--type', 'demo/sleep', '--input', '{"durationMs":"5","steps":"two"}', '--url', server.url, '--key', account.key]);
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(run.stderr.split('\n'), [
      'longrun: 400 invalid_request: The input does not match the demo/sleep schema: /input/durationMs: must be integer (and 1 more in errors)',
      '  /input/durationMs: must be integer',
      '  /input/steps: must be integer',
    ]);
    assert.equal(await jobTotal(server, account.accountId), 0);
  });

  it('creates a job that waits for others with --after, and shows the refusal of one that is not the account\'s', async () => {
    const later = await server.request('POST', '/v1/jobs', {
      key: account.key, body: { type: 'demo/sleep', input: { durationMs: 0 }, runAt: new Date(Date.now() + 3_600_000).toISOString() },
    });
    assert.equal(later.status, 201, later.text);
    const flags = ['--url', server.url, '--key', account.key, '--json'];
    const made = await runLongrun(['jobs', 'create', '--type', 'demo/sleep', '--input', '{"durationMs":0}', '--after', ` ${later.json.id} `, ...flags]);
    assert.equal(made.code, 0, made.stderr);
    const job = JSON.parse(made.stdout);
    assert.deepEqual([job.status, job.after, job.waitingFor], ['pending', [later.json.id], [later.json.id]]);
    const unknown = 'job_01KB0000000000000000000000';
    const refused = await runLongrun(['jobs', 'create', '--type', 'demo/sleep', '--input', '{"durationMs":0}', '--after', `${later.json.id},${unknown}`, ...flags]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`/after/1: no job ${unknown} in this account`));
  });

  it('imports a file of jobs in batches, and a second run of the same file creates none again', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'longrun-import-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const importer = await server.createAccount();
    const file = join(dir, 'jobs.ndjson');
    const lines = Array.from({ length: 5 }, (_, i) => JSON.stringify({ type: 'demo/sleep', input: { durationMs: 0 }, metadata: { line: String(i + 1) } }));
    writeFileSync(file, `${lines.slice(0, 3).join('\n')}\n\n${lines.slice(3).join('\n')}\n`);
    const args = ['jobs', 'import', file, '--batch', '2', '--json', '--url', server.url, '--key', importer.key];
    const first = await runLongrun(args);
    assert.equal(first.code, 0, first.stderr);
    const answer = JSON.parse(first.stdout) as { created: number; batches: number; ids: string[] };
    assert.deepEqual([answer.created, answer.batches], [5, 3]);
    const again = await runLongrun(args);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual((JSON.parse(again.stdout) as { ids: string[] }).ids, answer.ids, 'the same jobs, replayed');
    assert.equal(await jobTotal(server, importer.accountId), 5);
  });

  it('stops at a refused batch, naming the line of each bad job; the batches before it stay created', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'longrun-import-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const importer = await server.createAccount();
    const file = join(dir, 'jobs.ndjson');
    const good = JSON.stringify({ type: 'demo/sleep', input: { durationMs: 0 } });
    writeFileSync(file, [good, good, good, JSON.stringify({ type: 'demo/sleep', input: { durationMs: 'soon' } }), good].join('\n'));
    const run = await runLongrun(['jobs', 'import', file, '--batch', '2', '--url', server.url, '--key', importer.key]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /lines 3–4 were not imported/);
    assert.match(run.stderr, /^ {2}line 4 \/input\/durationMs: must be integer$/m);
    assert.equal(await jobTotal(server, importer.accountId), 2);
  });
});
