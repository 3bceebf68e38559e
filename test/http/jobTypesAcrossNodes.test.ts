// Two API nodes on one PostgreSQL schema, each its own runtime: a job type declared, replaced or
// deleted through one is what the other checks its very next create against. No cache to wait
// out: the other node reads the declared spec from the store and recompiles a changed revision.
// Needs LONGRUN_TEST_POSTGRES_URL.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import pg from 'pg';
import { TEST_ADMIN_KEY, balance, startTestServer } from '../helpers/server.js';

const url = process.env.LONGRUN_TEST_POSTGRES_URL;
const admin = { key: TEST_ADMIN_KEY };

const spec = (properties: Record<string, unknown>, required: string[]) => ({
  description: 'Reverses a text',
  inputSchema: { type: 'object', additionalProperties: false, required, properties },
  creditCost: 5,
  timeoutMs: 60_000,
  maxAttempts: 2,
});

describe('declared job types across API nodes', url ? {} : { skip: 'LONGRUN_TEST_POSTGRES_URL is not set' }, () => {
  it('are accepted, replaced and refused on one node as soon as the other answered', async (t) => {
    const schema = `longrun_test_${randomBytes(6).toString('hex')}`;
    t.after(async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    });
    const db = `${url}${url!.includes('?') ? '&' : '?'}schema=${schema}`;
    const first = await startTestServer({ db });
    t.after(() => first.close());
    const second = await startTestServer({ db, workers: 2 });
    t.after(() => second.close());
    const { key, accountId } = await first.createAccount({ credits: 100 });
    const create = (input: Record<string, unknown>) => second.request('POST', '/v1/jobs', { key, body: { type: 'py/reverse', input } });

    // Unknown on the second node before: a miss is not remembered either.
    assert.equal((await create({ text: 'hi' })).json.code, 'unknown_job_type');

    const declared = await first.request('PUT', '/v1/admin/job-types/py/reverse', { ...admin, body: spec({ text: { type: 'string' } }, ['text']) });
    assert.equal(declared.status, 201, declared.text);
    const job = await create({ text: 'hi' });
    assert.equal(job.status, 201, job.text);
    assert.equal(job.json.creditsCharged, 5);
    assert.equal(job.json.status, 'pending');
    assert.equal(await balance(second, accountId), 95);
    const listed = await second.request('GET', '/v1/job-types', { key });
    assert.equal(listed.json.find((type: { type: string }) => type.type === 'py/reverse')?.runsOn, 'remote');

    // Replaced through the first node: the second node's compiled copy is stale and not used.
    const replaced = await first.request('PUT', '/v1/admin/job-types/py/reverse', { ...admin, body: spec({ words: { type: 'array' } }, ['words']) });
    assert.equal(replaced.status, 200, replaced.text);
    const old = await create({ text: 'hi' });
    assert.equal(old.status, 400, old.text);
    assert.deepEqual(old.json.errors.map((e: { path: string }) => e.path).sort(), ['/input/text', '/input/words']);
    assert.equal((await create({ words: ['a'] })).status, 201);

    assert.equal((await first.request('DELETE', '/v1/admin/job-types/py/reverse', admin)).status, 204);
    assert.equal((await create({ words: ['a'] })).json.code, 'unknown_job_type');
    assert.equal((await second.request('GET', `/v1/jobs/${job.json.id}`, { key })).json.status, 'pending');
  });
});
