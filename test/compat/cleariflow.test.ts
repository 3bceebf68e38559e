// The cleariflow dialect over real HTTP with a real worker and Chromium: the seed document's curl
// examples with only the base URL, key, page and job id replaced; queued, running, done (the
// screenshot inline) and failed; priority order; the job_id as a capability (a random UUID v4, not
// the job id); the operator's --cleariflow-require-key; and its errors. Waits follow the job's own
// changes, never a timer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isFinalStatus } from '../../src/domain/index.js';
import { type LocalSite, startSite } from '../helpers/render.js';
import { runSeed } from '../helpers/seedClient.js';
import { type TestAccount, type TestServer, jobReaches, sleepJob, startTestServer } from '../helpers/server.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const PAGE = '<!doctype html><body style="margin:0;background:#0a0">shot</body>';

describe('compat: cleariflow', () => {
  let server: TestServer;
  let account: TestAccount;
  let site: LocalSite;

  before(async () => {
    site = await startSite((request, response) => {
      if (request.url === '/broken') return void response.writeHead(500).end('broken');
      response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    });
    server = await startTestServer({ workers: 1, service: { allowPrivateTargets: true } });
    account = await server.createAccount({ credits: 1000 });
  });
  after(async () => {
    await server.close();
    await site.close();
  });

  const base = () => `${server.url}/compat/cleariflow`;
  const create = async (request: Record<string, unknown>, priority?: number) => {
    const answer = await server.request('POST', '/compat/cleariflow/v1/jobs', { body: { request: { api_key: account.key, ...request }, priority } });
    assert.equal(answer.status, 200, answer.text);
    return answer.json.job_id as string;
  };
  const jobIdOf = async (alias: string) => (await server.store.jobAliasGet({ alias }))!;
  const get = (alias: string) => server.request('GET', `/compat/cleariflow/v1/jobs/${alias}`);
  const busy = async () => {
    const answer = await server.request('POST', '/v1/jobs', { key: account.key, body: sleepJob({ durationMs: 600_000 }) });
    await jobReaches(server, answer.json.id, (job) => job.status === 'running');
    return answer.json.id as string;
  };

  it('creates with the seed’s curl and reads the screenshot back with its curl, key-less', async () => {
    const created = await runSeed('cleariflow-create.sh', {
      'https://screenshot.cleariflow.com': base(),
      YOUR_UNIQUE_API_KEY: account.key,
      'https://cleariflow.com': `${site.origin}/page`,
    });
    assert.equal(created.code, 0, created.stderr);
    const { job_id: alias } = JSON.parse(created.stdout);
    assert.match(alias, UUID_V4);
    const jobId = await jobIdOf(alias);
    assert.notEqual(alias, jobId);
    const native = (await server.request('GET', `/v1/jobs/${jobId}`, { key: account.key })).json;
    assert.equal(native.type, 'url/image');
    assert.equal(native.priority, 10);
    assert.deepEqual(native.input.url, `${site.origin}/page`);
    assert.ok(!JSON.stringify(native.input).includes(account.key), 'the key is not kept in the input');
    await jobReaches(server, jobId, (job) => isFinalStatus(job.status));

    const got = await runSeed('cleariflow-get.sh', { 'https://screenshot.cleariflow.com': base(), '550e8400-e29b-41d4-a716-446655440000': alias });
    assert.equal(got.code, 0, got.stderr);
    const job = JSON.parse(got.stdout);
    assert.deepEqual(Object.keys(job), ['job_id', 'status', 'result']);
    assert.equal(job.job_id, alias);
    assert.equal(job.status, 'done');
    assert.equal(job.result.ok, true);
    assert.equal(job.result.content_type, 'image/png');
    const png = Buffer.from(job.result.image_base64, 'base64');
    assert.equal(png.readUInt32BE(0), 0x89504e47);
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1280, 800]);
    assert.ok(Number.isInteger(job.result.meta.elapsed_ms));
  });

  it('shows queued, runs higher priority first, and shows a cancelled or failed job as failed', async () => {
    let blocker = await busy();
    const low = await create({ url: `${site.origin}/page` }, 0);
    const high = await create({ url: `${site.origin}/page` }, 50);
    assert.deepEqual((await get(low)).json, { job_id: low, status: 'queued' });
    assert.equal((await server.request('POST', `/v1/jobs/${blocker}/cancel`, { key: account.key })).status, 200);
    const [lowJob, highJob] = await Promise.all([low, high].map(async (alias) => jobReaches(server, await jobIdOf(alias), (job) => job.status === 'completed')));
    assert.ok(highJob!.startedAt! <= lowJob!.startedAt!, 'the higher priority job started first');
    assert.equal((await get(low)).json.status, 'done');

    blocker = await busy();
    const dropped = await create({ url: `${site.origin}/page` });
    assert.equal((await server.request('POST', `/v1/jobs/${await jobIdOf(dropped)}/cancel`, { key: account.key })).status, 200);
    assert.deepEqual((await get(dropped)).json, { job_id: dropped, status: 'failed', error: 'cancelled' });
    assert.equal((await server.request('POST', `/v1/jobs/${blocker}/cancel`, { key: account.key })).status, 200);

    const broken = await create({ url: `${site.origin}/broken`, failOnHttpError: true });
    await jobReaches(server, await jobIdOf(broken), (job) => isFinalStatus(job.status));
    const failed = (await get(broken)).json;
    assert.equal(failed.status, 'failed');
    assert.equal(typeof failed.error, 'string');
    assert.ok(failed.error.length > 0);
    assert.equal(failed.result, undefined);
  });

  it('takes only the job_id it answered: not the Longrun job id, not an unknown UUID', async () => {
    const alias = await create({ url: `${site.origin}/page` });
    const jobId = await jobIdOf(alias);
    assert.equal((await get(jobId)).status, 404);
    const unknown = await get('550e8400-e29b-41d4-a716-446655440000');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.code, 'not_found');
    await jobReaches(server, jobId, (job) => isFinalStatus(job.status));
  });

  it('refuses bad input with 400 naming the field, a wrong key with 401, creating nothing', async () => {
    const before = (await server.store.jobList({ accountId: account.accountId, limit: 1 })).total;
    const cases: Array<[unknown, number, RegExp]> = [
      [{ request: { api_key: 'lr_wrong', url: `${site.origin}/page` } }, 401, /not valid/],
      [{ request: { url: `${site.origin}/page` } }, 400, /api_key/],
      [{ request: { api_key: account.key } }, 400, /url/],
      [{ request: { api_key: account.key, url: 'ftp://example.com' } }, 400, /\/request\/url/],
      [{ request: { api_key: account.key, url: `${site.origin}/page`, colour: 'red' } }, 400, /colour/],
      [{ request: { api_key: account.key, url: `${site.origin}/page` }, priority: 1000 }, 400, /priority/],
      [{ request: { api_key: account.key, url: `${site.origin}/page` }, extra: 1 }, 400, /extra/],
      ['not an object', 400, /body/],
    ];
    for (const [body, status, named] of cases) {
      const answer = await server.request('POST', '/compat/cleariflow/v1/jobs', { body });
      assert.equal(answer.status, status, `${JSON.stringify(body)}: ${answer.text}`);
      assert.match(answer.json.error, named, JSON.stringify(body));
    }
    const malformed = await server.request('POST', '/compat/cleariflow/v1/jobs', { rawBody: '{"request":' });
    assert.equal(malformed.status, 400);
    assert.equal((await server.store.jobList({ accountId: account.accountId, limit: 1 })).total, before);
  });

  it('needs the key on GET with --cleariflow-require-key, and then finds only the key’s account’s jobs (by job_id or job id), running ones too', async () => {
    const guarded = await startTestServer({ cleariflowRequireKey: true, workers: 1, service: { allowPrivateTargets: true } });
    try {
      const owner = await guarded.createAccount();
      const other = await guarded.createAccount();
      // A running job, seen by its Longrun id; it keeps the one worker busy, so the next one waits.
      const running = (await guarded.request('POST', '/v1/jobs', { key: owner.key, body: sleepJob({ durationMs: 600_000 }) })).json.id;
      await jobReaches(guarded, running, (job) => job.status === 'running');
      assert.deepEqual((await guarded.request('GET', `/compat/cleariflow/v1/jobs/${running}`, { key: owner.key })).json, { job_id: running, status: 'running' });
      const answer = await guarded.request('POST', '/compat/cleariflow/v1/jobs', { body: { request: { api_key: owner.key, url: `${site.origin}/page` } } });
      assert.equal(answer.status, 200, answer.text);
      const alias = answer.json.job_id;
      const jobId = (await guarded.store.jobAliasGet({ alias }))!;
      assert.equal((await guarded.request('GET', `/compat/cleariflow/v1/jobs/${alias}`)).status, 401);
      assert.equal((await guarded.request('GET', `/compat/cleariflow/v1/jobs/${alias}`, { key: other.key })).status, 404);
      assert.equal((await guarded.request('GET', `/compat/cleariflow/v1/jobs/${alias}?api_key=${other.key}`)).status, 404);
      const mine = await guarded.request('GET', `/compat/cleariflow/v1/jobs/${alias}?api_key=${owner.key}`);
      assert.deepEqual(mine.json, { job_id: alias, status: 'queued' });
      const byId = await guarded.request('GET', `/compat/cleariflow/v1/jobs/${jobId}`, { key: owner.key });
      assert.deepEqual(byId.json, { job_id: jobId, status: 'queued' });
      await guarded.request('POST', `/v1/jobs/${jobId}/cancel`, { key: owner.key });
      await guarded.request('POST', `/v1/jobs/${running}/cancel`, { key: owner.key });
    } finally {
      await guarded.close();
    }
  });

  it('documents itself at /compat/cleariflow/openapi.json', async () => {
    const doc = (await server.request('GET', '/compat/cleariflow/openapi.json')).json;
    assert.deepEqual(Object.keys(doc.paths).sort(), ['/compat/cleariflow/v1/jobs', '/compat/cleariflow/v1/jobs/{job_id}']);
    assert.deepEqual(doc.paths['/compat/cleariflow/v1/jobs'].post.requestBody.content['application/json'].schema.required, ['request']);
  });
});
