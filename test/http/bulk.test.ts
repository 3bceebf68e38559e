// The list's new filters and POST /v1/jobs/bulk over real HTTP: metadata and error-code filters,
// dry-run counts, bulk cancel (refunded) and rerun through the single-job paths, account scoping,
// and bad requests answered 400 naming the field with nothing changed.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type TestAccount, type TestServer, balance, jobReaches, sleepJob, startTestServer } from '../helpers/server.js';

describe('job filters and bulk actions', () => {
  let server: TestServer;
  let account: TestAccount;

  beforeEach(async () => {
    server = await startTestServer({ workers: 1 });
    account = await server.createAccount({ credits: 100 });
  });
  afterEach(async () => {
    await server.close();
  });

  const create = async (body: Record<string, unknown>, key = account.key) => {
    const answer = await server.request('POST', '/v1/jobs', { key, body });
    assert.equal(answer.status, 201, answer.text);
    return answer.json;
  };
  /** failed makes a job that fails at once with `code`, and waits for it to be failed. */
  const failed = async (code: string, metadata: Record<string, string> = {}) => {
    const job = await create(sleepJob({ durationMs: 0, failAt: 1, failCode: code }, { maxAttempts: 1, metadata }));
    await jobReaches(server, job.id, (j) => j.status === 'failed');
    return job;
  };
  /** waiting makes a job that no worker takes yet (it runs an hour from now). */
  const waiting = (metadata: Record<string, string> = {}, key = account.key) =>
    create(sleepJob({ durationMs: 0 }, { metadata, runAt: new Date(Date.now() + 3_600_000).toISOString() }), key);
  const list = async (query: string) => {
    const answer = await server.request('GET', `/v1/jobs?${query}`, { key: account.key });
    assert.equal(answer.status, 200, answer.text);
    return answer.json;
  };
  const bulk = (body: unknown, key = account.key) => server.request('POST', '/v1/jobs/bulk', { key, body });

  it('lists by metadata key:value and by error code, with totals', async () => {
    const red = await failed('timeout', { team: 'red' });
    await failed('boom', { team: 'blue' });
    const redWaiting = await waiting({ team: 'red', note: 'a:b' });
    const byTeam = await list('metadata=team:red');
    assert.deepEqual(byTeam.data.map((j: { id: string }) => j.id), [redWaiting.id, red.id]);
    assert.equal(byTeam.pagination.total, 2);
    assert.equal(byTeam.pagination.totalCapped, false);
    // Only the first colon separates key and value.
    assert.deepEqual((await list(`metadata=${encodeURIComponent('note:a:b')}`)).data.map((j: { id: string }) => j.id), [redWaiting.id]);
    const byCode = await list('errorCode=timeout&status=failed');
    assert.deepEqual(byCode.data.map((j: { id: string }) => j.id), [red.id]);
  });

  it('refuses a malformed filter with 400 naming the query parameter', async () => {
    for (const [query, name] of [['metadata=nocolon', 'metadata'], ['createdFrom=yesterday', 'createdFrom'], ['priority=999', 'priority']] as const) {
      const answer = await server.request('GET', `/v1/jobs?${query}`, { key: account.key });
      assert.equal(answer.status, 400, query);
      assert.equal(answer.json.code, 'invalid_request');
      assert.match(answer.json.detail, new RegExp(name), query);
    }
    const reversed = await server.request('GET', '/v1/jobs?createdFrom=2026-01-02T00:00:00Z&createdTo=2026-01-01T00:00:00Z', { key: account.key });
    assert.equal(reversed.status, 400);
    assert.match(reversed.json.detail, /createdTo/);
  });

  it('counts in a dry run, then cancels every waiting job a filter matches, refunding each', async () => {
    const jobs = [await waiting({ batch: 'x' }), await waiting({ batch: 'x' }), await waiting({ batch: 'y' })];
    assert.equal(await balance(server, account.accountId), 97);
    const dry = await bulk({ action: 'cancel', filter: { metadata: 'batch:x' }, dryRun: true });
    assert.equal(dry.status, 200, dry.text);
    assert.deepEqual(dry.json, { action: 'cancel', dryRun: true, count: 2, hasMore: false, results: [] });
    assert.equal((await list('status=cancelled')).pagination.total, 0, 'a dry run changes nothing');
    const done = await bulk({ action: 'cancel', filter: { metadata: 'batch:x' } });
    assert.equal(done.json.count, 2);
    assert.deepEqual(done.json.results, [jobs[1], jobs[0]].map((j) => ({ id: j.id, ok: true })));
    assert.equal(await balance(server, account.accountId), 99);
    assert.deepEqual((await list('status=cancelled')).data.map((j: { id: string }) => j.id), [jobs[1].id, jobs[0].id]);
  });

  it('reruns the failed jobs named by id, and answers another account’s id as not found', async () => {
    const a = await failed('boom');
    const b = await failed('boom');
    const other = await server.createAccount({ credits: 10 });
    const theirs = await waiting({}, other.key);
    const dry = await bulk({ action: 'rerun', ids: [a.id, b.id, theirs.id], dryRun: true });
    assert.equal(dry.json.count, 2);
    const done = await bulk({ action: 'rerun', ids: [a.id, b.id, theirs.id] });
    assert.equal(done.status, 200, done.text);
    const [ra, rb, rt] = done.json.results;
    assert.equal(ra.ok && rb.ok, true);
    assert.deepEqual(rt, { id: theirs.id, ok: false, error: { code: 'not_found', message: `Job ${theirs.id} not found` } });
    for (const [result, original] of [[ra, a], [rb, b]]) {
      const rerun = await server.request('GET', `/v1/jobs/${result.jobId}`, { key: account.key });
      assert.equal(rerun.json.originalJobId, original.id);
    }
    assert.deepEqual((await list(`originalJobId=${a.id}`)).data.map((j: { id: string }) => j.id), [ra.jobId]);
    assert.equal((await server.request('GET', `/v1/jobs/${theirs.id}`, { key: other.key })).json.status, 'pending');
  });

  it('refuses a body with both or neither of ids and filter, or an unknown action, changing nothing', async () => {
    const job = await waiting();
    for (const [body, field] of [
      [{ action: 'cancel' }, 'filter'],
      [{ action: 'cancel', ids: [job.id], filter: {} }, 'ids'],
      [{ action: 'delete', ids: [job.id] }, 'action'],
      [{ action: 'cancel', filter: { metadata: 'nocolon' } }, 'metadata'],
    ] as const) {
      const answer = await bulk(body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.match(answer.json.detail, new RegExp(field), JSON.stringify(body));
    }
    assert.equal((await server.request('GET', `/v1/jobs/${job.id}`, { key: account.key })).json.status, 'pending');
    assert.equal((await bulk({ action: 'cancel', ids: [job.id] }, 'wrong-key')).status, 401);
  });
});
