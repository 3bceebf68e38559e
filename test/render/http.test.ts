// End to end: a real server with a worker renders html/pdf for a client, who downloads the file
// through the files route (whole, by range, HEAD); others get 404; the HTML is never echoed; a
// url input the guard refuses is a 400 naming /input/url.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isPdf, pdfPageCount } from '../../src/jobtypes/render/index.js';
import { chromiumDescendants } from '../helpers/render.js';
import { type TestAccount, type TestServer, jobReaches, startTestServer } from '../helpers/server.js';

let server: TestServer;
let owner: TestAccount;
let other: TestAccount;
let closed = false;

before(async () => {
  server = await startTestServer({ workers: 1, render: { chromiumPath: process.env.LONGRUN_CHROMIUM } });
  owner = await server.createAccount();
  other = await server.createAccount();
});
after(async () => {
  if (!closed) await server.close();
});

describe('render jobs over HTTP', () => {
  it('renders HTML to a PDF and serves it to its owner only, whole, by range and by HEAD', async () => {
    const html = '<title>secret-body</title><p>one</p><p style="break-before: page">two</p>';
    const created = await server.request('POST', '/v1/jobs', { key: owner.key, body: { type: 'html/pdf', input: { html, printBackground: true } } });
    assert.equal(created.status, 201, created.text);
    assert.doesNotMatch(created.text, /secret-body/);
    const job = await jobReaches(server, created.json.id, (j) => j.status === 'completed' || j.status === 'failed');
    assert.equal(job.status, 'completed', JSON.stringify(job.error));
    const got = await server.request('GET', `/v1/jobs/${job.id}`, { key: owner.key });
    assert.doesNotMatch(got.text, /secret-body/);
    const [file] = got.json.output.files;
    assert.equal(got.json.output.pages, 2);
    assert.equal(got.json.size, file.size);
    assert.equal(got.json.progress, 100);

    const whole = await fetch(`${server.url}${file.url}`, { headers: { 'x-api-key': owner.key } });
    const bytes = Buffer.from(await whole.arrayBuffer());
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('content-type'), 'application/pdf');
    assert.equal(whole.headers.get('content-length'), String(file.size));
    assert.equal(whole.headers.get('accept-ranges'), 'bytes');
    assert.ok(isPdf(bytes));
    assert.equal(pdfPageCount(bytes), 2);

    const part = await fetch(`${server.url}${file.url}`, { headers: { 'x-api-key': owner.key, range: 'bytes=1-4' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 1-4/${file.size}`);
    assert.equal(Buffer.from(await part.arrayBuffer()).toString('latin1'), 'PDF-');
    const tail = await fetch(`${server.url}${file.url}`, { headers: { 'x-api-key': owner.key, range: 'bytes=-6' } });
    assert.deepEqual(Buffer.from(await tail.arrayBuffer()), bytes.subarray(bytes.length - 6));
    const past = await server.request('GET', file.url, { key: owner.key, headers: { range: `bytes=${file.size}-` } });
    assert.equal(past.status, 416);
    assert.equal(past.json.code, 'range_not_satisfiable');
    assert.equal(past.headers.get('content-range'), `bytes */${file.size}`);

    const head = await fetch(`${server.url}${file.url}`, { method: 'HEAD', headers: { 'x-api-key': owner.key } });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(file.size));

    assert.equal((await server.request('GET', file.url, { key: other.key })).status, 404);
    assert.equal((await server.request('GET', file.url)).status, 401);
    assert.equal((await server.request('GET', `/v1/jobs/${job.id}/files/..%2F..%2Fetc%2Fpasswd`, { key: owner.key })).status, 404);
    assert.equal((await server.request('GET', `/v1/jobs/${job.id}/files/other.pdf`, { key: owner.key })).status, 404);
  });

  it('refuses at creation a url the guard refuses, naming /input/url', async () => {
    const answer = await server.request('POST', '/v1/jobs', { key: owner.key, body: { type: 'url/pdf', input: { url: 'http://127.0.0.1:9/' } } });
    assert.equal(answer.status, 400);
    assert.equal(answer.json.code, 'invalid_request');
    assert.equal(answer.json.errors[0].path, '/input/url');
    const file = await server.request('POST', '/v1/jobs', { key: owner.key, body: { type: 'url/image', input: { url: 'file:///etc/passwd' } } });
    assert.equal(file.status, 400);
    assert.equal(file.json.errors[0].path, '/input/url');
  });

  it('refuses what the schema cannot say, naming the field', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['html/image', { html: '<p>x</p>', quality: 50 }, '/input/quality'],
      ['html/image', { html: '<p>x</p>', fullPage: true, selector: 'p' }, '/input/selector'],
      ['template/pdf', { template: '<p>{{#open}}never closed</p>' }, '/input/template'],
      ['html/pdf', { html: '<p>x</p>', cookies: [{ name: 'a', value: 'b' }] }, '/input/cookies/0'],
      ['html/pdf', { html: '<p>x</p>', format: 'b5' }, '/input/format'],
      ['html/pdf', { html: '<p>x</p>', format: 'aA4' }, '/input/format'],
    ];
    for (const [type, input, path] of cases) {
      const answer = await server.request('POST', '/v1/jobs', { key: owner.key, body: { type, input } });
      assert.equal(answer.status, 400, `${type} ${JSON.stringify(input)}`);
      assert.equal(answer.json.errors[0].path, path, answer.text);
    }
  });

  it('lists the six render types with their schemas', async () => {
    const types = await server.request('GET', '/v1/job-types', { key: owner.key });
    const names = types.json.map((t: { type: string }) => t.type);
    for (const name of ['html/pdf', 'url/pdf', 'template/pdf', 'html/image', 'url/image', 'template/image']) assert.ok(names.includes(name), name);
  });

  it('leaves no Chromium process once the server is closed', async () => {
    closed = true;
    await server.close();
    assert.deepEqual(chromiumDescendants(), []);
  });
});
