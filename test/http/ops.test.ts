// Operations and discovery over real HTTP: health and readiness, the OpenAPI document and its
// page, the job types, and usage totals checked against what the store holds.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { demoSleep } from '../../src/jobtypes/demo/sleep.js';
import { type TestAccount, type TestServer, sleepJob, startTestServer } from '../helpers/server.js';

describe('operations and discovery', () => {
  let server: TestServer;
  let account: TestAccount;

  before(async () => {
    server = await startTestServer();
    account = await server.createAccount();
  });
  after(async () => {
    await server.close();
  });

  it('answers /healthz with 200 and no key', async () => {
    const answer = await server.request('GET', '/healthz');
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json, { status: 'ok' });
  });

  it('answers /readyz with 200 while the store is reachable', async () => {
    const answer = await server.request('GET', '/readyz');
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json, { status: 'ready' });
  });

  it('serves an OpenAPI 3.1 document with every public route', async () => {
    const answer = await server.request('GET', '/openapi.json');
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('content-type') ?? '', /^application\/json/);
    const doc = answer.json;
    assert.match(doc.openapi, /^3\.1\.\d+$/);
    assert.equal(typeof doc.info.title, 'string');
    const paths = Object.keys(doc.paths);
    for (const path of [
      '/v1/jobs',
      '/v1/jobs/{id}',
      '/v1/jobs/{id}/cancel',
      '/v1/jobs/{id}/rerun',
      '/v1/account',
      '/v1/usage',
      '/v1/job-types',
      '/v1/admin/accounts',
    ]) {
      assert.ok(paths.includes(path), `${path} is in ${paths.join(', ')}`);
    }
    assert.ok(doc.paths['/v1/jobs'].post, 'POST /v1/jobs is documented');
    assert.ok(doc.paths['/v1/jobs'].get, 'GET /v1/jobs is documented');
    assert.ok(doc.paths['/v1/jobs/{id}'].delete, 'DELETE /v1/jobs/{id} is documented');
  });

  it('serves an HTML page for the API at /docs', async () => {
    const answer = await server.request('GET', '/docs');
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(answer.text, /<html/i);
  });

  it('lists demo/sleep among the job types with its input schema and a cost of one credit', async () => {
    const answer = await server.request('GET', '/v1/job-types', { key: account.key });
    assert.equal(answer.status, 200);
    assert.ok(Array.isArray(answer.json));
    const sleep = answer.json.find((t: { type: string }) => t.type === 'demo/sleep');
    assert.ok(sleep, 'demo/sleep is listed');
    assert.equal(sleep.creditCost, 1);
    assert.equal(typeof sleep.description, 'string');
    assert.deepEqual(sleep.inputSchema, demoSleep.inputSchema);
    assert.equal(sleep.timeoutMs, demoSleep.timeoutMs);
    assert.equal(sleep.maxAttempts, demoSleep.maxAttempts);
  });

  it('asks for a key on /v1/job-types', async () => {
    const answer = await server.request('GET', '/v1/job-types');
    assert.equal(answer.status, 401);
  });
});

describe('usage', () => {
  let server: TestServer;
  let account: TestAccount;

  before(async () => {
    server = await startTestServer({ workers: 2 });
    account = await server.createAccount({ credits: 20 });
    const wait = { prefer: 'wait=10' };
    const completed = await server.request('POST', '/v1/jobs', { key: account.key, body: sleepJob({ durationMs: 20, steps: 2 }), headers: wait });
    assert.equal(completed.json.status, 'completed');
    const failed = await server.request('POST', '/v1/jobs', {
      key: account.key,
      body: sleepJob({ durationMs: 0, failAt: 1 }, { maxAttempts: 1 }),
      headers: wait,
    });
    assert.equal(failed.json.status, 'failed');
    // Jobs due in an hour stay pending: one is cancelled, one left as it is.
    const later = new Date(Date.now() + 60 * 60 * 1000).toISOString();
    const toCancel = await server.request('POST', '/v1/jobs', { key: account.key, body: sleepJob({ durationMs: 0 }, { runAt: later }) });
    assert.equal((await server.request('POST', `/v1/jobs/${toCancel.json.id}/cancel`, { key: account.key })).status, 200);
    await server.request('POST', '/v1/jobs', { key: account.key, body: sleepJob({ durationMs: 0 }, { runAt: later }) });
    await server.pool?.idle();
  });
  after(async () => {
    await server.close();
  });

  it('sums the account’s jobs as the store holds them', async () => {
    const answer = await server.request('GET', '/v1/usage', { key: account.key });
    assert.equal(answer.status, 200, answer.text);
    const usage = answer.json;

    const { jobs } = await server.store.jobList({ accountId: account.accountId, limit: 100 });
    assert.equal(jobs.length, 4);
    const count = (status: string) => jobs.filter((j) => j.status === status).length;
    const ran = jobs
      .filter((j) => j.status === 'completed' || j.status === 'failed')
      .map((j) => j.processTime)
      .sort((a, b) => a - b);
    const expected = {
      jobs: 4,
      completed: count('completed'),
      failed: count('failed'),
      cancelled: count('cancelled'),
      creditsCharged: jobs.reduce((n, j) => n + j.creditsCharged, 0),
      creditsRefunded: jobs.reduce((n, j) => n + j.creditsRefunded, 0),
      bytes: jobs.reduce((n, j) => n + j.size, 0),
    };
    assert.deepEqual(expected, { jobs: 4, completed: 1, failed: 1, cancelled: 1, creditsCharged: 4, creditsRefunded: 2, bytes: 0 });

    const { processTime, ...totals } = usage.totals;
    assert.deepEqual(totals, expected);
    assert.deepEqual(processTime, {
      avg: Math.round(ran.reduce((a, b) => a + b, 0) / ran.length),
      p50: ran[Math.ceil(0.5 * ran.length) - 1],
      p95: ran[Math.ceil(0.95 * ran.length) - 1],
    });

    assert.equal(usage.byType.length, 1);
    const { processTime: typeTime, ...byType } = usage.byType[0];
    assert.deepEqual(byType, { type: 'demo/sleep', ...expected });
    assert.deepEqual(typeTime, processTime);

    assert.ok(usage.byDay.length >= 1);
    for (const day of usage.byDay) assert.match(day.day, /^\d{4}-\d\d-\d\d$/);
    assert.equal(usage.byDay.reduce((n: number, d: { jobs: number }) => n + d.jobs, 0), 4);
    assert.ok(Date.parse(usage.from) < Date.parse(usage.to));
  });

  it('counts nothing outside the window or of another account', async () => {
    const past = await server.request('GET', '/v1/usage?from=2020-01-01T00:00:00.000Z&to=2020-02-01T00:00:00.000Z', { key: account.key });
    assert.equal(past.status, 200);
    assert.equal(past.json.totals.jobs, 0);
    assert.deepEqual(past.json.byType, []);
    assert.equal(past.json.from, '2020-01-01T00:00:00.000Z');

    const other = await server.createAccount();
    const theirs = await server.request('GET', '/v1/usage', { key: other.key });
    assert.equal(theirs.json.totals.jobs, 0);
  });

  it('answers 400 naming the parameter for a bad from, a time out of range, a reversed window or an unknown parameter', async () => {
    for (const [query, path] of [
      ['from=yesterday', 'from'],
      ['to=soon', 'to'],
      // The earliest and latest times a Date holds: the default window before them is no date at all.
      ['to=-271821-04-20T00:00:00Z', 'to'],
      ['from=-271821-04-20T00:00:00Z', 'from'],
      ['from=%2B275760-09-13T00:00:00Z', 'from'],
      ['to=10000-01-01T00:00:00Z', 'to'],
      ['from=2030-01-01&to=2029-01-01', 'from'],
      ['colour=red', 'colour'],
    ] as const) {
      const answer = await server.request('GET', `/v1/usage?${query}`, { key: account.key });
      assert.equal(answer.status, 400, query);
      assert.equal(answer.json.code, 'invalid_request');
      assert.equal(answer.headers.get('content-type')?.split(';')[0], 'application/problem+json');
      assert.deepEqual(
        answer.json.errors.map((e: { path: string; in?: string }) => [e.path, e.in]),
        [[path, 'query']],
        answer.text,
      );
    }
    const earliest = await server.request('GET', '/v1/usage?to=0000-01-05T00:00:00Z', { key: account.key });
    assert.equal(earliest.status, 200, earliest.text);
    assert.equal(earliest.json.from, '-000001-12-06T00:00:00.000Z');
  });
});
