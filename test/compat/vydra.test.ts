// The vydra dialect over real HTTP with a real worker: the seed document's curl examples and
// JavaScript polling loop with only the base URL, key, workflow, input and job id replaced; each
// of the document's response states; cancel with refund; paging to the end with a status filter;
// and its errors. Waits follow the job's own changes, never a timer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isFinalStatus } from '../../src/domain/index.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { sleepJobs } from '../helpers/compatJobs.js';
import { signatureHeader } from '../../src/webhooks/signature.js';
import { runSeed } from '../helpers/seedClient.js';
import { type TestAccount, type TestServer, balance, jobReaches, sleepJob, startTestServer } from '../helpers/server.js';

describe('compat: vydra', () => {
  let server: TestServer;
  let account: TestAccount;
  let receiver: Receiver;
  const seed = (extra: Record<string, string> = {}) => ({ 'https://vydra.app': `${server.url}/compat/vydra`, YOUR_API_KEY: account.key, ...extra });

  before(async () => {
    receiver = await startReceiver();
    server = await startTestServer({ workers: 1, service: { allowPrivateTargets: true } });
    account = await server.createAccount({ credits: 1000 });
  });
  after(async () => {
    await server.close();
    await receiver.close();
  });

  const create = async (input: Record<string, unknown> = { durationMs: 0 }, key = account.key) => {
    const answer = await server.request('POST', '/compat/vydra/api/v1/jobs', { key, body: { workflow: 'demo/sleep', input } });
    assert.equal(answer.status, 201, answer.text);
    return answer.json.id as string;
  };
  const { finished } = sleepJobs(() => server, () => account.key, (input) => create(input));
  const get = (id: string, key = account.key) => server.request('GET', `/compat/vydra/api/v1/jobs/${id}`, { headers: { authorization: `Bearer ${key}` } });

  it('creates with the seed’s curl: 201 with absolute links that the seed’s get follows', async () => {
    const run = await runSeed('vydra-create.sh', seed({
      'house-timelapse': 'demo/sleep',
      '"theme": "Cliffside Ocean Mansion"': '"durationMs": 3',
      'https://yourapp.com/webhook/vydra': `${receiver.url}/webhook/vydra`,
    }));
    assert.equal(run.code, 0, run.stderr);
    const created = JSON.parse(run.stdout);
    assert.deepEqual(Object.keys(created), ['id', 'status', 'workflow', 'creditsCharged', 'createdAt', '_links']);
    assert.equal(created.status, 'pending');
    assert.equal(created.workflow, 'demo/sleep');
    assert.equal(created.creditsCharged, 1);
    assert.equal(created._links.self, `${server.url}/compat/vydra/api/v1/jobs/${created.id}`);
    assert.equal(created._links.status, created._links.self);
    const native = (await server.request('GET', `/v1/jobs/${created.id}`, { key: account.key })).json;
    assert.equal(native.webhookUrl, `${receiver.url}/webhook/vydra`);
    await jobReaches(server, created.id, (job) => isFinalStatus(job.status));

    const fetched = await fetch(created._links.self, { headers: { authorization: `Bearer ${account.key}` } });
    const job = (await fetched.json()) as Record<string, any>;
    assert.deepEqual(
      [job.id, job.status, job.progress, job.workflowSlug, job.statusMessage, job.creditsCharged, job.output],
      [created.id, 'completed', 100, 'demo/sleep', 'Step 1 of 1', 1, { sleptMs: 3 }],
    );
    assert.ok(job.completedAt >= job.createdAt);
    const viaCurl = await runSeed('vydra-get.sh', seed({ '550e8400-e29b-41d4-a716-446655440000': created.id }));
    assert.deepEqual(JSON.parse(viaCurl.stdout), job);
  });

  it('shows pending and running, and ends the seed’s polling loop on completed and on failed', async () => {
    const long = await create({ durationMs: 600_000, steps: 100 });
    await jobReaches(server, long, (job) => job.status === 'running');
    const pending = (await get(await create())).json;
    assert.deepEqual([pending.status, pending.progress, pending.statusMessage, pending.completedAt], ['pending', 0, 'Waiting to start...', null]);
    const running = (await get(long)).json;
    assert.deepEqual([running.status, running.progress, running.statusMessage, running.output], ['running', 0, 'Processing...', null]);
    assert.equal((await server.request('DELETE', `/compat/vydra/api/v1/jobs/${long}`, { key: account.key })).status, 200);

    const done = await finished({ durationMs: 2 });
    const ok = await runSeed('vydra-poll.mjs', seed({ 'job-id': done }));
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, 'Status: completed, Progress: 100%\nVideo URL: undefined\n');

    const failed = await finished({ durationMs: 0, failAt: 1, failCode: 'processing_error' });
    const view = (await get(failed)).json;
    assert.equal(view.status, 'failed');
    assert.deepEqual(view.error, { message: 'Failed at step 1 of 1, as asked', code: 'PROCESSING_ERROR' });
    assert.equal(view.creditsRefunded, (await server.request('GET', `/v1/jobs/${failed}`, { key: account.key })).json.creditsRefunded);
    assert.equal(view.refundStatus, view.creditsRefunded > 0 ? 'completed' : 'none');
    const thrown = await runSeed('vydra-poll.mjs', seed({ 'job-id': failed }));
    assert.notEqual(thrown.code, 0);
    assert.match(thrown.stdout, /^Status: failed, Progress: 0%\n$/);
    assert.match(thrown.stderr, /Error: Failed at step 1 of 1, as asked/);
  });

  it('cancels with the seed’s curl, refunding the credits; a final job cannot be cancelled', async () => {
    const id = await create({ durationMs: 600_000 });
    const before = await balance(server, account.accountId);
    const run = await runSeed('vydra-delete.sh', seed({ '550e8400-e29b-41d4-a716-446655440000': id }));
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { success: true, message: 'Job cancelled', refund: { applied: true, creditsRefunded: 1 } });
    assert.equal(await balance(server, account.accountId), before! + 1);
    const view = (await get(id)).json;
    assert.deepEqual([view.status, view.statusMessage, view.error.code, view.creditsRefunded, view.refundStatus], ['cancelled', 'Cancelled', 'CANCELLED', 1, 'completed']);
    const again = await server.request('DELETE', `/compat/vydra/api/v1/jobs/${id}`, { key: account.key });
    assert.deepEqual([again.status, again.json.error.code], [409, 'JOB_NOT_CANCELLABLE']);
    assert.equal(await balance(server, account.accountId), before! + 1, 'refunded once');
  });

  it('lists newest first with the seed’s curl, filters by status and pages to the end', async () => {
    const other = await server.createAccount({ credits: 100 });
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const answer = await server.request('POST', '/v1/jobs', { key: other.key, body: sleepJob({ durationMs: 0 }, { runAt: new Date(Date.now() + 86_400_000).toISOString() }) });
      ids.push(answer.json.id);
    }
    const cancelled = ids[2]!;
    await server.request('POST', `/v1/jobs/${cancelled}/cancel`, { key: other.key });
    const listed = await runSeed('vydra-list.sh', seed({ YOUR_API_KEY: other.key, 'status=completed': 'status=cancelled' }));
    const page = JSON.parse(listed.stdout);
    assert.deepEqual(page.data.map((j: { id: string }) => j.id), [cancelled]);
    assert.deepEqual(page.pagination, { limit: 10, offset: 0, count: 1 });

    const seen: string[] = [];
    for (let offset = 0; ; offset += 3) {
      const answer = await server.request('GET', `/compat/vydra/api/v1/jobs?limit=3&offset=${offset}`, { key: other.key });
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.json.pagination, { limit: 3, offset, count: answer.json.data.length });
      seen.push(...answer.json.data.map((j: { id: string }) => j.id));
      if (answer.json.data.length < 3) break;
    }
    assert.deepEqual(seen, ids.slice().reverse());
    assert.equal((await server.request('GET', '/compat/vydra/api/v1/jobs', { key: other.key })).json.pagination.limit, 20);
  });

  it('answers errors as {error: {message, code}}: wrong key 401, another account’s job 404, bad input 400, never 5xx', async () => {
    const id = await create();
    const wrong = await get(id, 'lr_wrong');
    assert.deepEqual([wrong.status, wrong.json.error.code], [401, 'UNAUTHORIZED']);
    const stranger = await server.createAccount();
    assert.deepEqual([(await get(id, stranger.key)).status, (await get(id, stranger.key)).json.error.code], [404, 'NOT_FOUND']);
    assert.equal((await server.request('DELETE', `/compat/vydra/api/v1/jobs/${id}`, { key: stranger.key })).status, 404);
    const bad: Array<[unknown, RegExp]> = [
      [{}, /workflow/],
      [{ workflow: 'no/such-type' }, /no\/such-type/],
      [{ workflow: 'demo/sleep', input: { durationMs: 'soon' } }, /durationMs/],
      [{ workflow: 'demo/sleep', input: { durationMs: 0 }, webhookUrl: 'not a url' }, /webhookUrl/],
      [{ workflow: 'demo/sleep', input: { durationMs: 0 }, colour: 'red' }, /colour/],
    ];
    for (const [body, named] of bad) {
      const answer = await server.request('POST', '/compat/vydra/api/v1/jobs', { key: account.key, body });
      assert.ok(answer.status >= 400 && answer.status < 500, `${JSON.stringify(body)}: ${answer.status} ${answer.text}`);
      assert.match(answer.json.error.message, named, JSON.stringify(body));
    }
    for (const query of ['limit=0', 'limit=101', 'offset=-1', 'status=done']) {
      const answer = await server.request('GET', `/compat/vydra/api/v1/jobs?${query}`, { key: account.key });
      assert.equal(answer.status, 400, query);
      assert.equal(answer.json.error.code, 'INVALID_REQUEST');
    }
  });

  it('sends the document’s success and failure webhook payloads, Standard Webhooks signed, through the delivery log', async () => {
    const hooks = await startReceiver();
    try {
      const make = async (input: Record<string, unknown>) => {
        const answer = await server.request('POST', '/compat/vydra/api/v1/jobs', { key: account.key, body: { workflow: 'demo/sleep', input, webhookUrl: `${hooks.url}/hook` } });
        assert.equal(answer.status, 201, answer.text);
        return answer.json.id as string;
      };
      const done = await make({ durationMs: 1 });
      const success = await hooks.request(0);
      const failed = await make({ durationMs: 0, failAt: 1, failCode: 'processing_error' });
      const failure = await hooks.request(1);
      const doneJob = (await get(done)).json;
      assert.deepEqual(JSON.parse(success.body), { jobId: done, status: 'completed', workflow: 'demo/sleep', output: { sleptMs: 1 }, completedAt: doneJob.completedAt });
      const failedJob = (await get(failed)).json;
      assert.deepEqual(JSON.parse(failure.body), {
        jobId: failed,
        status: 'failed',
        workflow: 'demo/sleep',
        error: { message: 'Failed at step 1 of 1, as asked', code: 'PROCESSING_ERROR' },
        refund: { applied: failedJob.creditsRefunded > 0, creditsRefunded: failedJob.creditsRefunded },
        completedAt: failedJob.completedAt,
      });
      const secret = (await server.request('GET', '/v1/account', { key: account.key })).json.webhookSecret;
      for (const delivery of [success, failure]) {
        const expected = signatureHeader({ id: String(delivery.headers['webhook-id']), timestamp: Number(delivery.headers['webhook-timestamp']), body: delivery.body, secrets: [secret] });
        assert.equal(delivery.headers['webhook-signature'], expected);
      }
      const logged = await server.request('GET', `/v1/jobs/${done}/deliveries`, { key: account.key });
      assert.equal(logged.status, 200, logged.text);
      assert.deepEqual(logged.json.deliveries.map((d: { payload: unknown }) => d.payload), [JSON.parse(success.body)], 'the delivery log keeps the payload sent');
      assert.deepEqual((await server.request('GET', `/v1/jobs/${done}`, { key: account.key })).json.metadata, {}, 'the format is no metadata of the user’s');

      const redelivered = await server.request('POST', `/v1/jobs/${done}/deliveries/${logged.json.deliveries[0].id}/redeliver`, { key: account.key });
      assert.ok(redelivered.status < 300, redelivered.text);
      assert.equal((await hooks.request(2)).body, success.body, 'a redelivery sends the same vydra bytes');

      const native = await server.request('POST', '/v1/jobs', { key: account.key, body: sleepJob({ durationMs: 0 }, { webhookUrl: `${hooks.url}/hook`, metadata: { webhookPayload: 'vydra' } }) });
      const plain = JSON.parse((await hooks.request(3)).body);
      assert.deepEqual([plain.type, plain.data.id, plain.data.metadata], ['job.completed', native.json.id, { webhookPayload: 'vydra' }], 'a native job’s webhookPayload key is just metadata');
    } finally {
      await hooks.close();
    }
  });

  it('documents itself at /compat/vydra/openapi.json', async () => {
    const doc = (await server.request('GET', '/compat/vydra/openapi.json')).json;
    assert.deepEqual(Object.keys(doc.paths['/compat/vydra/api/v1/jobs/{id}']).sort(), ['delete', 'get']);
    assert.deepEqual(Object.keys(doc.paths['/compat/vydra/api/v1/jobs']).sort(), ['get', 'post']);
  });
});
