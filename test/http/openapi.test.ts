// /openapi.json as a client fetches it from a real server: the request headers the API reads are
// documented, every error answer is application/problem+json, the streams are text/event-stream,
// a file download is bytes, the probes need no key, and /docs' "Try it out" body for
// POST /v1/jobs (with its example headers) is accepted as it stands by a fresh server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type TestServer, startTestServer } from '../helpers/server.js';

type Operation = { parameters?: { in: string; name: string; example?: unknown }[]; responses: Record<string, { content?: Record<string, unknown> }>; security?: unknown[]; requestBody?: any };

describe('GET /openapi.json', () => {
  let server: TestServer;
  let doc: { paths: Record<string, Record<string, Operation>>; security: unknown[] };
  before(async () => {
    server = await startTestServer();
    const answer = await server.request('GET', '/openapi.json');
    assert.equal(answer.status, 200);
    doc = answer.json;
  });
  after(() => server.close());

  const operation = (path: string, method: string) => {
    const found = doc.paths[path]?.[method];
    assert.ok(found, `${method.toUpperCase()} ${path} is documented`);
    return found;
  };
  const headerParams = (op: Operation) => (op.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name.toLowerCase());
  const operations = () => Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));

  it('documents the Prefer, Idempotency-Key, Last-Event-ID and Range request headers', () => {
    assert.deepEqual(headerParams(operation('/v1/jobs', 'post')).sort(), ['idempotency-key', 'prefer']);
    assert.deepEqual(headerParams(operation('/v1/jobs/{id}/events', 'get')), ['last-event-id']);
    assert.deepEqual(headerParams(operation('/v1/jobs/{id}/files/{name}', 'get')), ['range']);
  });

  it('types every error answer application/problem+json, and none application/json', () => {
    let errorAnswers = 0;
    for (const { path, method, op } of operations()) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (!/^[45]/.test(status)) continue;
        errorAnswers += 1;
        assert.deepEqual(Object.keys(response.content ?? {}), ['application/problem+json'], `${method} ${path} ${status}`);
      }
    }
    assert.ok(errorAnswers > 30, `only ${errorAnswers} error answers documented`);
  });

  it('gives the SSE routes a text/event-stream answer and the file download a binary one', () => {
    for (const path of ['/v1/jobs/{id}/events', '/v1/events']) {
      assert.deepEqual(Object.keys(operation(path, 'get').responses['200']?.content ?? {}), ['text/event-stream'], path);
    }
    const file = operation('/v1/jobs/{id}/files/{name}', 'get');
    for (const status of ['200', '206']) {
      const content = file.responses[status]?.content ?? {};
      assert.ok(!('application/json' in content), `file ${status} is not JSON`);
      assert.deepEqual(Object.values(content).map((media: any) => media.schema), [{ type: 'string', format: 'binary' }]);
    }
  });

  it('shows no padlock on /healthz, /readyz and /metrics, and one on every /v1 route', async () => {
    assert.ok(doc.security.length > 0, 'a key is the default');
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      assert.deepEqual(operation(path, 'get').security, [], path);
      assert.equal((await server.request('GET', path)).status, 200, `${path} answers without a key`);
    }
    for (const { path, method, op } of operations().filter((o) => o.path.startsWith('/v1/'))) {
      assert.ok(op.security === undefined || op.security.length > 0, `${method} ${path} needs a key`);
    }
  });

  it('pre-fills POST /v1/jobs with a body and headers a fresh server accepts as they stand', async () => {
    const { key } = await server.createAccount();
    const op = operation('/v1/jobs', 'post');
    const example = op.requestBody.content['application/json'].example;
    assert.equal(typeof example?.type, 'string');
    assert.notEqual(example.type, 'string', 'not the placeholder Swagger UI makes from the schema');
    const idempotencyKey = op.parameters!.find((p) => p.name === 'idempotency-key')!.example as string;

    const created = await server.request('POST', '/v1/jobs', { key, body: example, headers: { 'idempotency-key': idempotencyKey } });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.type, example.type);
    const replayed = await server.request('POST', '/v1/jobs', { key, body: example, headers: { 'idempotency-key': idempotencyKey } });
    assert.equal(replayed.status, 200);
    assert.equal(replayed.json.id, created.json.id);
    // The Prefer example is well formed: the server applies it (here with a job that is already final).
    const prefer = op.parameters!.find((p) => p.name === 'prefer')!.example as string;
    await server.request('POST', `/v1/jobs/${created.json.id}/cancel`, { key });
    const waited = await server.request('POST', '/v1/jobs', { key, body: example, headers: { 'idempotency-key': idempotencyKey, prefer } });
    assert.equal(waited.headers.get('preference-applied'), prefer);
  });

  it('gives every request body an example, each accepted as it stands', async () => {
    const bodies = operations().filter(({ op }) => op.requestBody);
    assert.ok(bodies.length >= 3);
    for (const { path, method, op } of bodies) {
      assert.notEqual(op.requestBody.content['application/json'].example, undefined, `${method} ${path} has an example`);
    }
    const admin = { key: server.adminKey! };
    const created = await server.request('POST', '/v1/admin/accounts', { ...admin, body: operation('/v1/admin/accounts', 'post').requestBody.content['application/json'].example });
    assert.equal(created.status, 201, created.text);
    const credits = operation('/v1/admin/accounts/{id}/credits', 'post').requestBody.content['application/json'].example;
    const adjusted = await server.request('POST', `/v1/admin/accounts/${created.json.account.id}/credits`, { ...admin, body: credits });
    assert.equal(adjusted.status, 200, adjusted.text);
    const rotate = operation('/v1/account/webhook-secret/rotate', 'post').requestBody.content['application/json'].example;
    const rotated = await server.request('POST', '/v1/account/webhook-secret/rotate', { key: created.json.apiKey.key, body: rotate });
    assert.equal(rotated.status, 200, rotated.text);
    const batch = operation('/v1/jobs/batch', 'post').requestBody.content['application/json'].example;
    const jobs = await server.request('POST', '/v1/jobs/batch', { key: created.json.apiKey.key, body: batch });
    assert.equal(jobs.status, 201, jobs.text);
  });

  it('still answers a refused request as application/problem+json with every problem field', async () => {
    const answer = await server.request('GET', '/v1/jobs', { key: 'lr_not_a_key' });
    assert.equal(answer.status, 401);
    assert.match(answer.headers.get('content-type')!, /^application\/problem\+json/);
    assert.deepEqual(Object.keys(answer.json).sort(), ['code', 'detail', 'status', 'title', 'type']);
  });
});
