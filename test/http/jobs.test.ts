// The jobs API over real HTTP, no workers: create, get, list (filters, offset and cursor paging),
// cancel, rerun, idempotency and credits, as API.md promises a client.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type TestAccount, type TestServer, balance, jobTotal, sleepJob, startTestServer } from '../helpers/server.js';

const JOB_ID = /^job_[0-9A-HJKMNP-TV-Z]{26}$/;

describe('jobs API', () => {
  let server: TestServer;
  let account: TestAccount;

  beforeEach(async () => {
    server = await startTestServer();
    account = await server.createAccount({ credits: 10 });
  });
  afterEach(async () => {
    await server.close();
  });

  const create = async (body: unknown = sleepJob({ durationMs: 1000 }), key = account.key) => {
    const answer = await server.request('POST', '/v1/jobs', { key, body });
    assert.equal(answer.status, 201, answer.text);
    return answer.json;
  };

  describe('create and get', () => {
    it('creates a pending job with a Location header, its input echoed and one credit charged', async () => {
      const answer = await server.request('POST', '/v1/jobs', {
        key: account.key,
        body: sleepJob({ durationMs: 1000, steps: 2 }, { priority: 5, metadata: { orderId: '42' } }),
      });
      assert.equal(answer.status, 201);
      const job = answer.json;
      assert.match(job.id, JOB_ID);
      assert.equal(answer.headers.get('location'), `/v1/jobs/${job.id}`);
      assert.equal(job.type, 'demo/sleep');
      assert.equal(job.status, 'pending');
      assert.equal(job.progress, 0);
      assert.deepEqual(job.input, { durationMs: 1000, steps: 2 });
      assert.equal(job.priority, 5);
      assert.deepEqual(job.metadata, { orderId: '42' });
      assert.equal(job.output, null);
      assert.equal(job.error, null);
      assert.equal(job.attempts, 0);
      assert.equal(job.creditsCharged, 1);
      assert.equal(job.creditsRefunded, 0);
      assert.equal(job.originalJobId, null);
      assert.equal(job.accountId, account.accountId);
      assert.equal(job.apiKeyUsed, `key_…${account.key.slice(-4)}`);
      assert.ok(!answer.text.includes(account.key), 'the secret never appears in the answer');
      assert.match(job.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.equal(job.startedAt, null);
      assert.deepEqual(job._links, {
        self: `/v1/jobs/${job.id}`,
        events: `/v1/jobs/${job.id}/events`,
        cancel: `/v1/jobs/${job.id}/cancel`,
        rerun: `/v1/jobs/${job.id}/rerun`,
      });
      assert.equal(await balance(server, account.accountId), 9);
    });

    it('accepts the key as Authorization: Bearer too', async () => {
      const answer = await server.request('POST', '/v1/jobs', { headers: { authorization: `Bearer ${account.key}` }, body: sleepJob() });
      assert.equal(answer.status, 201);
    });

    it('gets the job it created', async () => {
      const created = await create();
      const answer = await server.request('GET', `/v1/jobs/${created.id}`, { key: account.key });
      assert.equal(answer.status, 200);
      // A pending job's read adds its place in the queue: first in line, with no start rate yet.
      const { queue, ...job } = answer.json;
      assert.deepEqual(job, created);
      assert.deepEqual(queue, { position: 0, positionIsLowerBound: false, estimatedStartAt: null });
    });

    it('answers 404 not_found for another account’s job', async () => {
      const created = await create();
      const other = await server.createAccount();
      const answer = await server.request('GET', `/v1/jobs/${created.id}`, { key: other.key });
      assert.equal(answer.status, 404);
      assert.equal(answer.json.code, 'not_found');
      const cancel = await server.request('POST', `/v1/jobs/${created.id}/cancel`, { key: other.key });
      assert.equal(cancel.status, 404);
      assert.equal((await server.store.jobGet({ id: created.id }))?.status, 'pending');
    });

    it('answers 404 not_found for malformed and unknown ids', async () => {
      for (const id of ['nope', 'job_123', 'job_01jf3v6q2n8y5m0rz4t7c9k1qw', 'job_01JF3V6Q2N8Y5M0RZ4T7C9K1QW']) {
        const answer = await server.request('GET', `/v1/jobs/${id}`, { key: account.key });
        assert.equal(answer.status, 404, id);
        assert.equal(answer.json.code, 'not_found', id);
      }
    });
  });

  describe('list', () => {
    it('lists newest first and pages with limit and offset', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await create()).id);
      const newest = [...ids].reverse();

      const first = await server.request('GET', '/v1/jobs?limit=2', { key: account.key });
      assert.equal(first.status, 200);
      assert.deepEqual(first.json.data.map((j: { id: string }) => j.id), newest.slice(0, 2));
      assert.equal(first.json.pagination.limit, 2);
      assert.equal(first.json.pagination.offset, 0);
      assert.equal(first.json.pagination.total, 5);
      assert.equal(first.json.pagination.hasMore, true);
      assert.equal(typeof first.json.pagination.nextCursor, 'string');

      const second = await server.request('GET', '/v1/jobs?limit=2&offset=2', { key: account.key });
      assert.deepEqual(second.json.data.map((j: { id: string }) => j.id), newest.slice(2, 4));
      assert.equal(second.json.pagination.offset, 2);
      assert.equal(second.json.pagination.hasMore, true);

      const last = await server.request('GET', '/v1/jobs?limit=2&offset=4', { key: account.key });
      assert.deepEqual(last.json.data.map((j: { id: string }) => j.id), newest.slice(4));
      assert.equal(last.json.pagination.hasMore, false);
      assert.equal(last.json.pagination.nextCursor, null);

      const all = await server.request('GET', '/v1/jobs', { key: account.key });
      assert.equal(all.json.pagination.limit, 25);
      assert.deepEqual(all.json.data.map((j: { id: string }) => j.id), newest);
    });

    it('shows only the caller’s own jobs', async () => {
      await create();
      const other = await server.createAccount();
      const answer = await server.request('GET', '/v1/jobs', { key: other.key });
      assert.deepEqual(answer.json.data, []);
      assert.equal(answer.json.pagination.total, 0);
    });

    it('filters by one status or a comma list of statuses', async () => {
      const a = await create();
      const b = await create();
      const c = await create();
      assert.equal((await server.request('POST', `/v1/jobs/${b.id}/cancel`, { key: account.key })).status, 200);

      const cancelled = await server.request('GET', '/v1/jobs?status=cancelled', { key: account.key });
      assert.deepEqual(cancelled.json.data.map((j: { id: string }) => j.id), [b.id]);
      assert.equal(cancelled.json.pagination.total, 1);

      const pending = await server.request('GET', '/v1/jobs?status=pending', { key: account.key });
      assert.deepEqual(pending.json.data.map((j: { id: string }) => j.id), [c.id, a.id]);
      assert.equal(pending.json.pagination.total, 2);

      const both = await server.request('GET', '/v1/jobs?status=pending,cancelled', { key: account.key });
      assert.deepEqual(both.json.data.map((j: { id: string }) => j.id), [c.id, b.id, a.id]);
      assert.equal(both.json.pagination.total, 3);

      const none = await server.request('GET', '/v1/jobs?status=completed,failed', { key: account.key });
      assert.deepEqual(none.json.data, []);
      assert.equal(none.json.pagination.total, 0);
    });

    it('filters by type', async () => {
      await create();
      await create();
      const sleep = await server.request('GET', '/v1/jobs?type=demo%2Fsleep', { key: account.key });
      assert.equal(sleep.json.data.length, 2);
      assert.equal(sleep.json.pagination.total, 2);
      const other = await server.request('GET', '/v1/jobs?type=html%2Fpdf', { key: account.key });
      assert.deepEqual(other.json.data, []);
      assert.equal(other.json.pagination.total, 0);
    });

    it('pages through every job with nextCursor, with no gap and no repeat', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) ids.push((await create()).id);
      const seen: string[] = [];
      let path = '/v1/jobs?limit=3';
      for (let page = 0; page < 10; page++) {
        const answer = await server.request('GET', path, { key: account.key });
        assert.equal(answer.status, 200, answer.text);
        seen.push(...answer.json.data.map((j: { id: string }) => j.id));
        assert.equal(answer.json.pagination.total, 7);
        const { hasMore, nextCursor } = answer.json.pagination;
        if (!hasMore) {
          assert.equal(nextCursor, null);
          break;
        }
        path = `/v1/jobs?limit=3&cursor=${encodeURIComponent(nextCursor)}`;
      }
      assert.deepEqual(seen, [...ids].reverse());
    });
  });

  describe('cancel and rerun', () => {
    it('cancels a pending job at once and refunds its credit', async () => {
      const created = await create();
      assert.equal(await balance(server, account.accountId), 9);
      const answer = await server.request('POST', `/v1/jobs/${created.id}/cancel`, { key: account.key });
      assert.equal(answer.status, 200);
      assert.equal(answer.json.status, 'cancelled');
      assert.equal(answer.json.creditsRefunded, 1);
      assert.notEqual(answer.json.cancelledAt, null);
      const me = await server.request('GET', '/v1/account', { key: account.key });
      assert.equal(me.json.credits.balance, 10);
    });

    it('cancels with DELETE /v1/jobs/:id as well', async () => {
      const created = await create();
      const answer = await server.request('DELETE', `/v1/jobs/${created.id}`, { key: account.key });
      assert.equal(answer.status, 200);
      assert.equal(answer.json.status, 'cancelled');
      assert.equal(await balance(server, account.accountId), 10);
    });

    it('answers 409 job_not_cancellable for a final job and refunds only once', async () => {
      const created = await create();
      await server.request('POST', `/v1/jobs/${created.id}/cancel`, { key: account.key });
      const again = await server.request('POST', `/v1/jobs/${created.id}/cancel`, { key: account.key });
      assert.equal(again.status, 409);
      assert.equal(again.json.code, 'job_not_cancellable');
      assert.equal(await balance(server, account.accountId), 10);
    });

    it('reruns a final job as a new job that points at the original and is charged again', async () => {
      const original = await create(sleepJob({ durationMs: 1000, steps: 2 }, { priority: 7, metadata: { a: 'b' } }));
      await server.request('POST', `/v1/jobs/${original.id}/cancel`, { key: account.key });
      const answer = await server.request('POST', `/v1/jobs/${original.id}/rerun`, { key: account.key });
      assert.equal(answer.status, 201, answer.text);
      const rerun = answer.json;
      assert.notEqual(rerun.id, original.id);
      assert.equal(answer.headers.get('location'), `/v1/jobs/${rerun.id}`);
      assert.equal(rerun.originalJobId, original.id);
      assert.equal(rerun.status, 'pending');
      assert.deepEqual(rerun.input, original.input);
      assert.equal(rerun.priority, 7);
      assert.deepEqual(rerun.metadata, { a: 'b' });
      assert.equal(rerun.creditsCharged, 1);
      assert.equal(await balance(server, account.accountId), 9);
      assert.equal(await jobTotal(server, account.accountId), 2);
    });

    it('answers 409 job_not_rerunnable for a pending job and creates nothing', async () => {
      const created = await create();
      const answer = await server.request('POST', `/v1/jobs/${created.id}/rerun`, { key: account.key });
      assert.equal(answer.status, 409);
      assert.equal(answer.json.code, 'job_not_rerunnable');
      assert.equal(await jobTotal(server, account.accountId), 1);
      assert.equal(await balance(server, account.accountId), 9);
    });
  });

  describe('idempotency and credits', () => {
    it('replays the first job for the same Idempotency-Key and body, charging once', async () => {
      const headers = { 'idempotency-key': 'order-42' };
      const body = sleepJob({ durationMs: 1000 });
      const first = await server.request('POST', '/v1/jobs', { key: account.key, body, headers });
      assert.equal(first.status, 201);
      assert.equal(first.headers.get('idempotent-replayed'), null);
      const again = await server.request('POST', '/v1/jobs', { key: account.key, body, headers });
      assert.equal(again.status, 200);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal(again.json.id, first.json.id);
      assert.equal(again.headers.get('location'), `/v1/jobs/${first.json.id}`);
      assert.equal(await jobTotal(server, account.accountId), 1);
      assert.equal(await balance(server, account.accountId), 9);
    });

    it('answers 409 idempotency_key_reused for the same key with another body', async () => {
      const headers = { 'idempotency-key': 'order-43' };
      await server.request('POST', '/v1/jobs', { key: account.key, body: sleepJob({ durationMs: 1000 }), headers });
      const other = await server.request('POST', '/v1/jobs', { key: account.key, body: sleepJob({ durationMs: 2000 }), headers });
      assert.equal(other.status, 409);
      assert.equal(other.json.code, 'idempotency_key_reused');
      assert.equal(await jobTotal(server, account.accountId), 1);
      assert.equal(await balance(server, account.accountId), 9);
    });

    it('answers 402 insufficient_credits and creates no job when the balance is short', async () => {
      const poor = await server.createAccount({ credits: 1 });
      await create(sleepJob(), poor.key);
      const answer = await server.request('POST', '/v1/jobs', { key: poor.key, body: sleepJob() });
      assert.equal(answer.status, 402);
      assert.equal(answer.json.code, 'insufficient_credits');
      assert.equal(answer.headers.get('content-type')?.split(';')[0], 'application/problem+json');
      const list = await server.request('GET', '/v1/jobs', { key: poor.key });
      assert.equal(list.json.pagination.total, 1);
      assert.equal(await balance(server, poor.accountId), 0);
    });
  });
});
