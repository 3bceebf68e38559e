/**
 * The crawl itself: breadth first from the start page, in one incognito context of the shared
 * Chromium whose every request goes through the job's guarded proxy (as a render's do). A link is
 * followed only within maxDepth, the origin rule, the include/exclude patterns, robots.txt, and
 * the URL guard, which judges it before it is queued; what it refuses is reported, not loaded.
 */
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import type { JobContext, OutputFile } from '../define.js';
import { withGuardedContext } from '../render/guardedContext.js';
import type { RenderEnvironment } from '../render/renderJob.js';
import { type CrawlInput, pathMatcher } from './inputSchema.js';
import { readableMarkdown } from './readable.js';

/** CRAWLER_AGENT is the robots.txt user-agent token the crawler obeys (and `*`). */
export const CRAWLER_AGENT = 'LongrunBot';

/** CrawledPage is one loaded page as `pages.ndjson` holds it. */
export interface CrawledPage {
  url: string;
  depth: number;
  /** status is the HTTP status of the page's answer; null when none came (refused, unreachable, timed out). */
  status: number | null;
  title: string | null;
  markdown: string;
  links: string[];
  screenshot?: string;
  error?: string;
}

/** CrawlReport is what a crawl found: the pages, the links it did not follow for the guard or robots.txt, and the screenshots. */
export interface CrawlReport {
  pages: CrawledPage[];
  refused: { url: string; reason: string }[];
  disallowedByRobots: string[];
  /** screenshots are the stored page-<n>.png files, in page order. */
  screenshots: OutputFile[];
}

/** Robots are one origin's robots.txt rules, as robots-parser reads them. */
interface Robots {
  isAllowed(url: string, userAgent?: string): boolean | undefined;
}

// robots-parser is CommonJS whose module is the function itself; its types say `export default`,
// which NodeNext would read as a property of it. Loaded as what it is.
const robotsParser = createRequire(import.meta.url)('robots-parser') as (url: string, text: string) => Robots;

/**
 * crawl loads up to maxPages pages. A page that fails to load is recorded with its error and the
 * crawl goes on; Chromium that will not start defers the job (browser_unavailable) as a render does.
 */
export async function crawl(env: RenderEnvironment, ctx: Pick<JobContext<CrawlInput>, 'input' | 'signal' | 'progress' | 'files'>): Promise<CrawlReport> {
  const { input } = ctx;
  const start = new URL(input.url);
  start.hash = '';
  const included = pathMatcher(input.include);
  const excluded = pathMatcher(input.exclude);
  const report: CrawlReport = { pages: [], refused: [], disallowedByRobots: [], screenshots: [] };
  const queue = [{ url: start.href, depth: 0 }];
  const seen = new Set([start.href]);
  const robots = new Map<string, Robots>();
  const options = { viewport: { width: 1280, height: 800 } };
  await withGuardedContext(env, { signal: ctx.signal, idleMs: input.pageTimeoutMs, options }, async (context) => {
    const page = await context.newPage();
    const robotsPage = await context.newPage();
    while (queue.length > 0 && report.pages.length < input.maxPages) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      const next = queue.shift()!;
      const rules = await robotsOf(robotsPage, new URL(next.url).origin, robots, input.pageTimeoutMs);
      if (rules.isAllowed(next.url, CRAWLER_AGENT) === false) {
        report.disallowedByRobots.push(next.url);
        continue;
      }
      const crawled = await loadPage(page, next, input);
      report.pages.push(crawled);
      if (input.screenshot && crawled.status !== null) {
        const shot = await ctx.files.put(`page-${report.pages.length}.png`, await page.screenshot());
        report.screenshots.push(shot);
        crawled.screenshot = shot.name;
      }
      if (next.depth < input.maxDepth) {
        for (const link of crawled.links) {
          if (seen.has(link) || !followable(new URL(link), start, input.sameOrigin, included, excluded, input.include !== undefined)) continue;
          seen.add(link);
          try {
            await env.check(link);
            queue.push({ url: link, depth: next.depth + 1 });
          } catch (error) {
            report.refused.push({ url: link, reason: (error as Error).message });
          }
        }
      }
      const of = Math.min(input.maxPages, report.pages.length + queue.length);
      await ctx.progress(Math.floor((90 * report.pages.length) / Math.max(1, of)), `Page ${report.pages.length} of ${of}: ${next.url.slice(0, 200)}`);
    }
  });
  return report;
}

/** followable applies the origin rule and the path patterns (include only when given) to a link. */
function followable(link: URL, start: URL, sameOrigin: boolean, included: (path: string) => boolean, excluded: (path: string) => boolean, hasInclude: boolean): boolean {
  if (sameOrigin && link.origin !== start.origin) return false;
  if (hasInclude && !included(link.pathname)) return false;
  return !excluded(link.pathname);
}

/** loadPage loads one page and reads its status, title, readable text and links (http(s), without fragments). */
async function loadPage(page: Page, next: { url: string; depth: number }, input: CrawlInput): Promise<CrawledPage> {
  const empty = { url: next.url, depth: next.depth, title: null, markdown: '', links: [] };
  let status: number | null = null;
  try {
    const response = await page.goto(next.url, { waitUntil: input.waitUntil, timeout: input.pageTimeoutMs });
    const refused = response?.headers()['x-longrun-refused'];
    if (refused !== undefined) return { ...empty, status: null, error: `refused by the URL guard: ${refused}` };
    const unreachable = response?.headers()['x-longrun-unreachable'];
    if (unreachable !== undefined) return { ...empty, status: null, error: `could not be reached: ${unreachable}` };
    status = response?.status() ?? null;
    const hrefs = await page.$$eval('a[href]', (anchors) => anchors.map((a) => (a as unknown as { href: string }).href));
    const links = [...new Set(hrefs.flatMap((href) => normalised(href)))];
    return { url: next.url, depth: next.depth, status, title: (await page.title()) || null, markdown: readableMarkdown(await page.content()), links };
  } catch (error) {
    return { ...empty, status, error: (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 300) };
  }
}

function normalised(href: string): string[] {
  try {
    const url = new URL(href);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return [];
    url.hash = '';
    return [url.href];
  } catch {
    return [];
  }
}

/**
 * robotsOf reads an origin's robots.txt once per crawl, through the guarded proxy like any page.
 * A missing, refused or unreadable one allows everything (an error answer says nothing about rules).
 */
async function robotsOf(page: Page, origin: string, cache: Map<string, Robots>, timeoutMs: number): Promise<Robots> {
  const cached = cache.get(origin);
  if (cached) return cached;
  const url = `${origin}/robots.txt`;
  let text = '';
  try {
    const response = await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
    if (response && response.ok() && response.headers()['x-longrun-refused'] === undefined) text = (await response.text()).slice(0, 512 * 1024);
  } catch {
    // unreachable: no rules
  }
  const rules = robotsParser(url, text);
  cache.set(origin, rules);
  return rules;
}
