/** The input schema of `web/crawl`, each field described for `/v1/job-types` and docs/api.md. */
import { PATTERN_MESSAGE } from '../../domain/index.js';
import type { JsonSchema } from '../define.js';
import { HTTP_URL } from '../fileSource.js';

/** CrawlInput is `web/crawl`'s input with the schema's defaults applied. */
export interface CrawlInput {
  url: string;
  maxPages: number;
  maxDepth: number;
  sameOrigin: boolean;
  include?: string[];
  exclude?: string[];
  screenshot: boolean;
  waitUntil: 'load' | 'domcontentloaded' | 'networkidle';
  pageTimeoutMs: number;
}

const PATTERNS = (what: string) => ({
  type: 'array',
  maxItems: 50,
  items: {
    type: 'string',
    minLength: 1,
    maxLength: 500,
    pattern: '^/',
    [PATTERN_MESSAGE]: 'must be a path pattern starting with /',
    description: 'A path pattern: `*` matches any characters, everything else itself (`/blog/*`).',
  },
  description: what,
});

/** CRAWL_INPUT_SCHEMA is `web/crawl`'s input. */
export const CRAWL_INPUT_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['url'],
  properties: {
    url: { type: 'string', minLength: 1, maxLength: 4096, ...HTTP_URL, description: 'The page to start from. It, every page and every request of each page must pass the URL guard.' },
    maxPages: { type: 'integer', minimum: 1, maximum: 1000, default: 20, description: 'Load at most this many pages (the start page counts).' },
    maxDepth: { type: 'integer', minimum: 0, maximum: 20, default: 2, description: 'Follow links this many steps from the start page (0: the start page only).' },
    sameOrigin: { type: 'boolean', default: true, description: 'Follow only links to the start page\'s origin (scheme, host and port).' },
    include: PATTERNS('Follow only links whose path matches one of these (default: all). The start page is always loaded.'),
    exclude: PATTERNS('Never follow links whose path matches one of these.'),
    screenshot: { type: 'boolean', default: false, description: 'Store a PNG of each page\'s viewport (1280 × 800) as `page-<n>.png`.' },
    waitUntil: { enum: ['load', 'domcontentloaded', 'networkidle'], default: 'load', description: 'When a page counts as loaded.' },
    pageTimeoutMs: { type: 'integer', minimum: 1000, maximum: 60000, default: 15000, description: 'Each page must load within this; a page that does not is recorded with its error, and the crawl goes on.' },
  },
};

/** pathMatcher compiles path patterns (`*` any characters) to one test; an empty list matches nothing. */
export function pathMatcher(patterns: readonly string[] | undefined): (path: string) => boolean {
  if (!patterns?.length) return () => false;
  // Every character but `*` is escaped, so a client's pattern can never be a costly expression.
  const sources = patterns.map((p) => `^${p.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`);
  const expression = new RegExp(sources.join('|'));
  return (path) => expression.test(path);
}
