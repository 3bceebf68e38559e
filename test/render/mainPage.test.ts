// A url render whose main page did not really load fails with navigation_failed and says why,
// whatever the output: a target that refuses the connection (http, or https through the tunnel)
// is not a picture of the proxy's "Bad gateway", and a page that answers 4xx or 5xx fails too
// unless `failOnHttpError` is false. Local sites on 127.0.0.1, the real guard with private
// targets allowed, the real Chromium.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { JobFailure } from '../../src/jobtypes/index.js';
import { imageInfo } from '../../src/jobtypes/render/index.js';
import { type LocalSite, type RenderHarness, renderHarness, startSite } from '../helpers/render.js';

let harness: RenderHarness;
let site: LocalSite;
let closedPort: number;

before(async () => {
  harness = await renderHarness({ settings: { chromiumPath: process.env.LONGRUN_CHROMIUM } });
  site = await startSite((request, response) => {
    if (request.url === '/missing') response.writeHead(404, { 'content-type': 'text/html' }).end('<p>no such page</p>');
    else if (request.url === '/down') response.writeHead(503, { 'content-type': 'text/html' }).end('<p>down</p>');
    else if (request.url === '/to-closed') response.writeHead(302, { location: `http://127.0.0.1:${closedPort}/` }).end();
    else response.writeHead(200, { 'content-type': 'text/html' }).end('<p>fine</p>');
  });
  // A port that was just listened on and closed: nothing listens there, so connecting is refused.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});
after(async () => {
  await harness.close();
  await site.close();
});

function failsWith(pattern: RegExp, retryable: boolean) {
  return (error: JobFailure) => {
    assert.equal(error.code, 'navigation_failed', error.message);
    assert.match(error.message, pattern);
    assert.equal(error.retryable, retryable);
    return true;
  };
}

describe('a main page that cannot be reached', () => {
  it('fails url/image and url/pdf with navigation_failed naming the refused connection', async () => {
    for (const type of ['url/image', 'url/pdf']) {
      await assert.rejects(harness.run(type, { url: `http://127.0.0.1:${closedPort}/report` }), failsWith(/127\.0\.0\.1:\d+\/report could not be reached: .*ECONNREFUSED/, true));
    }
  });

  it('fails the same way after a redirect to it, and over https (the tunnel is never made)', async () => {
    await assert.rejects(harness.run('url/image', { url: `${site.origin}/to-closed` }), failsWith(/could not be reached: .*ECONNREFUSED/, true));
    await assert.rejects(harness.run('url/pdf', { url: `https://127.0.0.1:${closedPort}/` }), failsWith(/could not be reached: .*ECONNREFUSED/, true));
  });
});

describe('a main page that answers an HTTP error', () => {
  it('fails on 4xx for good and on 5xx as retryable, naming the status', async () => {
    await assert.rejects(harness.run('url/pdf', { url: `${site.origin}/missing` }), failsWith(/answered 404 Not Found/, false));
    await assert.rejects(harness.run('url/image', { url: `${site.origin}/down` }), failsWith(/answered 503 Service Unavailable/, true));
  });

  it('renders the error page when failOnHttpError is false', async () => {
    const run = await harness.run('url/image', { url: `${site.origin}/missing`, failOnHttpError: false, viewport: { width: 300, height: 200 } });
    assert.deepEqual(imageInfo(run.files.get('image.png')!), { type: 'png', width: 300, height: 200 });
  });
});
