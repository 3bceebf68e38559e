// Who may use the worker protocol: only live worker keys, only for their types. Account and admin
// keys cannot claim (a claim reveals other tenants' input); a worker key reads no account or admin
// route. Worker keys are issued, listed (never their secrets) and revoked through the admin API.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type TestAccount, type TestServer, startTestServer } from '../helpers/server.js';
import { issueWorkerKey, workerClient } from './helpers.js';

describe('worker protocol: keys and scope', () => {
  let server: TestServer;
  let account: TestAccount;
  let key: { id: string; key: string };

  before(async () => {
    server = await startTestServer();
    account = await server.createAccount();
    key = await issueWorkerKey(server, ['demo/sleep', 'html/pdf'], 'render fleet');
  });
  after(() => server.close());

  it('issues a worker key once, shows its secret only then, and lists it without the secret', async () => {
    assert.match(key.key, /^lrw_[0-9A-Z]{26}_[A-Za-z0-9_-]{43}$/);
    assert.match(key.id, /^wkey_/);
    const listed = await server.request('GET', '/v1/admin/worker-keys', { key: server.adminKey! });
    assert.equal(listed.status, 200, listed.text);
    const entry = listed.json.data.find((k: { id: string }) => k.id === key.id);
    assert.deepEqual(Object.keys(entry).sort(), ['createdAt', 'id', 'last4', 'name', 'revokedAt', 'types']);
    assert.deepEqual([entry.name, entry.types, entry.last4, entry.revokedAt], ['render fleet', ['demo/sleep', 'html/pdf'], key.key.slice(-4), null]);
    assert.ok(!listed.text.includes(key.key), 'the secret is never listed');
  });

  it('an account key and the admin key get 403 on the worker routes; no key or an unknown one 401', async () => {
    for (const secret of [account.key, server.adminKey!]) {
      const claim = await server.request('POST', '/v1/worker/claim', { key: secret, body: { max: 1 } });
      assert.equal(claim.status, 403, claim.text);
      assert.equal(claim.json.code, 'forbidden');
    }
    assert.equal((await server.request('POST', '/v1/worker/claim', { body: { max: 1 } })).status, 401);
    const forged = `lrw_${key.id.slice(5)}_${'A'.repeat(43)}`;
    assert.equal((await server.request('POST', '/v1/worker/claim', { key: forged, body: { max: 1 } })).status, 401);
  });

  it('a worker key gets 403 on account and admin routes', async () => {
    for (const [method, path] of [
      ['GET', '/v1/jobs'],
      ['GET', '/v1/job-types'],
      ['GET', '/v1/account'],
      ['GET', '/v1/admin/accounts'],
      ['GET', '/v1/admin/workers'],
      ['POST', '/v1/admin/worker-keys'],
    ] as const) {
      const answer = await server.request(method, path, { key: key.key, ...(method === 'POST' ? { body: { name: 'x', types: ['a'] } } : {}) });
      assert.equal(answer.status, 403, `${method} ${path}: ${answer.text}`);
      assert.equal(answer.json.code, 'forbidden');
    }
  });

  it('a worker key claims only its types: asking for another is 403 naming it, and takes nothing', async () => {
    const created = await server.request('POST', '/v1/jobs', { key: account.key, body: { type: 'demo/sleep', input: { durationMs: 1 } } });
    const outside = await server.request('POST', '/v1/worker/claim', { key: key.key, body: { max: 1, types: ['demo/sleep', 'url/pdf'] } });
    assert.equal(outside.status, 403, outside.text);
    assert.match(outside.json.detail, /types\/1/);
    assert.equal((await server.store.jobGet({ id: created.json.id }))!.status, 'pending');
    const other = await issueWorkerKey(server, ['url/pdf']);
    const nothing = await workerClient(server, other.key).claim({ max: 5 });
    assert.deepEqual(nothing.json.jobs, [], 'a key for other types does not see the job');
    const mine = await workerClient(server, key.key).claimOne({ types: ['demo/sleep'] });
    assert.equal(mine.id, created.json.id);
    assert.equal((await workerClient(server, key.key).complete(mine, null)).status, 200);
  });

  it('a claim hands the worker the whole input, private fields included, which the owner never sees', async () => {
    const created = await server.request('POST', '/v1/jobs', { key: account.key, body: { type: 'html/pdf', input: { html: '<h1>secret</h1>' } } });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.input.html, undefined);
    const job = await workerClient(server, key.key).claimOne({ types: ['html/pdf'] });
    assert.equal(job.input.html, '<h1>secret</h1>');
    assert.equal((await workerClient(server, key.key).release(job)).status, 200);
    await server.request('POST', `/v1/jobs/${job.id}/cancel`, { key: account.key });
  });

  it('refuses a worker key without types or with a malformed one, naming the field', async () => {
    const admin = { key: server.adminKey! };
    const empty = await server.request('POST', '/v1/admin/worker-keys', { ...admin, body: { name: 'x', types: [] } });
    assert.equal(empty.status, 400);
    assert.match(empty.json.detail, /types/);
    const bad = await server.request('POST', '/v1/admin/worker-keys', { ...admin, body: { name: 'x', types: ['demo/sleep', 'Not A Type'] } });
    assert.equal(bad.status, 400);
    assert.match(bad.json.detail, /\/types\/1/);
    const unknownField = await server.request('POST', '/v1/admin/worker-keys', { ...admin, body: { name: 'x', types: ['a'], accounts: [] } });
    assert.equal(unknownField.status, 400);
  });

  it('revoking a worker key refuses its next request at once; a second revoke is 404', async () => {
    const doomed = await issueWorkerKey(server, ['demo/sleep']);
    assert.equal((await workerClient(server, doomed.key).claim({ max: 1 })).status, 200);
    const revoked = await server.request('DELETE', `/v1/admin/worker-keys/${doomed.id}`, { key: server.adminKey! });
    assert.equal(revoked.status, 204, revoked.text);
    assert.equal((await workerClient(server, doomed.key).claim({ max: 1 })).status, 401);
    assert.equal((await server.request('DELETE', `/v1/admin/worker-keys/${doomed.id}`, { key: server.adminKey! })).status, 404);
    const listed = await server.request('GET', '/v1/admin/worker-keys', { key: server.adminKey! });
    assert.notEqual(listed.json.data.find((k: { id: string }) => k.id === doomed.id).revokedAt, null);
  });

  it('a type declared without code runs on a remote worker: declared, created, claimed with its private input, completed', async () => {
    const declared = await server.request('PUT', '/v1/admin/job-types/py/reverse', {
      key: server.adminKey!,
      body: {
        description: 'Reverses a text in Python',
        inputSchema: { type: 'object', properties: { text: { type: 'string' }, token: { type: 'string' } }, required: ['text'], additionalProperties: false },
        privateFields: ['token'],
        creditCost: 2,
        timeoutMs: 60_000,
        maxAttempts: 2,
      },
    });
    assert.equal(declared.status, 201, declared.text);
    const py = await issueWorkerKey(server, ['py/reverse'], 'python');
    const created = await server.request('POST', '/v1/jobs', { key: account.key, body: { type: 'py/reverse', input: { text: 'hello', token: 's3cret' } } });
    assert.equal(created.status, 201, created.text);
    const client = workerClient(server, py.key);
    const job = await client.claimOne();
    assert.deepEqual([job.id, job.input, job.maxAttempts, job.timeoutMs], [created.json.id, { text: 'hello', token: 's3cret' }, 2, 60_000]);
    const done = await client.complete(job, { text: 'olleh' });
    assert.equal(done.status, 200, done.text);
    const seen = await server.request('GET', `/v1/jobs/${job.id}`, { key: account.key });
    assert.deepEqual([seen.json.status, seen.json.output, seen.json.input.token], ['completed', { text: 'olleh' }, undefined]);
  });
});
