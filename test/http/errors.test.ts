// The bad-input matrix: every malformed request gets the right problem+json (status, code and
// the field it names), never a 5xx, and changes nothing in the store. Plus auth failures, unknown
// routes and X-Request-Id on every answer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_JSON_DEPTH } from '../../src/domain/index.js';
import { type RequestOptions, type TestAccount, type TestResponse, type TestServer, balance, jobTotal, sleepJob, startTestServer } from '../helpers/server.js';

interface Case {
  name: string;
  method?: string;
  path?: string;
  options?: RequestOptions;
  status: number;
  code: string;
  /** errors lists the field problems expected, by path (and `in` when not the body). */
  errors?: { path: string; in?: string }[];
}

const sleep = (input: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ body: sleepJob(input, extra) });

/** objects is JSON text of `levels` objects, each inside the one before. */
const objects = (levels: number) => `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;
/** arrays is JSON text of `levels` arrays, each inside the one before. */
const arrays = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const withMetadata = (metadata: string) => `{"type":"demo/sleep","input":{"durationMs":1},"metadata":${metadata}}`;

const BODY_CASES: Case[] = [
  { name: 'malformed JSON', options: { rawBody: '{"type": "demo/sleep",' }, status: 400, code: 'invalid_request' },
  { name: 'a body that is an array, not an object', options: { rawBody: '[1, 2]' }, status: 400, code: 'invalid_request', errors: [{ path: '' }] },
  { name: 'a body that is a number, not an object', options: { rawBody: '42' }, status: 400, code: 'invalid_request', errors: [{ path: '' }] },
  { name: 'a missing type', options: { body: { input: { durationMs: 1 } } }, status: 400, code: 'invalid_request', errors: [{ path: '/type' }] },
  { name: 'an unknown type', options: { body: { type: 'no/such', input: {} } }, status: 400, code: 'unknown_job_type', errors: [{ path: '/type' }] },
  { name: 'a string where the input wants an integer', options: { rawBody: '{"type":"demo/sleep","input":{"durationMs":"x"}}' }, status: 400, code: 'invalid_request', errors: [{ path: '/input/durationMs' }] },
  { name: 'a missing required input field', options: sleep({ steps: 2 }), status: 400, code: 'invalid_request', errors: [{ path: '/input/durationMs' }] },
  { name: 'durationMs above its maximum', options: sleep({ durationMs: 600_001 }), status: 400, code: 'invalid_request', errors: [{ path: '/input/durationMs' }] },
  { name: 'priority above 100', options: sleep({ durationMs: 1 }, { priority: 101 }), status: 400, code: 'invalid_request', errors: [{ path: '/priority' }] },
  { name: 'priority below -100', options: sleep({ durationMs: 1 }, { priority: -101 }), status: 400, code: 'invalid_request', errors: [{ path: '/priority' }] },
  { name: 'maxAttempts 0', options: sleep({ durationMs: 1 }, { maxAttempts: 0 }), status: 400, code: 'invalid_request', errors: [{ path: '/maxAttempts' }] },
  { name: 'a fractional priority', options: sleep({ durationMs: 1 }, { priority: 1.5 }), status: 400, code: 'invalid_request', errors: [{ path: '/priority' }] },
  { name: 'an unknown top-level field', options: sleep({ durationMs: 1 }, { colour: 'red' }), status: 400, code: 'invalid_request', errors: [{ path: '/colour' }] },
  { name: 'an unknown input field', options: sleep({ durationMs: 1, colour: 'red' }), status: 400, code: 'invalid_request', errors: [{ path: '/input/colour' }] },
  { name: 'input that is not an object', options: { body: { type: 'demo/sleep', input: 'fast' } }, status: 400, code: 'invalid_request', errors: [{ path: '/input' }] },
  { name: 'a runAt that is not a date-time', options: sleep({ durationMs: 1 }, { runAt: 'tomorrow' }), status: 400, code: 'invalid_request', errors: [{ path: '/runAt' }] },
  { name: 'a webhookUrl that is not a URL', options: sleep({ durationMs: 1 }, { webhookUrl: 'not a url' }), status: 400, code: 'invalid_request', errors: [{ path: '/webhookUrl' }] },
  // Past a few thousand levels recursive code overflows; the body is refused before any of it runs.
  { name: 'metadata nested 4,184 objects deep', options: { rawBody: withMetadata(objects(4184)) }, status: 400, code: 'invalid_request', errors: [{ path: '/metadata' }] },
  {
    name: 'metadata nested 4,184 objects deep, with an Idempotency-Key',
    options: { rawBody: withMetadata(objects(4184)), headers: { 'idempotency-key': 'deep-1' } },
    status: 400,
    code: 'invalid_request',
    errors: [{ path: '/metadata' }],
  },
  { name: 'metadata nested 4,150 arrays deep', options: { rawBody: withMetadata(`{"a":${arrays(4150)}}`) }, status: 400, code: 'invalid_request', errors: [{ path: '/metadata' }] },
  { name: `metadata one level past the limit of ${MAX_JSON_DEPTH} (the body is the first)`, options: { rawBody: withMetadata(objects(MAX_JSON_DEPTH)) }, status: 400, code: 'invalid_request', errors: [{ path: '/metadata' }] },
  {
    name: 'input nested 1,924 objects deep',
    options: { rawBody: `{"type":"demo/sleep","input":{"durationMs":1,"x":${objects(1923)}}}` },
    status: 400,
    code: 'invalid_request',
    errors: [{ path: '/input' }],
  },
  { name: 'a body that is 100,000 arrays deep', options: { rawBody: arrays(100_000) }, status: 400, code: 'invalid_request', errors: [{ path: '/0' }] },
  { name: 'metadata over 16 KiB as JSON', options: sleep({ durationMs: 1 }, { metadata: { blob: 'x'.repeat(16 * 1024) } }), status: 400, code: 'invalid_request', errors: [{ path: '/metadata' }] },
  { name: 'a body over the size limit', options: sleep({ durationMs: 1 }, { metadata: { blob: 'x'.repeat(1024 * 1024 + 10) } }), status: 413, code: 'payload_too_large' },
  {
    name: 'an Idempotency-Key longer than 255 characters',
    options: { body: sleepJob({ durationMs: 1 }), headers: { 'idempotency-key': 'k'.repeat(256) } },
    status: 400,
    code: 'invalid_request',
    errors: [{ path: 'Idempotency-Key', in: 'header' }],
  },
  { name: 'a text/plain body', options: { rawBody: '{"type":"demo/sleep","input":{"durationMs":1}}', headers: { 'content-type': 'text/plain' } }, status: 415, code: 'invalid_request' },
  { name: 'an application/xml body', options: { rawBody: '<job/>', headers: { 'content-type': 'application/xml' } }, status: 415, code: 'invalid_request' },
];

const QUERY_CASES: Case[] = [
  { name: 'limit=0', path: '/v1/jobs?limit=0', status: 400, code: 'invalid_request', errors: [{ path: 'limit', in: 'query' }] },
  { name: 'limit=101', path: '/v1/jobs?limit=101', status: 400, code: 'invalid_request', errors: [{ path: 'limit', in: 'query' }] },
  { name: 'limit=abc', path: '/v1/jobs?limit=abc', status: 400, code: 'invalid_request', errors: [{ path: 'limit', in: 'query' }] },
  { name: 'offset=-1', path: '/v1/jobs?offset=-1', status: 400, code: 'invalid_request', errors: [{ path: 'offset', in: 'query' }] },
  { name: 'status=bogus', path: '/v1/jobs?status=bogus', status: 400, code: 'invalid_request', errors: [{ path: 'status', in: 'query' }] },
  { name: 'a status list with a bogus member', path: '/v1/jobs?status=pending,bogus', status: 400, code: 'invalid_request', errors: [{ path: 'status', in: 'query' }] },
  { name: 'an unknown query parameter', path: '/v1/jobs?colour=red', status: 400, code: 'invalid_request', errors: [{ path: 'colour', in: 'query' }] },
  { name: 'a garbage cursor', path: '/v1/jobs?cursor=garbage', status: 400, code: 'invalid_request', errors: [{ path: 'cursor', in: 'query' }] },
  {
    name: 'a well-encoded cursor with no job id in it',
    path: `/v1/jobs?cursor=${Buffer.from('{"before":"acct_1"}').toString('base64url')}`,
    status: 400,
    code: 'invalid_request',
    errors: [{ path: 'cursor', in: 'query' }],
  },
];

describe('bad input', () => {
  let server: TestServer;
  let account: TestAccount;
  let pendingId: string;

  before(async () => {
    server = await startTestServer();
    account = await server.createAccount({ credits: 5 });
    const created = await server.request('POST', '/v1/jobs', { key: account.key, body: sleepJob({ durationMs: 1000 }) });
    assert.equal(created.status, 201);
    pendingId = created.json.id;
  });
  after(async () => {
    await server.close();
  });

  /** snapshot is what must not change: the account's jobs (with one job's state) and balance. */
  const snapshot = async () => ({
    total: await jobTotal(server, account.accountId),
    balance: await balance(server, account.accountId),
    job: await server.store.jobGet({ id: pendingId }),
  });

  const assertProblem = (answer: TestResponse, c: Pick<Case, 'status' | 'code' | 'errors'>) => {
    assert.equal(answer.status, c.status, answer.text);
    assert.equal(answer.headers.get('content-type')?.split(';')[0], 'application/problem+json');
    assert.equal(answer.json.code, c.code);
    assert.equal(answer.json.status, c.status);
    assert.equal(typeof answer.json.title, 'string');
    assert.equal(typeof answer.json.detail, 'string');
    assert.equal(answer.json.type, `urn:longrun:problem:${c.code}`);
    assert.match(answer.headers.get('x-request-id') ?? '', /.+/);
    if (c.errors) {
      assert.ok(Array.isArray(answer.json.errors), `errors listed: ${answer.text}`);
      for (const expected of c.errors) {
        const found = answer.json.errors.find((e: { path: string }) => e.path === expected.path);
        assert.ok(found, `an error at ${JSON.stringify(expected.path)} in ${answer.text}`);
        assert.equal(found.in, expected.in);
        assert.equal(typeof found.message, 'string');
      }
      // A client that shows only `detail` still learns the first field to fix.
      const first = answer.json.errors[0];
      if (c.code === 'invalid_request') assert.ok(answer.json.detail.includes(`${first.in ? `${first.in} ` : ''}${first.path}: ${first.message}`), answer.text);
    }
  };

  const runCase = async (c: Case, method: string, path: string) => {
    const before = await snapshot();
    const answer = await server.request(c.method ?? method, c.path ?? path, { key: account.key, ...c.options });
    assertProblem(answer, c);
    assert.deepEqual(await snapshot(), before, 'the store is unchanged');
  };

  describe('POST /v1/jobs refuses', () => {
    for (const c of BODY_CASES) it(`${c.name} with ${c.status} ${c.code}`, () => runCase(c, 'POST', '/v1/jobs'));
  });

  describe('GET /v1/jobs refuses', () => {
    for (const c of QUERY_CASES) it(`${c.name} with ${c.status} ${c.code}`, () => runCase(c, 'GET', c.path!));
  });

  describe('GET /v1/jobs/:id refuses', () => {
    for (const wait of ['0', '61', 'soon']) {
      it(`wait=${wait} with 400 invalid_request naming the wait parameter`, () =>
        runCase({ name: '', status: 400, code: 'invalid_request', errors: [{ path: 'wait', in: 'query' }] }, 'GET', `/v1/jobs/${pendingId}?wait=${wait}`));
    }
  });

  describe('messages', () => {
    /** problemAt sends a bad request and returns the message of the problem at `path`, checking nothing changed. */
    const problemAt = async (method: string, path: string, body: unknown, field: string) => {
      const before = await snapshot();
      const answer = await server.request(method, path, { key: account.key, body });
      assert.equal(answer.status, 400, answer.text);
      assert.deepEqual(await snapshot(), before);
      const found = answer.json.errors.find((e: { path: string }) => e.path === field);
      assert.ok(found, answer.text);
      return found.message as string;
    };

    it('words a bad status filter as the statuses it takes, not as a regular expression', async () => {
      const message = await problemAt('GET', '/v1/jobs?status=done', undefined, 'status');
      assert.equal(message, 'must be one of pending, running, completed, failed, cancelled, or a comma list of them');
    });

    it('words a URL render of a file: URL as the schemes it takes', async () => {
      const message = await problemAt('POST', '/v1/jobs', { type: 'url/pdf', input: { url: 'file:///etc/passwd' } }, '/input/url');
      assert.equal(message, 'must be an http:// or https:// URL');
    });

    it('words a job type’s own pattern as its schema says it', async () => {
      const message = await problemAt('POST', '/v1/jobs', sleepJob({ durationMs: 1, failCode: 'Bad-Code' }), '/input/failCode');
      assert.equal(message, 'must be lowercase letters, digits and _, starting with a letter');
    });

    it('names --allow-private-targets when the URL guard refuses a private address', async () => {
      const webhook = await problemAt('POST', '/v1/jobs', sleepJob({ durationMs: 1 }, { webhookUrl: 'http://127.0.0.1:9/hook' }), '/webhookUrl');
      assert.match(webhook, /^The host 127\.0\.0\.1 is not a public address: loopback .*; --allow-private-targets \(LONGRUN_ALLOW_PRIVATE_TARGETS=1\) allows it/);
      const render = await problemAt('POST', '/v1/jobs', { type: 'url/pdf', input: { url: 'http://127.0.0.1:9/' } }, '/input/url');
      assert.match(render, /--allow-private-targets/);
    });
  });

  describe('detail', () => {
    it('names the first field problem of an input that does not match its schema', async () => {
      const answer = await server.request('POST', '/v1/jobs', { key: account.key, body: sleepJob({ durationMs: '5' }) });
      assertProblem(answer, { status: 400, code: 'invalid_request', errors: [{ path: '/input/durationMs' }] });
      assert.equal(answer.json.detail, 'The input does not match the demo/sleep schema: /input/durationMs: must be integer');
    });

    it('counts the further problems it does not name', async () => {
      const answer = await server.request('POST', '/v1/jobs', { key: account.key, body: sleepJob({ durationMs: '5', steps: 'two' }) });
      assert.equal(answer.json.errors.length, 2, answer.text);
      assert.equal(answer.json.detail, 'The input does not match the demo/sleep schema: /input/durationMs: must be integer (and 1 more in errors)');
    });
  });

  describe('authentication', () => {
    const routes: [string, string][] = [
      ['GET', '/v1/jobs'],
      ['POST', '/v1/jobs'],
      ['GET', '/v1/account'],
    ];
    for (const [method, path] of routes) {
      it(`answers 401 unauthorized to ${method} ${path} without a key`, async () => {
        const before = await snapshot();
        const answer = await server.request(method, path, method === 'POST' ? { body: sleepJob() } : {});
        assertProblem(answer, { status: 401, code: 'unauthorized' });
        assert.deepEqual(await snapshot(), before);
      });
    }

    it('answers 401 unauthorized to a wrong key, whether shaped like a real one or not', async () => {
      const forged = `${account.key.slice(0, -4)}AAAA` === account.key ? `${account.key.slice(0, -4)}BBBB` : `${account.key.slice(0, -4)}AAAA`;
      for (const key of ['nope', forged, `lr_${'0'.repeat(26)}_${'a'.repeat(43)}`]) {
        const answer = await server.request('POST', '/v1/jobs', { key, body: sleepJob() });
        assertProblem(answer, { status: 401, code: 'unauthorized' });
        const bearer = await server.request('GET', '/v1/jobs', { headers: { authorization: `Bearer ${key}` } });
        assertProblem(bearer, { status: 401, code: 'unauthorized' });
      }
      assert.equal(await jobTotal(server, account.accountId), 1);
    });

    it('answers 401 unauthorized to a revoked key at once', async () => {
      const issued = await server.request('POST', `/v1/admin/accounts/${account.accountId}/keys`, { key: server.adminKey! });
      assert.equal(issued.status, 201);
      assert.equal((await server.request('GET', '/v1/account', { key: issued.json.key })).status, 200);
      const revoked = await server.request('DELETE', `/v1/admin/keys/${issued.json.id}`, { key: server.adminKey! });
      assert.equal(revoked.status, 204);
      const before = await snapshot();
      const answer = await server.request('POST', '/v1/jobs', { key: issued.json.key, body: sleepJob() });
      assertProblem(answer, { status: 401, code: 'unauthorized' });
      assert.deepEqual(await snapshot(), before);
    });
  });

  describe('routes and request ids', () => {
    it('answers an unknown route with a 404 not_found problem', async () => {
      for (const [method, path] of [
        ['GET', '/v1/nothing-here'],
        ['POST', '/v2/jobs'],
        ['PUT', '/v1/jobs'],
      ] as const) {
        const answer = await server.request(method, path, { key: account.key });
        assertProblem(answer, { status: 404, code: 'not_found' });
      }
    });

    it('answers an over-long job id with a 404 not_found problem, as any malformed id', async () => {
      for (const path of [`/v1/jobs/${'x'.repeat(101)}`, `/v1/jobs/job_${'0'.repeat(200)}/cancel`]) {
        const answer = await server.request(path.endsWith('/cancel') ? 'POST' : 'GET', path, { key: account.key });
        assertProblem(answer, { status: 404, code: 'not_found' });
      }
    });

    it('answers a badly percent-encoded path with a 4xx problem, not Fastify’s own error body', async () => {
      const answer = await server.request('GET', '/v1/jobs/%ZZ', { key: account.key });
      assert.ok(answer.status === 400 || answer.status === 404, `status ${answer.status}`);
      assertProblem(answer, { status: answer.status, code: answer.status === 400 ? 'invalid_request' : 'not_found' });
    });

    it('puts X-Request-Id on successes and errors alike', async () => {
      const answers = [
        await server.request('GET', '/healthz'),
        await server.request('GET', '/v1/jobs', { key: account.key }),
        await server.request('GET', `/v1/jobs/${pendingId}`, { key: account.key }),
        await server.request('GET', '/v1/jobs'),
        await server.request('GET', '/v1/jobs?limit=0', { key: account.key }),
        await server.request('GET', '/nowhere'),
        await server.request('POST', '/v1/jobs', { key: account.key, rawBody: '{' }),
      ];
      const ids = answers.map((a) => a.headers.get('x-request-id'));
      for (const id of ids) assert.match(id ?? '', /^.{1,128}$/);
      assert.equal(new Set(ids).size, ids.length, 'each request gets its own id');
    });

    it('echoes a well-formed incoming X-Request-Id and replaces a malformed one', async () => {
      const given = 'trace-1234.abc:def_9';
      const ok = await server.request('GET', '/v1/jobs', { key: account.key, headers: { 'x-request-id': given } });
      assert.equal(ok.headers.get('x-request-id'), given);
      const failed = await server.request('GET', '/v1/jobs?limit=0', { key: account.key, headers: { 'x-request-id': given } });
      assert.equal(failed.headers.get('x-request-id'), given);
      const bad = await server.request('GET', '/v1/jobs', { key: account.key, headers: { 'x-request-id': 'has spaces and / slashes' } });
      assert.notEqual(bad.headers.get('x-request-id'), 'has spaces and / slashes');
      assert.match(bad.headers.get('x-request-id') ?? '', /.+/);
    });
  });
});
