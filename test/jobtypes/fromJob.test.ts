// One job's output feeds another, end to end: a real server with a worker renders with html/pdf
// and html/image, then pdf/extract and image/transform read those files by `{ fromJob, file }`.
// A job of another account, or none, is refused at create naming the field; a file that is not
// there when the job runs fails it with input_file_missing (and refunds it).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { imageInfo } from '../../src/jobtypes/render/index.js';
import { type TestAccount, type TestServer, downloadFile, jobReaches, runToEnd, startTestServer } from '../helpers/server.js';

let server: TestServer;
let owner: TestAccount;
let other: TestAccount;

before(async () => {
  server = await startTestServer({ workers: 1, render: { chromiumPath: process.env.LONGRUN_CHROMIUM } });
  owner = await server.createAccount();
  other = await server.createAccount();
});
after(async () => {
  await server.close();
});

describe('input from an earlier job\'s file', () => {
  it('chains html/pdf → pdf/extract: the extractor returns the text the PDF was made from', async () => {
    const rendered = await runToEnd(server, owner, 'html/pdf', { html: '<title>Chained</title><p>Text that travels from one job to the next.</p>' });
    assert.equal(rendered.status, 'completed', JSON.stringify(rendered.error));
    const extracted = await runToEnd(server, owner, 'pdf/extract', { source: { fromJob: rendered.id, file: 'document.pdf' } });
    assert.equal(extracted.status, 'completed', JSON.stringify(extracted.error));
    const output = extracted.output as any;
    assert.equal(output.pageCount, 1);
    assert.equal(output.metadata.title, 'Chained');
    const markdown = (await downloadFile(server, owner, output.files[0].url)).toString('utf8');
    assert.match(markdown, /Text that travels from one job to the next\./);

    // A password is private: used by the worker (an unencrypted PDF ignores it), never shown back.
    const created = await server.request('POST', '/v1/jobs', { key: owner.key, body: { type: 'pdf/extract', input: { source: { fromJob: rendered.id, file: 'document.pdf' }, password: 'pw-secret-42' } } });
    assert.equal(created.status, 201, created.text);
    assert.doesNotMatch(created.text, /pw-secret-42/);
    const withPassword = await jobReaches(server, created.json.id, (job) => job.status === 'completed' || job.status === 'failed');
    assert.equal(withPassword.status, 'completed', JSON.stringify(withPassword.error));
    assert.doesNotMatch((await server.request('GET', `/v1/jobs/${created.json.id}`, { key: owner.key })).text, /pw-secret-42/);
  });

  it('chains html/image → image/transform: the result has the asked size and format', async () => {
    const shot = await runToEnd(server, owner, 'html/image', { html: '<p>shot</p>', viewport: { width: 640, height: 480 } });
    assert.equal(shot.status, 'completed', JSON.stringify(shot.error));
    const resized = await runToEnd(server, owner, 'image/transform', { source: { fromJob: shot.id, file: 'image.png' }, width: 320, format: 'webp' });
    assert.equal(resized.status, 'completed', JSON.stringify(resized.error));
    const output = resized.output as any;
    assert.deepEqual([output.width, output.height, output.format], [320, 240, 'webp']);
    assert.deepEqual(imageInfo(await downloadFile(server, owner, output.files[0].url)), { type: 'webp', width: 320, height: 240 });
  });

  it('refuses at create, naming /input/source/fromJob, a job of another account or none, and creates nothing', async () => {
    const theirs = await runToEnd(server, other, 'demo/sleep', { durationMs: 0 });
    const before = await server.request('GET', '/v1/jobs?limit=100', { key: owner.key });
    for (const fromJob of [theirs.id, 'job_01KB0000000000000000000000']) {
      const refused = await server.request('POST', '/v1/jobs', { key: owner.key, body: { type: 'pdf/extract', input: { source: { fromJob, file: 'document.pdf' } } } });
      assert.equal(refused.status, 400, refused.text);
      assert.equal(refused.json.code, 'invalid_request');
      assert.equal(refused.json.errors[0].path, '/input/source/fromJob');
    }
    const after = await server.request('GET', '/v1/jobs?limit=100', { key: owner.key });
    assert.equal(after.json.pagination.total, before.json.pagination.total);
  });

  it('fails input_file_missing, final and refunded, when the earlier job has no such file', async () => {
    const slept = await runToEnd(server, owner, 'demo/sleep', { durationMs: 0 });
    const failed = await runToEnd(server, owner, 'image/transform', { source: { fromJob: slept.id, file: 'image.png' } });
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error?.code, 'input_file_missing');
    assert.match(failed.error?.message ?? '', /has no file image\.png/);
    assert.equal(failed.attempts, 1);
    assert.equal(failed.creditsRefunded, failed.creditsCharged);
  });
});
