// How deeply JSON may nest: a body is scanned before it is parsed, and every value a job stores
// (input, metadata, output) is bounded whoever made it, so nothing recursive ever meets a value it
// cannot handle and every job that was stored can be read back. The HTTP refusals themselves are
// in the bad-input matrix (test/http/errors.test.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InvalidRequestError, type JsonObject, MAX_JSON_DEPTH, ManualClock, jsonTextTooDeep, jsonValueTooDeep } from '../../src/domain/index.js';
import { EventBus } from '../../src/events/index.js';
import { apiLinks } from '../../src/http/links.js';
import { JobTypeRegistry, defineJobType } from '../../src/jobtypes/index.js';
import { type ServiceDeps, createAccount, createJob, defaultServiceConfig } from '../../src/service/index.js';
import { openSqlite } from '../../src/store/sqlite/index.js';
import { WorkerPool } from '../../src/worker/index.js';
import { rejectsWith, webhookDeliveries } from '../helpers/store.js';
import { type TestAccount, type TestServer, sleepJob, startTestServer } from '../helpers/server.js';

/** nested is a value of `levels` objects, each inside the one before. */
function nested(levels: number): JsonObject {
  let value: JsonObject = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

describe('JSON depth', () => {
  describe('over HTTP', () => {
    let server: TestServer;
    let account: TestAccount;
    before(async () => {
      server = await startTestServer();
      account = await server.createAccount({ credits: 5 });
    });
    after(() => server.close());

    it('accepts metadata as deep as a body allows, and serves the job back in a get and a list', async () => {
      const metadata = nested(MAX_JSON_DEPTH - 1);
      const created = await server.request('POST', '/v1/jobs', { key: account.key, body: sleepJob({ durationMs: 1000 }, { metadata }) });
      assert.equal(created.status, 201, created.text);
      const got = await server.request('GET', `/v1/jobs/${created.json.id}`, { key: account.key });
      assert.equal(got.status, 200, got.text);
      assert.deepEqual(got.json.metadata, metadata);
      const listed = await server.request('GET', '/v1/jobs', { key: account.key });
      assert.equal(listed.status, 200, listed.text);
      assert.deepEqual(listed.json.data[0].metadata, metadata);
    });
  });

  describe('in the service and the worker', () => {
    const deps: ServiceDeps = {
      store: openSqlite(':memory:', { webhookDeliveries }),
      clock: new ManualClock(),
      registry: new JobTypeRegistry([
        defineJobType({
          type: 'test/echo',
          description: 'returns its input.value two levels deeper',
          inputSchema: { type: 'object' },
          creditCost: 1,
          timeoutMs: 60_000,
          maxAttempts: 3,
          run: async ({ input }) => ({ wrap: { wrap: (input as { value?: JsonObject }).value ?? null } }),
        }),
      ]),
      bus: new EventBus(),
      links: apiLinks,
      config: defaultServiceConfig,
    };
    after(() => deps.store.close());

    it('refuses input and metadata nested too deep from any caller, naming the field, and stores nothing', async () => {
      const { account } = await createAccount(deps, { name: 'a', credits: 5 });
      const principal = { accountId: account.id, apiKeyId: null, apiKeyUsed: null };
      const deep = await rejectsWith(createJob(deps, principal, { type: 'test/echo', metadata: nested(MAX_JSON_DEPTH) }), InvalidRequestError, 'invalid_request');
      assert.deepEqual(deep.errors?.map((e) => e.path), ['/metadata']);
      const deepInput = await rejectsWith(createJob(deps, principal, { type: 'test/echo', input: { value: nested(5000) } }), InvalidRequestError, 'invalid_request');
      assert.deepEqual(deepInput.errors?.map((e) => e.path), ['/input']);
      assert.equal((await deps.store.jobList({ accountId: account.id, limit: 1 })).total, 0);
      assert.equal((await deps.store.accountGet({ id: account.id }))!.creditBalance, 5);
    });

    it('fails a job whose handler returns output nested too deep with invalid_output, final and refunded', async () => {
      const { account } = await createAccount(deps, { name: 'b', credits: 5 });
      const principal = { accountId: account.id, apiKeyId: null, apiKeyUsed: null };
      const { job } = await createJob(deps, principal, { type: 'test/echo', input: { value: nested(MAX_JSON_DEPTH - 2) } });
      const pool = new WorkerPool(deps, { concurrency: 1, sweepMs: 60_000 });
      pool.start();
      await pool.idle();
      await pool.stop({ graceMs: 0 });
      const failed = await deps.store.jobGet({ id: job.id });
      assert.equal(failed!.status, 'failed');
      assert.equal(failed!.attempts, 1, 'not retried');
      assert.equal(failed!.error?.code, 'invalid_output');
      assert.match(failed!.error?.message ?? '', /deeper than 63 levels/);
      assert.equal((await deps.store.accountGet({ id: account.id }))!.creditBalance, 5);
    });
  });

  describe('jsonTextTooDeep', () => {
    it('names the top-level member that goes too deep, as a JSON pointer', () => {
      assert.equal(jsonTextTooDeep('{"a":{"b":{}}}', 3), null);
      assert.equal(jsonTextTooDeep('{"x":1,"a/~b":{"b":{}}}', 2), '/a~1~0b');
      assert.equal(jsonTextTooDeep('[1,[2],[[3]]]', 2), '/2');
      assert.equal(jsonTextTooDeep('{"k\\"ey":[[]]}', 2), '/k"ey');
    });

    it('ignores brackets inside strings, escaped quotes included', () => {
      assert.equal(jsonTextTooDeep('{"a":"[[[[{{{{\\"[[[["}', 1), null);
      assert.equal(jsonTextTooDeep('{"a":"\\\\","b":[[]]}', 2), '/b');
    });
  });

  describe('jsonValueTooDeep', () => {
    it('counts objects and arrays alike, scalars as nothing, without recursing', () => {
      assert.equal(jsonValueTooDeep(1, 0), false);
      assert.equal(jsonValueTooDeep({ a: [1, { b: 'x' }] }, 3), false);
      assert.equal(jsonValueTooDeep({ a: [1, { b: [] }] }, 3), true);
      assert.equal(jsonValueTooDeep(nested(200_000)), true);
    });
  });
});
