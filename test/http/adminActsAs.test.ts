// The admin key acting for an account on account routes (Longrun-Account header), over real HTTP:
// it reads and acts on that account only; an account key's header is ignored; a header naming no
// account is 400 naming it; the admin key without the header is no account key (401).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type TestAccount, type TestServer, sleepJob, startTestServer } from '../helpers/server.js';

describe('the admin key acting for an account', () => {
  let server: TestServer;
  let a: TestAccount;
  let b: TestAccount;
  let aJob: { id: string };
  let bJob: { id: string };

  before(async () => {
    server = await startTestServer();
    a = await server.createAccount({ credits: 10 });
    b = await server.createAccount({ credits: 10 });
    aJob = (await server.request('POST', '/v1/jobs', { key: a.key, body: sleepJob() })).json;
    bJob = (await server.request('POST', '/v1/jobs', { key: b.key, body: sleepJob() })).json;
  });
  after(async () => {
    await server.close();
  });

  const asAdmin = (method: string, path: string, account: string, body?: unknown) =>
    server.request(method, path, { key: server.adminKey!, headers: { 'longrun-account': account }, ...(body === undefined ? {} : { body }) });

  it('lists, reads and cancels the named account’s jobs only', async () => {
    const list = await asAdmin('GET', '/v1/jobs', a.accountId);
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.json.data.map((j: { id: string }) => j.id), [aJob.id]);
    assert.equal((await asAdmin('GET', `/v1/jobs/${bJob.id}`, a.accountId)).status, 404);
    const cancelled = await asAdmin('POST', `/v1/jobs/${aJob.id}/cancel`, a.accountId);
    assert.equal(cancelled.json.status, 'cancelled');
    assert.equal((await asAdmin('GET', '/v1/account', b.accountId)).json.id, b.accountId);
  });

  it('ignores the header on an account key, so no account reaches another', async () => {
    const answer = await server.request('GET', '/v1/jobs', { key: a.key, headers: { 'longrun-account': b.accountId } });
    assert.deepEqual(answer.json.data.map((j: { id: string }) => j.id), [aJob.id]);
    assert.equal((await server.request('GET', `/v1/jobs/${bJob.id}`, { key: a.key, headers: { 'longrun-account': b.accountId } })).status, 404);
  });

  it('refuses a header naming no account (400 naming it), and the admin key without one (401)', async () => {
    for (const account of ['acct_01ARZ3NDEKTSV4RRFFQ69G5FAV', 'nonsense']) {
      const answer = await asAdmin('GET', '/v1/jobs', account);
      assert.equal(answer.status, 400, answer.text);
      assert.match(answer.json.detail, /longrun-account/i);
    }
    assert.equal((await server.request('GET', '/v1/jobs', { key: server.adminKey! })).status, 401);
    assert.equal((await server.request('GET', '/v1/jobs', { key: 'wrong', headers: { 'longrun-account': a.accountId } })).status, 401);
  });
});
