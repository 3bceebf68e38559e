// web/crawl on the bundled Chromium against a site served on 127.0.0.1. The URL guard is on
// (private addresses refused) except for that one site, as a test must: robots.txt, depth,
// page limits and patterns are obeyed, and a link to a private address is refused, never loaded.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkUrl } from '../../src/egress/index.js';
import { JobTypeRegistry } from '../../src/jobtypes/index.js';
import { crawlJobTypes, webCrawlSpec } from '../../src/jobtypes/crawl/index.js';
import { imageInfo } from '../../src/jobtypes/render/index.js';
import { type LocalSite, type RenderHarness, type RenderRun, renderHarness, runDirectly, startSite, tempFileStore } from '../helpers/render.js';

const ARTICLE = `<article><h1>About the fox</h1>${'<p>The quick brown fox jumps over the lazy dog, again and again, for the crawler to read.</p>'.repeat(8)}</article>`;
const PAGES: Record<string, string> = {
  '/': '<title>Home</title><a href="/a">A</a> <a href="/b#top">B</a> <a href="/private/secret">secret</a> <a href="http://10.0.0.1/inside">inside</a> <a href="mailto:x@example.com">mail</a>',
  '/a': '<title>Page A</title><a href="/a/deep">deeper</a> <a href="/b">B again</a>',
  '/a/deep': '<title>Deep</title><a href="/a/deeper">deeper still</a>',
  '/a/deeper': '<title>Deeper</title>',
  '/b': `<title>Page B</title><nav>menu</nav>${ARTICLE}<a href="/missing">gone</a>`,
  '/private/secret': '<title>Secret</title>',
};

let site: LocalSite;
let harness: RenderHarness;
let store: Awaited<ReturnType<typeof tempFileStore>>;
let registry: JobTypeRegistry;

before(async () => {
  site = await startSite((request, response) => {
    if (request.url === '/robots.txt') return void response.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nDisallow: /private\n');
    const page = PAGES[request.url ?? ''];
    if (page === undefined) return void response.writeHead(404, { 'content-type': 'text/html' }).end('<title>Not found</title>');
    response.writeHead(200, { 'content-type': 'text/html' }).end(page);
  });
  // The guard as in production (private addresses refused), but for the test's own site.
  const check = (url: string) => checkUrl(url, { allowPrivate: new URL(url).host === `127.0.0.1:${site.port}` });
  harness = await renderHarness({ check, settings: { chromiumPath: process.env.LONGRUN_CHROMIUM } });
  registry = new JobTypeRegistry(crawlJobTypes(harness.env));
  store = await tempFileStore();
});
after(async () => {
  await harness.close();
  await site.close();
  await store.remove();
});

function crawlSite(input: Record<string, unknown>): Promise<RenderRun> {
  return runDirectly({ registry, files: store.files }, 'web/crawl', { url: `${site.origin}/`, ...input } as any);
}

function pagesOf(run: RenderRun): any[] {
  return run.files.get('pages.ndjson')!.toString('utf8').trimEnd().split('\n').map((line) => JSON.parse(line));
}

describe('web/crawl', () => {
  it('crawls to maxDepth, obeys robots.txt, refuses a private link, and reads each page', async () => {
    // Other origins allowed, so the private link is up to the URL guard, not the origin rule.
    const run = await crawlSite({ maxDepth: 1, sameOrigin: false });
    const pages = pagesOf(run);
    assert.deepEqual(pages.map((p) => [new URL(p.url).pathname, p.depth, p.status, p.title]), [
      ['/', 0, 200, 'Home'],
      ['/a', 1, 200, 'Page A'],
      ['/b', 1, 200, 'Page B'],
    ]);
    assert.deepEqual(pages[0].links, [`${site.origin}/a`, `${site.origin}/b`, `${site.origin}/private/secret`, 'http://10.0.0.1/inside']);
    const b = pages[2];
    assert.match(b.markdown, /^## About the fox/m); // Readability keeps h1 for the page's own title
    assert.match(b.markdown, /The quick brown fox jumps over the lazy dog/);
    assert.doesNotMatch(b.markdown, /menu/, 'Readability leaves the navigation out');
    assert.deepEqual(run.output.disallowedByRobots, [`${site.origin}/private/secret`]);
    assert.equal(run.output.refused.length, 1);
    assert.equal(run.output.refused[0].url, 'http://10.0.0.1/inside');
    assert.match(run.output.refused[0].reason, /not a public address/);
    assert.ok(!site.requests.includes('/private/secret'), 'robots.txt kept the crawler out');
    assert.deepEqual([run.output.pages, run.output.failed], [3, 0]);
    assert.match(run.progress[0]!, /^Page 1 of \d+: http:\/\/127\.0\.0\.1/);
    assert.equal(run.progress.at(-1), 'Stored');
  });

  it('stops at maxPages, follows deeper with maxDepth, records a 404, and honours exclude and include', async () => {
    assert.equal(pagesOf(await crawlSite({ maxPages: 2 })).length, 2);
    const deep = pagesOf(await crawlSite({ maxDepth: 3 }));
    assert.deepEqual(deep.map((p) => new URL(p.url).pathname), ['/', '/a', '/b', '/a/deep', '/missing', '/a/deeper']);
    assert.equal(deep.find((p) => p.url.endsWith('/missing')).status, 404);
    const excluded = pagesOf(await crawlSite({ maxDepth: 3, exclude: ['/b', '/a/*'] }));
    assert.deepEqual(excluded.map((p) => new URL(p.url).pathname), ['/', '/a']);
    const included = pagesOf(await crawlSite({ maxDepth: 3, include: ['/a*'] }));
    assert.deepEqual(included.map((p) => new URL(p.url).pathname), ['/', '/a', '/a/deep', '/a/deeper']);
  });

  it('stores a screenshot of each page when asked', async () => {
    const run = await crawlSite({ maxDepth: 0, screenshot: true });
    assert.deepEqual(run.output.files.map((f: { name: string }) => f.name), ['pages.ndjson', 'page-1.png']);
    assert.deepEqual(imageInfo(run.files.get('page-1.png')!), { type: 'png', width: 1280, height: 800 });
    assert.equal(pagesOf(run)[0].screenshot, 'page-1.png');
  });

  it('refuses at create a start URL the guard refuses, naming /input/url', async () => {
    const problems = await webCrawlSpec.checkInput!({ url: `${site.origin}/` } as any, { allowPrivateTargets: false, findJob: async () => null });
    assert.deepEqual(problems.map((p) => p.path), ['/input/url']);
  });
});
