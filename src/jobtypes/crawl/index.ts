/** The crawl family: `web/crawl`, on the render types' shared Chromium and URL guard. */
import { type JobSpec, type JobTypeDefinition, type OutputFile, defineJobSpec, defineJobType } from '../define.js';
import type { RenderEnvironment } from '../render/renderJob.js';
import { urlProblem } from '../urlProblem.js';
import { type CrawledPage, crawl } from './crawler.js';
import { CRAWL_INPUT_SCHEMA, type CrawlInput } from './inputSchema.js';

export { CRAWLER_AGENT, type CrawledPage, type CrawlReport } from './crawler.js';
export type { CrawlInput } from './inputSchema.js';

/** CrawlOutput is `web/crawl`'s output: the files and what the crawl found, page by page in pages.ndjson. */
export type CrawlOutput = {
  files: OutputFile[];
  startUrl: string;
  pages: number;
  /** failed counts pages that gave no answer or answered 4xx/5xx. */
  failed: number;
  /** refused lists (the first 100) links the URL guard refused, never loaded. */
  refused: { url: string; reason: string }[];
  /** disallowedByRobots lists (the first 100) pages robots.txt kept the crawler from. */
  disallowedByRobots: string[];
};

const REPORTED = 100;

/** webCrawlSpec is `web/crawl` as the API knows it: the start URL is judged by the URL guard at create. */
export const webCrawlSpec: JobSpec<CrawlInput> = defineJobSpec<CrawlInput>({
  type: 'web/crawl',
  description: 'Crawls a site from a start URL in headless Chromium (same origin by default, robots.txt obeyed), giving each page\'s status, title, readable text as Markdown and links in pages.ndjson.',
  inputSchema: CRAWL_INPUT_SCHEMA,
  creditCost: 5,
  timeoutMs: 1_800_000,
  maxAttempts: 1,
  checkInput: async (input, context) => {
    const problem = await urlProblem(input.url, '/input/url', context);
    return problem ? [problem] : [];
  },
});

/**
 * crawlJobTypes is `web/crawl` with its handler on the render environment `env`: crawl, then
 * store `pages.ndjson` (one CrawledPage a line) and each screenshot. Progress: `Page n of m: url`
 * up to 90, 95 `Stored`.
 */
export function crawlJobTypes(env: RenderEnvironment): JobTypeDefinition<any, CrawlOutput>[] {
  return [
    defineJobType<CrawlInput, CrawlOutput>({
      ...webCrawlSpec,
      async run(ctx) {
        const report = await crawl(env, ctx);
        const lines = report.pages.map((page: CrawledPage) => `${JSON.stringify(page)}\n`).join('');
        const pagesFile = await ctx.files.put('pages.ndjson', Buffer.from(lines, 'utf8'));
        await ctx.progress(95, 'Stored');
        return {
          files: [pagesFile, ...report.screenshots],
          startUrl: ctx.input.url,
          pages: report.pages.length,
          failed: report.pages.filter((page) => page.status === null || page.status >= 400).length,
          refused: report.refused.slice(0, REPORTED),
          disallowedByRobots: report.disallowedByRobots.slice(0, REPORTED),
        };
      },
    }),
  ];
}
