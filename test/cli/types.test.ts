// `longrun types` through the real CLI on a SQLite file, beside a real server already running on
// the same file: a type put from a file is accepted by the server's very next create, replaced,
// listed beside the types in code, refused with its field problems or a taken name, and deleted.
// Most commands run in this process (runCli, test/helpers/cliInProcess.ts); the first put and a
// refusal go through a real `longrun` process, so its exit codes and output are checked there too.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runLongrunInProcess as longrun } from '../helpers/cliInProcess.js';
import { runLongrun } from '../helpers/processes.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

const SPEC = {
  type: 'py/reverse',
  description: 'Reverses a text',
  inputSchema: { type: 'object', additionalProperties: false, required: ['text'], properties: { text: { type: 'string' } } },
  privateFields: [],
  creditCost: 3,
  timeoutMs: 60_000,
  maxAttempts: 2,
};

// A --handlers module without the `longrun` package: a plain definition is checked as defineJobType would.
const HANDLERS = `export default [{ type: 'test/local', description: 'Runs here.', inputSchema: { type: 'object' }, creditCost: 0, timeoutMs: 1000, maxAttempts: 1, run: () => null }];`;

describe('longrun types', () => {
  let dir: string;
  let db: string;
  let server: TestServer;
  let key: string;
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  const create = async (input: Record<string, unknown>) => server.request('POST', '/v1/jobs', { key, body: { type: 'py/reverse', input } });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'longrun-types-'));
    db = `sqlite:${join(dir, 'longrun.db')}`;
    server = await startTestServer({ db });
    ({ key } = await server.createAccount({ credits: 100 }));
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('declares the type a file describes, which the running server accepts at once', async () => {
    assert.equal((await create({ text: 'hi' })).json.code, 'unknown_job_type');
    const run = await runLongrun(['types', 'put', file('reverse.json', SPEC), '--db', db]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'declared py/reverse: 3 credits, 60000 ms per attempt, 2 attempts');
    const job = await create({ text: 'hi' });
    assert.equal(job.status, 201, job.text);
    assert.equal(job.json.creditsCharged, 3);
    assert.equal((await create({ text: 1 })).status, 400);
  });

  it('replaces it from a changed file, and says so (--json: as the API shows it)', async () => {
    const run = await longrun(['types', 'put', file('reverse2.json', { ...SPEC, creditCost: 4 }), '--db', db, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const view = JSON.parse(run.stdout);
    assert.equal(view.type, 'py/reverse');
    assert.equal(view.creditCost, 4);
    assert.equal(view.runsOn, 'remote');
    assert.notEqual(view.createdAt, view.updatedAt);
    assert.equal((await create({ text: 'hi' })).json.creditsCharged, 4);
  });

  it('lists the declared types beside the types in code', async () => {
    const run = await longrun(['types', 'list', '--db', db]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^py\/reverse\s+remote\s+4 cr\s+60000 ms\s+×2\s+Reverses a text$/m);
    assert.match(run.stdout, /^demo\/sleep\s+local\s/m);
    assert.match(run.stdout, /^\d+ types, 1 declared \(remote\)$/m);
    const json = await longrun(['types', 'list', '--db', db, '--json']);
    const listed = JSON.parse(json.stdout);
    const answer = await server.request('GET', '/v1/job-types', { key });
    assert.deepEqual(listed, answer.json, 'the same list as GET /v1/job-types');
  });

  it('refuses a bad file with every field problem, changing nothing', async () => {
    const before = await server.store.jobTypeSpecList();
    const cases: [string, unknown, RegExp, number][] = [
      ['no-cost.json', { ...SPEC, creditCost: undefined }, /no-cost\.json: \/creditCost: is required/, 1],
      ['two.json', { ...SPEC, creditCost: -1, maxAttempts: 0 }, /two\.json: \/creditCost: must be >= 0; \/maxAttempts: must be >= 1/, 1],
      ['schema.json', { ...SPEC, inputSchema: { type: 'object', properties: { text: { type: 'strin' } } } }, /schema\.json: \/inputSchema: is not a JSON Schema/, 1],
      ['name.json', { ...SPEC, type: 'Py Reverse' }, /name\.json: \/type: must be lowercase words joined by "\/"/, 1],
      ['unnamed.json', { ...SPEC, type: undefined }, /unnamed\.json: \/type: is required/, 2],
      ['broken.json', '{"type": ', /broken\.json is not JSON/, 2],
      ['list.json', [SPEC], /list\.json must hold a JSON object/, 2],
    ];
    for (const [name, content, message, code] of cases) {
      const run = await longrun(['types', 'put', file(name, content), '--db', db]);
      assert.equal(run.code, code, `${name}: ${run.stderr}`);
      assert.match(run.stderr, message, name);
    }
    const missing = await runLongrun(['types', 'put', join(dir, 'nowhere.json'), '--db', db]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read .*nowhere\.json: no such file/);
    assert.deepEqual(await server.store.jobTypeSpecList(), before);
  });

  it('refuses the name of a built-in type or of a type in the --handlers module', async () => {
    const builtIn = await longrun(['types', 'put', file('sleep.json', { ...SPEC, type: 'demo/sleep' }), '--db', db]);
    assert.equal(builtIn.code, 1);
    assert.match(builtIn.stderr, /Job type "demo\/sleep" runs on this server/);
    const handlers = file('handlers.mjs', HANDLERS);
    const local = await longrun(['types', 'put', file('local.json', { ...SPEC, type: 'test/local' }), '--db', db, '--handlers', handlers]);
    assert.equal(local.code, 1, local.stderr);
    assert.match(local.stderr, /Job type "test\/local" runs on this server/);
    const listed = await longrun(['types', 'list', '--db', db, '--handlers', handlers]);
    assert.match(listed.stdout, /^test\/local\s+local\s/m);
    assert.equal(await server.store.jobTypeSpecGet({ type: 'test/local' }), null);
  });

  it('deletes a declared type: the server refuses new jobs of it at once', async () => {
    const run = await longrun(['types', 'delete', 'py/reverse', '--db', db]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^deleted py\/reverse/);
    assert.equal((await create({ text: 'hi' })).json.code, 'unknown_job_type');
    const again = await longrun(['types', 'delete', 'py/reverse', '--db', db]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /Job type "py\/reverse" is not declared/);
  });

  it('prints its help without opening the store, and names a missing argument', async () => {
    const dataDir = join(dir, 'never-made');
    for (const args of [['types'], ['types', '--help', '--data-dir', dataDir], ['help', 'types'], ['types', 'put', '-h', '--data-dir', dataDir]]) {
      const run = await longrun(args);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^Usage: longrun types <put\|list\|delete>/);
    }
    assert.equal(existsSync(dataDir), false);
    const noFile = await longrun(['types', 'put', '--db', db]);
    assert.equal(noFile.code, 2);
    assert.match(noFile.stderr, /longrun types put needs a file/);
    const unknown = await longrun(['types', 'show', '--db', db]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown action "show"/);
  });
});
