// cloudlayer.io's create endpoints over real HTTP with a real worker and Chromium: each of the six
// render endpoints with what cloudlayer users send (base64 html and template bodies, `timeout`,
// `viewPort`, `async: true`), answered in the document's job shape, then followed to the end by
// the seed document's own polling loops (JavaScript and Python) with only the base URL, key and
// job id replaced; and its errors. Waits follow the job's own changes, never a timer.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { pythonSkip, runSeed } from '../helpers/seedClient.js';
import { type TestAccount, type TestServer, downloadFile, jobReaches, startTestServer } from '../helpers/server.js';

const PAGE = '<!doctype html><body style="margin:0;background:#0a8"><h1>Invoice</h1></body>';
const TEMPLATE = '<!doctype html><body><h1>{{customer}}</h1></body>';
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('compat: cloudlayer create', () => {
  let server: TestServer;
  let account: TestAccount;
  let pages: http.Server;
  let pageUrl: string;
  const urls = () => ({ 'https://api.cloudlayer.io': `${server.url}/compat/cloudlayer`, 'your-api-key-here': account.key });

  before(async () => {
    pages = http.createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE));
    await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
    pageUrl = `http://127.0.0.1:${(pages.address() as AddressInfo).port}/`;
    // Private targets: the page to render listens on 127.0.0.1.
    server = await startTestServer({ workers: 1, service: { allowPrivateTargets: true } });
    account = await server.createAccount({ credits: 1000 });
  });
  after(async () => {
    await server.close();
    pages.closeAllConnections();
    await new Promise((resolve) => pages.close(resolve));
  });

  const post = (path: string, body: unknown, key = account.key) => server.request('POST', `/compat/cloudlayer${path}`, { key, body });
  const outputOf = async (id: string) => {
    const job = await jobReaches(server, id, (j) => j.status === 'completed' || j.status === 'failed');
    assert.equal(job.status, 'completed', JSON.stringify(job.error));
    const files = (job.output as { files: { url: string; contentType: string }[] }).files;
    return { job, file: await downloadFile(server, account, files[0]!.url), contentType: files[0]!.contentType };
  };

  it('creates html/pdf from a base64 body, answers the job in the document’s shape, and the seed’s loop follows it to the PDF', async () => {
    const answer = await post('/v2/html/pdf', { html: base64(PAGE), format: 'letter', margin: { top: '1in', bottom: '1in' }, printBackground: true, timeout: 20_000, async: true });
    assert.equal(answer.status, 200, answer.text);
    const job = answer.json;
    assert.deepEqual(Object.keys(job), ['id', 'uid', 'apiKeyUsed', 'type', 'status', 'params', 'size', 'processTime', 'apiCreditCost', 'worker', 'timestamp']);
    assert.deepEqual([job.type, job.status, job.size, job.processTime, job.apiCreditCost, job.uid], ['html/pdf', 'pending', 0, 0, 1, account.accountId]);
    assert.equal(job.params.html, undefined, 'the html body is never echoed');
    assert.deepEqual([job.params.format, job.params.margin, job.params.printBackground, job.params.timeoutMs], ['letter', { top: '1in', bottom: '1in' }, true, 20_000]);

    const run = await runSeed('cloudlayer-poll.mjs', { ...urls(), job_abc123def456: job.id });
    assert.equal(run.code, 0, run.stderr);
    const { file } = await outputOf(job.id);
    assert.match(run.stdout, new RegExp(`^Completed in \\d+ms, size: ${file.length} bytes\\n$`));
    assert.equal(file.subarray(0, 5).toString(), '%PDF-');
  });

  it('creates html/image from raw HTML with cloudlayer’s viewPort, and the seed’s Python loop follows it', { skip: pythonSkip }, async () => {
    const answer = await post('/v2/html/image', { html: PAGE, imageType: 'png', viewPort: { width: 64, height: 48 } });
    assert.equal(answer.status, 200, answer.text);
    const run = await runSeed('cloudlayer-poll.py', { ...urls(), job_abc123def456: answer.json.id });
    assert.equal(run.code, 0, run.stderr);
    const { file } = await outputOf(answer.json.id);
    assert.deepEqual([file.readUInt32BE(0), file.readUInt32BE(16), file.readUInt32BE(20)], [0x89504e47, 64, 48]);
    assert.match(run.stdout, new RegExp(`size: ${file.length} bytes`));
  });

  it('creates url/pdf, url/image, template/pdf and template/image, each its own Longrun type', async () => {
    const made: Array<[string, Record<string, unknown>, string]> = [
      ['url/pdf', { url: pageUrl, format: 'A4' }, 'application/pdf'],
      ['url/image', { url: pageUrl, imageType: 'jpeg', viewPort: { width: 40, height: 30 } }, 'image/jpeg'],
      ['template/pdf', { template: base64(TEMPLATE), data: { customer: 'Ada' } }, 'application/pdf'],
      ['template/image', { template: base64(TEMPLATE), data: { customer: 'Ada' }, viewPort: { width: 40, height: 30 } }, 'image/png'],
    ];
    for (const [type, body, contentType] of made) {
      const answer = await post(`/v2/${type}`, body);
      assert.equal(answer.status, 200, `${type}: ${answer.text}`);
      assert.equal(answer.json.type, type);
      const done = await outputOf(answer.json.id);
      assert.equal(done.contentType, contentType, type);
      assert.equal(answer.json.params.template, undefined, 'the template body is never echoed');
      if (type.startsWith('template/')) assert.deepEqual(done.job.input.data, { customer: 'Ada' });
    }
    const seen = (await server.request('GET', '/compat/cloudlayer/v2/jobs?limit=4', { key: account.key })).json;
    assert.deepEqual(seen.map((j: { type: string; status: string }) => `${j.type} ${j.status}`), ['template/image completed', 'template/pdf completed', 'url/image completed', 'url/pdf completed']);
  });

  it('answers bad input 400 naming the field, no key 401, in its own shape, and creates nothing', async () => {
    const before = (await server.request('GET', '/compat/cloudlayer/v2/jobs?limit=100', { key: account.key })).json.length;
    const bad: Array<[string, unknown, RegExp]> = [
      ['/v2/html/pdf', {}, /html/],
      ['/v2/html/pdf', { html: PAGE, async: false }, /async/],
      ['/v2/html/pdf', { html: PAGE, webhook: 'https://example.com/hook' }, /webhook/],
      ['/v2/html/pdf', { html: PAGE, format: 'postcard' }, /format/],
      ['/v2/url/image', { url: 'ftp://example.com/' }, /url/],
      ['/v2/html/image', { html: PAGE, viewPort: { width: 'wide' } }, /viewport/],
      ['/v2/html/pdf', [PAGE], /object/],
    ];
    for (const [path, body, named] of bad) {
      const answer = await post(path, body);
      assert.equal(answer.status, 400, `${path} ${JSON.stringify(body)}: ${answer.text}`);
      assert.equal(answer.json.code, 'invalid_request');
      assert.match(answer.json.error, named, JSON.stringify(body));
    }
    const anonymous = await server.request('POST', '/compat/cloudlayer/v2/html/pdf', { body: { html: PAGE } });
    assert.deepEqual([anonymous.status, anonymous.json.code], [401, 'unauthorized']);
    assert.deepEqual([(await post('/v2/html/pdf', { html: PAGE }, 'lr_wrong')).status], [401]);
    assert.equal((await post('/v1/html/pdf', { html: PAGE })).status, 404, 'v1 creates synchronously there, which Longrun does not');
    assert.equal((await server.request('GET', '/compat/cloudlayer/v2/jobs?limit=100', { key: account.key })).json.length, before);
  });

  it('documents the six create endpoints in /compat/cloudlayer/openapi.json', async () => {
    const doc = (await server.request('GET', '/compat/cloudlayer/openapi.json')).json;
    for (const type of ['html/pdf', 'html/image', 'url/pdf', 'url/image', 'template/pdf', 'template/image']) {
      const create = doc.paths[`/compat/cloudlayer/v2/${type}`]?.post;
      assert.ok(create, type);
      const body = create.requestBody.content['application/json'].schema;
      assert.deepEqual(body.required, [type.split('/')[0]]);
      assert.ok(body.properties.timeout && body.properties.async, type);
    }
  });
});
