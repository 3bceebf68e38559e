// The productai dialect over real HTTP with a real worker and Chromium: the seed document's Python
// and JavaScript polling loops with only the base URL, key and job id replaced, their image URLs
// downloaded with no key; signed links (tampered, expired, and the native link route); each
// status, a cancelled job shown as failed; paging to the end; its errors; and its webhooks, whose
// X-ProductAI-Signature a real receiving server checks. Waits follow the job's own changes or a
// request's arrival, never a timer.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { isFinalStatus } from '../../src/domain/index.js';
import { type ReceivedRequest, startReceiver } from '../helpers/receiver.js';
import { pythonSkip, runSeed } from '../helpers/seedClient.js';
import { type TestAccount, type TestServer, jobReaches, startTestServer } from '../helpers/server.js';

const PAGE = '<!doctype html><body style="margin:0;background:#08f"></body>';

describe('compat: productai', () => {
  let server: TestServer;
  let account: TestAccount;
  let imageJob: string;
  const seed = (jobId: string) => ({ 'https://api.productai.photo': `${server.url}/compat/productai`, YOUR_API_KEY: account.key, job_abc123xyz: jobId });

  before(async () => {
    // Private targets: the webhook receiver listens on 127.0.0.1. One quick retry after a failed attempt.
    server = await startTestServer({ workers: 1, service: { allowPrivateTargets: true, webhookRetrySchedule: [10] } });
    account = await server.createAccount({ credits: 1000 });
    const created = await create('html/image', { html: PAGE, viewport: { width: 64, height: 48 } });
    imageJob = created.job_id;
    await jobReaches(server, imageJob, (job) => isFinalStatus(job.status));
  });
  after(async () => {
    await server.close();
  });

  async function create(model: string, input: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    const answer = await server.request('POST', '/compat/productai/v1/jobs', { key: account.key, body: { model, input, ...extra } });
    assert.equal(answer.status, 201, answer.text);
    return answer.json;
  }
  const get = (id: string, key = account.key) => server.request('GET', `/compat/productai/v1/jobs/${id}`, { headers: { authorization: `Bearer ${key}` } });
  const finished = async (input: Record<string, unknown>) => {
    const { job_id: id } = await create('demo/sleep', input);
    await jobReaches(server, id, (job) => isFinalStatus(job.status));
    return id as string;
  };
  const download = async (url: string) => {
    const response = await fetch(url);
    return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
  };
  const assertPng = (bytes: Buffer) => {
    assert.equal(bytes.readUInt32BE(0), 0x89504e47);
    assert.deepEqual([bytes.readUInt32BE(16), bytes.readUInt32BE(20)], [64, 48]);
  };

  it('shows a completed job with its image as a signed URL that downloads with no key', async () => {
    const job = (await get(imageJob)).json;
    assert.deepEqual(Object.keys(job), ['job_id', 'status', 'progress', 'created_at', 'started_at', 'completed_at', 'model', 'images', 'tokens_used']);
    assert.deepEqual([job.status, job.progress, job.model, job.tokens_used], ['completed', 100, 'html/image', 1]);
    assert.equal(job.images.length, 1);
    assert.deepEqual([job.images[0].width, job.images[0].height], [64, 48]);
    assert.ok(job.images[0].url.startsWith(`${server.url}/v1/signed/jobs/${imageJob}/files/`));
    const file = await download(job.images[0].url);
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'image/png');
    assert.match(file.headers.get('content-disposition') ?? '', /^inline/);
    assertPng(file.bytes);
  });

  it('runs the seed’s JavaScript loop: its image URLs download', async () => {
    const run = await runSeed('productai-wait.mjs', seed(imageJob));
    assert.equal(run.code, 0, run.stderr);
    const urls = run.stdout.trim().split('\n');
    assert.equal(urls.length, 1);
    assertPng((await download(urls[0]!)).bytes);
  });

  it('runs the seed’s Python loop: its image URLs download with requests.get', { skip: pythonSkip }, async () => {
    const run = await runSeed('productai-wait.py', seed(imageJob));
    assert.equal(run.code, 0, run.stderr);
    const urls = run.stdout.trim().split('\n');
    assert.equal(urls.length, 1);
    assertPng((await download(urls[0]!)).bytes);
  });

  it('refuses a tampered or expired link with 403, and honours one signed as documented (HMAC over job, file and expiry)', async () => {
    const url = new URL((await get(imageJob)).json.images[0].url);
    const name = decodeURIComponent(url.pathname.split('/').pop()!);
    const tampered = new URL(url);
    tampered.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 60));
    assert.equal((await download(tampered.href)).status, 403);
    const wrongName = url.href.replace(`/files/${encodeURIComponent(name)}`, '/files/other.png');
    assert.equal((await download(wrongName)).status, 403);

    const secret = (await server.request('GET', '/v1/account', { key: account.key })).json.webhookSecret as string;
    const sign = (expires: number) => {
      const key = createHmac('sha256', secret).update('longrun file link v1').digest();
      return createHmac('sha256', key).update(`${imageJob}\n${name}\n${expires}`).digest('hex');
    };
    const at = (expires: number) => `${server.url}/v1/signed/jobs/${imageJob}/files/${encodeURIComponent(name)}?expires=${expires}&signature=${sign(expires)}`;
    const now = Math.floor(Date.now() / 1000);
    const expired = await server.request('GET', new URL(at(now - 5)).pathname + new URL(at(now - 5)).search);
    assert.deepEqual([expired.status, expired.json.detail], [403, 'The link has expired']);
    assertPng((await download(at(now + 600))).bytes);
    assert.equal((await download(`${server.url}/v1/signed/jobs/${imageJob}/files/${encodeURIComponent(name)}`)).status, 400);
  });

  it('hands out links through the native GET /v1/jobs/:id/files/:name/link', async () => {
    const name = (await server.request('GET', `/v1/jobs/${imageJob}`, { key: account.key })).json.output.files[0].name;
    const answer = await server.request('GET', `/v1/jobs/${imageJob}/files/${name}/link?expiresIn=120`, { key: account.key });
    assert.equal(answer.status, 200, answer.text);
    const left = Date.parse(answer.json.expiresAt) - Date.now();
    assert.ok(left > 100_000 && left <= 120_000, `${left} ms left`);
    assertPng((await download(answer.json.url)).bytes);
    const stranger = await server.createAccount();
    assert.equal((await server.request('GET', `/v1/jobs/${imageJob}/files/${name}/link`, { key: stranger.key })).status, 404);
    assert.equal((await server.request('GET', `/v1/jobs/${imageJob}/files/${name}/link`, { key: 'lr_wrong' })).status, 401);
    assert.equal((await server.request('GET', `/v1/jobs/${imageJob}/files/${name}/link?expiresIn=0`, { key: account.key })).status, 400);
  });

  it('shows pending, processing, failed, and a cancelled job as failed, which ends the seed’s loop', async () => {
    const created = await create('demo/sleep', { durationMs: 600_000, steps: 100 });
    assert.deepEqual(Object.keys(created), ['job_id', 'status', 'progress', 'created_at', 'model', 'tokens_used']);
    assert.equal(created.status, 'pending');
    await jobReaches(server, created.job_id, (job) => job.status === 'running');
    const processing = (await get(created.job_id)).json;
    assert.deepEqual([processing.status, typeof processing.started_at, processing.images], ['processing', 'string', undefined]);
    await server.request('POST', `/v1/jobs/${created.job_id}/cancel`, { key: account.key });
    const cancelled = (await get(created.job_id)).json;
    assert.deepEqual([cancelled.status, cancelled.error, typeof cancelled.failed_at, cancelled.tokens_used], ['failed', { code: 'cancelled', message: 'The job was cancelled' }, 'string', 0]);
    const stopped = await runSeed('productai-wait.mjs', seed(created.job_id));
    assert.notEqual(stopped.code, 0);
    assert.match(stopped.stderr, /Error: The job was cancelled/);

    const failed = (await get(await finished({ durationMs: 0, failAt: 1, failCode: 'generation_failed' }))).json;
    assert.deepEqual([failed.status, failed.error.code, failed.error.message], ['failed', 'generation_failed', 'Failed at step 1 of 1, as asked']);
    assert.equal(failed.images, undefined);
  });

  it('lists with total and has_more, pages to the end, and filters failed to include cancelled', async () => {
    const seen: string[] = [];
    let total = 0;
    for (let offset = 0; ; offset += 2) {
      const page = (await server.request('GET', `/compat/productai/v1/jobs?limit=2&offset=${offset}`, { key: account.key })).json;
      assert.deepEqual([page.limit, page.offset], [2, offset]);
      total = page.total;
      seen.push(...page.jobs.map((j: { job_id: string }) => j.job_id));
      if (!page.has_more) break;
    }
    assert.equal(seen.length, total);
    assert.equal(new Set(seen).size, total);
    assert.equal(seen.at(-1), imageJob, 'oldest last');
    const failed = (await server.request('GET', '/compat/productai/v1/jobs?status=failed', { key: account.key })).json;
    assert.ok(failed.jobs.length >= 2 && failed.jobs.every((j: { status: string }) => j.status === 'failed'));
    assert.equal((await server.request('GET', '/compat/productai/v1/jobs', { key: account.key })).json.limit, 20);
  });

  it('posts the document’s webhook on completion, its failed counterpart on failure and cancel, signed sha256=<hex HMAC of the raw body>', async () => {
    const hooks = await startReceiver();
    try {
      const secret = (await server.request('GET', '/v1/account', { key: account.key })).json.webhookSecret as string;
      // The receiver's check, as the document's header says: the hex HMAC-SHA256 of the raw body, keyed with the secret.
      const verified = (hook: ReceivedRequest) => {
        assert.equal(hook.headers['x-productai-signature'], `sha256=${createHmac('sha256', secret).update(hook.body).digest('hex')}`);
        assert.equal(hook.headers['content-type'], 'application/json');
        return JSON.parse(hook.body);
      };
      const webhook = { webhook_url: `${hooks.url}/webhook` };
      hooks.answer({ status: 500 });
      const done = (await create('html/image', { html: PAGE, viewport: { width: 64, height: 48 } }, webhook)).job_id as string;
      const [refused, retried] = [await hooks.request(0), await hooks.request(1)];
      assert.equal(retried.body, refused.body, 'a retry sends the same bytes');
      const completed = verified(retried);
      const view = (await get(done)).json;
      assert.deepEqual(Object.keys(completed), ['event', 'job_id', 'status', 'images', 'tokens_used', 'completed_at']);
      assert.deepEqual([completed.event, completed.job_id, completed.status, completed.tokens_used, completed.completed_at], ['job.completed', done, 'completed', 1, view.completed_at]);
      assert.equal(completed.images.length, 1);
      assert.deepEqual([completed.images[0].width, completed.images[0].height], [64, 48]);
      const image = await fetch(`${server.url}${completed.images[0].url}`, { headers: { 'x-api-key': account.key } });
      assertPng(Buffer.from(await image.arrayBuffer()));

      const failed = (await create('demo/sleep', { durationMs: 0, failAt: 1, failCode: 'generation_failed' }, webhook)).job_id as string;
      const failure = verified(await hooks.request(2));
      const failedView = (await get(failed)).json;
      assert.deepEqual(failure, { event: 'job.failed', job_id: failed, status: 'failed', error: failedView.error, tokens_used: failedView.tokens_used, failed_at: failedView.failed_at });

      const long = (await create('demo/sleep', { durationMs: 600_000 }, webhook)).job_id as string;
      await server.request('POST', `/v1/jobs/${long}/cancel`, { key: account.key });
      const cancel = verified(await hooks.request(3));
      assert.deepEqual([cancel.event, cancel.status, cancel.error, cancel.tokens_used], ['job.failed', 'failed', { code: 'cancelled', message: 'The job was cancelled' }, 0]);

      const logged = await server.request('GET', `/v1/jobs/${done}/deliveries`, { key: account.key });
      assert.deepEqual(logged.json.deliveries.map((d: { payload: unknown; attemptCount: number }) => [d.payload, d.attemptCount]), [[completed, 2]]);
      const again = await server.request('POST', `/v1/jobs/${done}/deliveries/${logged.json.deliveries[0].id}/redeliver`, { key: account.key });
      assert.ok(again.status < 300, again.text);
      assert.deepEqual(verified(await hooks.request(4)), completed, 'a redelivery sends the same payload, signed again');
    } finally {
      await hooks.close();
    }
  });

  it('answers errors as {error: {code, message}}: 401, another account’s job 404, bad input 400, never 5xx', async () => {
    assert.deepEqual([(await get(imageJob, 'lr_wrong')).status, (await get(imageJob, 'lr_wrong')).json.error.code], [401, 'unauthorized']);
    const stranger = await server.createAccount();
    assert.equal((await get(imageJob, stranger.key)).status, 404);
    for (const body of [{}, { model: 'demo/sleep', input: { durationMs: -1 } }, { model: 'demo/sleep', input: {}, webhook_url: 'nope' }, { model: 'demo/sleep', extra: true }]) {
      const answer = await server.request('POST', '/compat/productai/v1/jobs', { key: account.key, body });
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.equal(typeof answer.json.error.message, 'string');
    }
    for (const query of ['limit=0', 'limit=101', 'status=processing,failed', 'status=cancelled']) {
      assert.equal((await server.request('GET', `/compat/productai/v1/jobs?${query}`, { key: account.key })).status, 400, query);
    }
    const doc = (await server.request('GET', '/compat/productai/openapi.json')).json;
    assert.deepEqual(Object.keys(doc.paths).sort(), ['/compat/productai/v1/jobs', '/compat/productai/v1/jobs/{job_id}']);
  });
});
