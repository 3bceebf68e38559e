// Job types declared without code, over real HTTP: PUT creates (201) or replaces (200), DELETE
// removes (204, then 404), GET /v1/job-types lists them as `remote` beside the `local` ones; a bad
// spec is 400 naming its field and stores nothing; a built-in name is 409; a job of a declared
// type is validated against the declared schema, charged, and waits (no local worker runs it).
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { TEST_ADMIN_KEY, type TestServer, balance, jobReaches, sleepJob, startTestServer } from '../helpers/server.js';

const admin = { key: TEST_ADMIN_KEY };

/** reverseSpec is a declared spec; its schema has a default and a private field. */
function reverseSpec(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    description: 'Reverses a text',
    inputSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['text'],
      properties: { text: { type: 'string', maxLength: 20 }, times: { type: 'integer', minimum: 1, default: 1 }, token: { type: 'string' } },
    },
    privateFields: ['token'],
    creditCost: 7,
    timeoutMs: 120_000,
    maxAttempts: 4,
    ...overrides,
  };
}

const paths = (answer: { json: { errors?: { path: string; in?: string }[] } }) => (answer.json.errors ?? []).map((e) => (e.in ? `${e.in} ${e.path}` : e.path));

describe('declared job types', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await startTestServer({ workers: 2 });
  });
  afterEach(async () => {
    await server.close();
  });

  it('declares a type (201), replaces it (200) and lists it as remote beside the local types', async () => {
    const created = await server.request('PUT', '/v1/admin/job-types/py/reverse', { ...admin, body: reverseSpec() });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.type, 'py/reverse');
    assert.equal(created.json.runsOn, 'remote');
    assert.equal(created.json.creditCost, 7);
    assert.deepEqual(created.json.privateFields, ['token']);
    assert.deepEqual(created.json.inputSchema, reverseSpec().inputSchema);
    assert.equal(created.json.createdAt, created.json.updatedAt);

    const replaced = await server.request('PUT', '/v1/admin/job-types/py/reverse', { ...admin, body: reverseSpec({ type: 'py/reverse', creditCost: 2 }) });
    assert.equal(replaced.status, 200, replaced.text);
    assert.equal(replaced.json.creditCost, 2);
    assert.equal(replaced.json.createdAt, created.json.createdAt);
    assert.notEqual(replaced.json.revision, created.json.revision);

    const { key } = await server.createAccount();
    const listed = await server.request('GET', '/v1/job-types', { key });
    assert.equal(listed.status, 200);
    const names = listed.json.map((t: { type: string }) => t.type);
    assert.deepEqual(names, [...names].sort((a: string, b: string) => a.localeCompare(b)), 'by name, as before');
    const remote = listed.json.find((t: { type: string }) => t.type === 'py/reverse');
    assert.deepEqual(remote, {
      type: 'py/reverse',
      description: 'Reverses a text',
      creditCost: 2,
      inputSchema: reverseSpec().inputSchema,
      privateFields: ['token'],
      timeoutMs: 120_000,
      maxAttempts: 4,
      runsOn: 'remote',
    });
    const sleep = listed.json.find((t: { type: string }) => t.type === 'demo/sleep');
    assert.equal(sleep.runsOn, 'local');
    assert.equal(listed.json.filter((t: { runsOn: string }) => t.runsOn === 'remote').length, 1);
    // The operator's list (the dashboard's admin view) is the same list, for the admin key only.
    const operators = await server.request('GET', '/v1/admin/job-types', admin);
    assert.equal(operators.status, 200, operators.text);
    assert.deepEqual(operators.json, listed.json);
    assert.equal((await server.request('GET', '/v1/admin/job-types', { key })).status, 403);
  });

  it('takes a name given URL-encoded as the same type', async () => {
    const answer = await server.request('PUT', '/v1/admin/job-types/py%2Freverse', { ...admin, body: reverseSpec() });
    assert.equal(answer.status, 201, answer.text);
    assert.equal(answer.json.type, 'py/reverse');
  });

  it('refuses a bad spec with 400 naming the field, and stores nothing', async () => {
    const schema = (inputSchema: unknown) => reverseSpec({ inputSchema });
    const cases: [string, Record<string, unknown>, string][] = [
      ['py/reverse', reverseSpec({ description: undefined }), '/description'],
      ['py/reverse', reverseSpec({ creditCost: -1 }), '/creditCost'],
      ['py/reverse', reverseSpec({ timeoutMs: 0 }), '/timeoutMs'],
      ['py/reverse', reverseSpec({ maxAttempts: 101 }), '/maxAttempts'],
      ['py/reverse', reverseSpec({ privateFields: ['a', 'a'] }), '/privateFields'],
      ['py/reverse', reverseSpec({ extra: true }), '/extra'],
      ['py/reverse', reverseSpec({ type: 'py/other' }), '/type'],
      ['py/reverse', schema({ type: 'array' }), '/inputSchema'],
      ['py/reverse', schema({ type: 'object', properties: { text: { type: 'strin' } } }), '/inputSchema'],
      ['py/reverse', schema({ type: 'object', propertees: {} }), '/inputSchema'],
      ['py/reverse', schema({ type: 'object', properties: { text: { type: 'string', pattern: '(' } } }), '/inputSchema'],
      ['Py/Reverse', reverseSpec(), 'path type'],
      ['py//reverse', reverseSpec(), 'path type'],
      ['', reverseSpec(), 'path type'],
    ];
    for (const [type, body, path] of cases) {
      const answer = await server.request('PUT', `/v1/admin/job-types/${type}`, { ...admin, body });
      assert.equal(answer.status, 400, `${type} ${JSON.stringify(body)}: ${answer.text}`);
      assert.equal(answer.json.code, 'invalid_request');
      assert.deepEqual(paths(answer), [path], answer.text);
    }
    assert.deepEqual(await server.store.jobTypeSpecList(), []);
  });

  it('says why a schema does not compile', async () => {
    const answer = await server.request('PUT', '/v1/admin/job-types/py/reverse', {
      ...admin,
      body: reverseSpec({ inputSchema: { type: 'object', properties: { text: { type: 'strin' } } } }),
    });
    assert.equal(answer.status, 400);
    assert.match(answer.json.detail, /^The job type spec is not valid: \/inputSchema: is not a JSON Schema this server can use: .*type/);
  });

  it('refuses the name of a built-in type with 409 job_type_conflict', async () => {
    const answer = await server.request('PUT', '/v1/admin/job-types/demo/sleep', { ...admin, body: reverseSpec() });
    assert.equal(answer.status, 409, answer.text);
    assert.equal(answer.json.code, 'job_type_conflict');
    assert.match(answer.json.detail, /demo\/sleep/);
    assert.equal(await server.store.jobTypeSpecGet({ type: 'demo/sleep' }), null);
  });

  it('lets only the admin key declare or delete', async () => {
    const { key } = await server.createAccount();
    for (const method of ['PUT', 'DELETE']) {
      const body = method === 'PUT' ? reverseSpec() : undefined;
      assert.equal((await server.request(method, '/v1/admin/job-types/py/reverse', { key, body })).status, 403);
      assert.equal((await server.request(method, '/v1/admin/job-types/py/reverse', { body })).status, 401);
    }
    assert.deepEqual(await server.store.jobTypeSpecList(), []);
  });

  it('creates, charges and queues a job of a declared type, which waits while local workers run theirs', async () => {
    await server.request('PUT', '/v1/admin/job-types/py/reverse', { ...admin, body: reverseSpec() });
    const { key, accountId } = await server.createAccount({ credits: 100 });
    const created = await server.request('POST', '/v1/jobs', { key, body: { type: 'py/reverse', input: { text: 'hello', token: 'secret' } } });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.status, 'pending');
    assert.equal(created.json.creditsCharged, 7);
    assert.equal(created.json.maxAttempts, 4);
    assert.equal(created.json.timeoutMs, 120_000);
    assert.deepEqual(created.json.input, { text: 'hello' }, 'the private field hidden');
    assert.equal(await balance(server, accountId), 93);
    const stored = await server.store.jobGet({ id: created.json.id });
    assert.deepEqual(stored?.privateInput, { token: 'secret' });

    // The local workers claim a job made after it and finish it; the declared type's job still waits.
    const sleep = await server.request('POST', '/v1/jobs', { key, body: sleepJob() });
    await jobReaches(server, sleep.json.id, (job) => job.status === 'completed');
    const after = await server.request('GET', `/v1/jobs/${created.json.id}`, { key });
    assert.equal(after.json.status, 'pending');
    assert.equal(after.json.attempts, 0);
  });

  it('validates a job against the declared schema, and against the replaced one at once', async () => {
    await server.request('PUT', '/v1/admin/job-types/py/reverse', { ...admin, body: reverseSpec() });
    const { key } = await server.createAccount({ credits: 100 });
    const tooLong = await server.request('POST', '/v1/jobs', { key, body: { type: 'py/reverse', input: { text: 'x'.repeat(21) } } });
    assert.equal(tooLong.status, 400);
    assert.deepEqual(paths(tooLong), ['/input/text']);
    const missing = await server.request('POST', '/v1/jobs', { key, body: { type: 'py/reverse', input: {} } });
    assert.deepEqual(paths(missing), ['/input/text']);

    const words = { type: 'object', additionalProperties: false, required: ['words'], properties: { words: { type: 'array', items: { type: 'string' } } } };
    await server.request('PUT', '/v1/admin/job-types/py/reverse', { ...admin, body: reverseSpec({ inputSchema: words, privateFields: [] }) });
    const old = await server.request('POST', '/v1/jobs', { key, body: { type: 'py/reverse', input: { text: 'hello' } } });
    assert.equal(old.status, 400, old.text);
    assert.deepEqual(paths(old).sort(), ['/input/text', '/input/words']);
    const fresh = await server.request('POST', '/v1/jobs', { key, body: { type: 'py/reverse', input: { words: ['a', 'b'] } } });
    assert.equal(fresh.status, 201, fresh.text);

    // Deleted and declared again: the new spec counts, not a copy compiled from the first.
    assert.equal((await server.request('DELETE', '/v1/admin/job-types/py/reverse', admin)).status, 204);
    await server.request('PUT', '/v1/admin/job-types/py/reverse', { ...admin, body: reverseSpec() });
    assert.equal((await server.request('POST', '/v1/jobs', { key, body: { type: 'py/reverse', input: { text: 'hi' } } })).status, 201);
  });

  it('deletes a declared type (204, then 404): new jobs are refused, a job already made still waits', async () => {
    await server.request('PUT', '/v1/admin/job-types/py/reverse', { ...admin, body: reverseSpec() });
    const { key } = await server.createAccount();
    const job = await server.request('POST', '/v1/jobs', { key, body: { type: 'py/reverse', input: { text: 'hi' } } });
    assert.equal(job.status, 201);

    const deleted = await server.request('DELETE', '/v1/admin/job-types/py/reverse', admin);
    assert.equal(deleted.status, 204, deleted.text);
    const again = await server.request('DELETE', '/v1/admin/job-types/py/reverse', admin);
    assert.equal(again.status, 404);
    assert.equal(again.json.code, 'not_found');
    assert.equal((await server.request('DELETE', '/v1/admin/job-types/demo/sleep', admin)).status, 404);

    const refused = await server.request('POST', '/v1/jobs', { key, body: { type: 'py/reverse', input: { text: 'hi' } } });
    assert.equal(refused.status, 400);
    assert.equal(refused.json.code, 'unknown_job_type');
    const listed = await server.request('GET', '/v1/job-types', { key });
    assert.ok(!listed.json.some((t: { type: string }) => t.type === 'py/reverse'));
    assert.equal((await server.request('GET', `/v1/jobs/${job.json.id}`, { key })).json.status, 'pending');
  });

  it('documents the routes in /openapi.json under {type}, with an example body the server accepts', async () => {
    const doc = (await server.request('GET', '/openapi.json')).json;
    const put = doc.paths['/v1/admin/job-types/{type}']?.put;
    assert.ok(put, Object.keys(doc.paths).join(', '));
    assert.ok(doc.paths['/v1/admin/job-types/{type}'].delete);
    assert.deepEqual(put.parameters.map((p: { in: string; name: string }) => `${p.in} ${p.name}`), ['path type']);
    const example = put.requestBody.content['application/json'].example;
    const answer = await server.request('PUT', '/v1/admin/job-types/docs/example', { ...admin, body: example });
    assert.equal(answer.status, 201, answer.text);
    const listed = doc.paths['/v1/job-types'].get.responses['200'].content['application/json'].schema.items.properties;
    assert.deepEqual(listed.runsOn.enum, ['local', 'remote']);
  });
});
