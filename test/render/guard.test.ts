// Untrusted pages: with the URL guard on, a page reaches no loopback canary, reads no file:,
// follows no redirect to a private address; a page that never loads times out; a cancelled
// attempt closes its page; and when the pool closes, no Chromium process is left.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { JobFailure } from '../../src/jobtypes/index.js';
import { checkUrl } from '../../src/egress/index.js';
import { type LocalSite, type RenderHarness, chromiumDescendants, isAlive, renderHarness, startSite } from '../helpers/render.js';

let harness: RenderHarness;
let canary: LocalSite;
let site: LocalSite;
let stalled: LocalSite;
const seenChromium = new Set<number>();

before(async () => {
  canary = await startSite();
  stalled = await startSite(() => undefined); // accepts, never answers
  site = await startSite((request, response) => {
    if (request.url === '/to-canary') response.writeHead(302, { location: `${canary.origin}/secret` }).end();
    else if (request.url === '/to-private') response.writeHead(302, { location: 'http://10.255.255.1/' }).end();
    else if (request.url === '/to-file') response.writeHead(302, { location: 'file:///etc/passwd' }).end();
    else response.writeHead(200, { 'content-type': 'text/html' }).end(`<img src="${canary.origin}/from-site.png"><p>site</p>`);
  });
  // The guard is on for everything but the local sites the tests load pages from.
  const allowed = new Set([String(site.port), String(stalled.port)]);
  harness = await renderHarness({
    check: (url) => checkUrl(url, { allowPrivate: allowed.has(new URL(url).port) }),
    settings: { chromiumPath: process.env.LONGRUN_CHROMIUM },
  });
});
after(async () => {
  await harness.close();
  await Promise.all([canary.close(), site.close(), stalled.close()]);
});

function noteChromium(): void {
  for (const pid of chromiumDescendants()) seenChromium.add(pid);
}

// Every way a page can make a request, aimed at the canary by every loopback spelling.
function attackPage(): string {
  const targets = [canary.origin, `http://localhost:${canary.port}`, `http://[::1]:${canary.port}`, `http://2130706433:${canary.port}`, `http://0.0.0.0:${canary.port}`];
  const tags = targets.map(
    (t, i) => `<img src="${t}/img${i}"><iframe src="${t}/frame${i}"></iframe><script src="${t}/script${i}.js"></script>` +
      `<link rel="stylesheet" href="${t}/css${i}"><video src="${t}/video${i}"></video><object data="${t}/object${i}"></object>`,
  );
  const scripts = targets.map(
    (t, i) => `fetch("${t}/fetch${i}").catch(()=>{});navigator.sendBeacon("${t}/beacon${i}");new Image().src="${t}/js-img${i}";` +
      `try{new WebSocket("${t.replace('http', 'ws')}/ws${i}")}catch(e){};try{new EventSource("${t}/sse${i}")}catch(e){}`,
  );
  return `<html><head><meta http-equiv="refresh" content="0;url=${canary.origin}/refresh">${tags.join('')}</head>` +
    `<body><p>attack</p><script>${scripts.join('')}</script></body></html>`;
}

describe('the URL guard inside the page', () => {
  it('lets nothing an HTML page asks for reach a loopback canary', async () => {
    const run = await harness.run('html/pdf', { html: attackPage(), waitUntil: 'networkidle' });
    noteChromium();
    assert.equal(run.output.pages >= 1, true);
    assert.equal(canary.connections, 0, `the canary saw ${canary.requests.join(', ')}`);
  });

  it('reads nothing from a file: iframe, fetch or image', async () => {
    // A probe element grows by whatever the page manages to read; the shot measures it.
    const html = `<iframe id="f" src="file:///etc/passwd"></iframe><div id="probe" style="height:10px;width:10px;background:red"></div>
      <script>
        const grow = (n) => { const p = document.getElementById('probe'); p.style.width = (p.offsetWidth + n) + 'px'; };
        fetch('file:///etc/passwd').then((r) => r.text()).then((t) => grow(t.length)).catch(() => {});
        document.getElementById('f').addEventListener('load', () => { try { grow(document.getElementById('f').contentDocument.body.innerText.length) } catch (e) {} });
        const img = new Image(); img.onload = () => grow(100); img.src = 'file:///etc/hostname';
      </script>`;
    const run = await harness.run('html/image', { html, selector: '#probe', waitUntil: 'networkidle', delayMs: 200 });
    assert.deepEqual([run.output.width, run.output.height], [10, 10]);
  });

  it('refuses a url job redirected to loopback, with navigation_failed, and the canary sees nothing', async () => {
    await assert.rejects(harness.run('url/pdf', { url: `${site.origin}/to-canary` }), (error: JobFailure) => {
      assert.equal(error.code, 'navigation_failed');
      assert.equal(error.retryable, false);
      assert.match(error.message, /127\.0\.0\.1.*loopback/);
      return true;
    });
    assert.equal(canary.connections, 0);
  });

  it('refuses a redirect to a private address and one to file:', async () => {
    await assert.rejects(harness.run('url/image', { url: `${site.origin}/to-private` }), { code: 'navigation_failed', message: /10\.255\.255\.1.*private/ });
    await assert.rejects(harness.run('url/pdf', { url: `${site.origin}/to-file` }), { code: 'navigation_failed' });
  });

  it('renders an allowed page but refuses its loopback sub-resources', async () => {
    const run = await harness.run('url/pdf', { url: `${site.origin}/page` });
    noteChromium();
    assert.equal(run.output.pages, 1);
    assert.equal(canary.connections, 0);
  });
});

describe('limits on time', () => {
  it('fails a page that never finishes loading with timeout', async () => {
    const started = Date.now();
    await assert.rejects(harness.run('url/pdf', { url: `${stalled.origin}/`, timeoutMs: 1000 }), (error: JobFailure) => {
      assert.equal(error.code, 'timeout');
      assert.match(error.message, /1000 ms/);
      return true;
    });
    // Bounded by the render's own limit, not by some larger default.
    assert.ok(Date.now() - started < 15_000);
  });

  it('closes the page when the attempt is stopped (cancel, job timeout, shutdown)', async () => {
    const controller = new AbortController();
    const seen = stalled.requests.length;
    const running = harness.run('html/pdf', { html: `<img src="${stalled.origin}/slow.png">`, timeoutMs: 300000 }, { signal: controller.signal });
    // Once the page is loading, stop the attempt; the render must end without waiting 300 s.
    while (stalled.requests.length === seen) await new Promise((resolve) => stalled.server.once('request', resolve));
    noteChromium();
    controller.abort(new Error('attempt stopped: cancelled'));
    await assert.rejects(running);
  });
});

describe('the browser pool', () => {
  it('closes every Chromium process it started', async () => {
    noteChromium();
    assert.ok(seenChromium.size > 0, 'Chromium processes were seen while rendering');
    await harness.env.pool.close();
    assert.deepEqual([...seenChromium].filter(isAlive), []);
    assert.deepEqual(chromiumDescendants(), []);
  });
});
