/**
 * The input schemas of the six render job types: one source (`html`, `url` or `template` with
 * `data`), the options of the output (PDF or image), and the options every render takes. Each
 * field carries a description: `/v1/job-types` and docs/api.md show them to clients.
 */
import type { JsonSchema } from '../define.js';
import { HTTP_URL } from '../fileSource.js';

/** RenderSource is where a render's page comes from. */
export type RenderSource = 'html' | 'url' | 'template';
/** RenderOutput is what a render makes. */
export type RenderOutput = 'pdf' | 'image';

/** CookieInput is one cookie set before the page loads. */
export interface CookieInput {
  name: string;
  value: string;
  url?: string;
  domain?: string;
  path?: string;
  expires?: number;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: 'Strict' | 'Lax' | 'None';
}

/** CommonInput holds the fields every render takes, with the schema's defaults applied. */
export interface CommonInput {
  html?: string;
  url?: string;
  failOnHttpError?: boolean;
  template?: string;
  data?: Record<string, unknown>;
  waitUntil: 'load' | 'domcontentloaded' | 'networkidle';
  waitForSelector?: string;
  delayMs: number;
  timeoutMs: number;
  emulateMedia?: 'screen' | 'print';
  cookies?: CookieInput[];
  extraHeaders?: Record<string, string>;
  userAgent?: string;
  javascriptEnabled: boolean;
}

/** PdfInput is a PDF render's input. */
export interface PdfInput extends CommonInput {
  /** format is one of PDF_FORMATS in any of the spellings the schema takes (`a4`, `A4`, `LETTER`). */
  format?: string;
  width?: string | number;
  height?: string | number;
  landscape: boolean;
  margin?: { top?: string | number; right?: string | number; bottom?: string | number; left?: string | number };
  printBackground: boolean;
  scale: number;
  pageRanges?: string;
  headerTemplate?: string;
  footerTemplate?: string;
  preferCSSPageSize: boolean;
}

/** ImageInput is an image render's input. */
export interface ImageInput extends CommonInput {
  imageType: 'png' | 'jpeg' | 'webp';
  quality?: number;
  viewport: { width: number; height: number; deviceScaleFactor: number };
  fullPage: boolean;
  clip?: { x: number; y: number; width: number; height: number };
  selector?: string;
  omitBackground: boolean;
}

/** PDF_FORMATS are the paper sizes `format` takes (Chromium's names, lowercase). */
export const PDF_FORMATS = ['letter', 'legal', 'tabloid', 'ledger', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6'] as const;

// Clients bring the spelling of the library they came from: Playwright writes `A4` and `Letter`,
// Puppeteer also takes `a4` and `LETTER`. All three mean the same size.
const PDF_FORMAT_SPELLINGS = [
  ...new Set(PDF_FORMATS.flatMap((name) => [name, name[0]!.toUpperCase() + name.slice(1), name.toUpperCase()])),
];

// A CSS length Chromium's printer understands: a number with px, in, cm or mm (a bare number is px).
const LENGTH = {
  oneOf: [
    { type: 'string', pattern: '^(0|[0-9]{1,5}(\\.[0-9]{1,4})?(px|in|cm|mm))$' },
    { type: 'number', minimum: 0, maximum: 100000 },
  ],
};
const TEXT = (maxLength: number, description: string) => ({ type: 'string', minLength: 1, maxLength, description });

const SOURCES: Record<RenderSource, { required: string[]; properties: Record<string, unknown> }> = {
  html: {
    required: ['html'],
    properties: { html: TEXT(5 * 1024 * 1024, 'The HTML document to render. Private: never echoed back.') },
  },
  url: {
    required: ['url'],
    properties: {
      url: {
        type: 'string',
        minLength: 1,
        maxLength: 4096,
        ...HTTP_URL,
        description: 'The http(s) page to render. It, and every request the page makes, must pass the URL guard.',
      },
      failOnHttpError: {
        type: 'boolean',
        default: true,
        description: 'Fail the job with `navigation_failed` when the page answers 4xx or 5xx; false renders the error page.',
      },
    },
  },
  template: {
    required: ['template'],
    properties: {
      template: TEXT(5 * 1024 * 1024, 'A Mustache template of an HTML document ({{name}} is HTML-escaped, {{{name}}} is not). Private: never echoed back.'),
      data: { type: 'object', default: {}, description: 'The values the template fills in.' },
    },
  },
};

const COMMON_PROPERTIES = {
  waitUntil: { enum: ['load', 'domcontentloaded', 'networkidle'], default: 'load', description: 'When the page counts as loaded.' },
  waitForSelector: TEXT(1000, 'Also wait until an element matches this CSS selector.'),
  delayMs: { type: 'integer', minimum: 0, maximum: 30000, default: 0, description: 'Wait this long after loading, for animations and late scripts.' },
  timeoutMs: { type: 'integer', minimum: 1000, maximum: 300000, default: 30000, description: 'The whole render (load, wait, print) must finish within this; else it fails with `timeout`.' },
  emulateMedia: { enum: ['screen', 'print'], description: 'The CSS media type (default: print for a PDF, screen for an image).' },
  cookies: {
    type: 'array',
    maxItems: 50,
    description: 'Cookies set before loading. Each needs `url` or `domain` unless the source is `url`. Private: never echoed back.',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'value'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 256 },
        value: { type: 'string', maxLength: 4096 },
        url: { type: 'string', maxLength: 4096, ...HTTP_URL },
        domain: { type: 'string', minLength: 1, maxLength: 253 },
        path: { type: 'string', minLength: 1, maxLength: 1024 },
        expires: { type: 'number', description: 'Unix time in seconds.' },
        httpOnly: { type: 'boolean' },
        secure: { type: 'boolean' },
        sameSite: { enum: ['Strict', 'Lax', 'None'] },
      },
    },
  },
  extraHeaders: {
    type: 'object',
    maxProperties: 50,
    propertyNames: { pattern: '^[A-Za-z0-9!#$%&\'*+.^_`|~-]{1,128}$' },
    additionalProperties: { type: 'string', maxLength: 8192 },
    description: 'HTTP headers added to every request the page makes. Private: never echoed back.',
  },
  userAgent: TEXT(512, 'The User-Agent to send and to report to scripts.'),
  javascriptEnabled: { type: 'boolean', default: true, description: 'Run the page\'s scripts.' },
};

const PDF_PROPERTIES = {
  format: {
    enum: PDF_FORMAT_SPELLINGS,
    description: 'Paper size (default letter), lowercase, capitalised or uppercase (`a4`, `A4`, `Letter`, `LETTER`). `width`/`height` override it.',
  },
  width: { ...LENGTH, description: 'Paper width: a CSS length (`8.5in`, `210mm`, `800px`) or pixels.' },
  height: { ...LENGTH, description: 'Paper height, as `width`.' },
  landscape: { type: 'boolean', default: false, description: 'Print in landscape.' },
  margin: {
    type: 'object',
    additionalProperties: false,
    properties: { top: LENGTH, right: LENGTH, bottom: LENGTH, left: LENGTH },
    description: 'Page margins as CSS lengths (default none).',
  },
  printBackground: { type: 'boolean', default: false, description: 'Print background colours and images.' },
  scale: { type: 'number', minimum: 0.1, maximum: 2, default: 1, description: 'Scale of the rendering, 0.1 to 2.' },
  pageRanges: {
    type: 'string',
    maxLength: 200,
    pattern: '^\\s*[1-9][0-9]*(\\s*-\\s*[1-9][0-9]*)?(\\s*,\\s*[1-9][0-9]*(\\s*-\\s*[1-9][0-9]*)?)*\\s*$',
    description: 'Pages to print, such as `1-5, 8`.',
  },
  headerTemplate: TEXT(100000, 'HTML of each page\'s header; classes date, title, url, pageNumber and totalPages are filled in.'),
  footerTemplate: TEXT(100000, 'HTML of each page\'s footer, as headerTemplate.'),
  preferCSSPageSize: { type: 'boolean', default: false, description: 'Let the page\'s CSS @page size win over format, width and height.' },
};

const IMAGE_PROPERTIES = {
  imageType: { enum: ['png', 'jpeg', 'webp'], default: 'png', description: 'The image format.' },
  quality: { type: 'integer', minimum: 0, maximum: 100, description: 'Compression quality for jpeg and webp (default 80).' },
  viewport: {
    type: 'object',
    additionalProperties: false,
    default: {},
    properties: {
      width: { type: 'integer', minimum: 1, maximum: 8000, default: 1280 },
      height: { type: 'integer', minimum: 1, maximum: 8000, default: 800 },
      deviceScaleFactor: { type: 'number', minimum: 0.1, maximum: 4, default: 1 },
    },
    description: 'The browser window, in CSS pixels, and the device pixel ratio.',
  },
  fullPage: { type: 'boolean', default: false, description: 'Shoot the whole scrollable page, not just the viewport.' },
  clip: {
    type: 'object',
    additionalProperties: false,
    required: ['x', 'y', 'width', 'height'],
    properties: {
      x: { type: 'number', minimum: 0, maximum: 100000 },
      y: { type: 'number', minimum: 0, maximum: 100000 },
      width: { type: 'number', exclusiveMinimum: 0, maximum: 16384 },
      height: { type: 'number', exclusiveMinimum: 0, maximum: 16384 },
    },
    description: 'Shoot only this rectangle of the page, in CSS pixels.',
  },
  selector: TEXT(1000, 'Shoot only the first element that matches this CSS selector.'),
  omitBackground: { type: 'boolean', default: false, description: 'Make the default white background transparent (png and webp).' },
};

/** renderInputSchema is the input schema of the `<source>/<output>` type. */
export function renderInputSchema(source: RenderSource, output: RenderOutput): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    required: SOURCES[source].required,
    properties: {
      ...SOURCES[source].properties,
      ...(output === 'pdf' ? PDF_PROPERTIES : IMAGE_PROPERTIES),
      ...COMMON_PROPERTIES,
    },
  };
}

/** RENDER_PRIVATE_FIELDS are kept for the worker and never echoed: bodies, cookies and headers. */
export const RENDER_PRIVATE_FIELDS = ['html', 'template', 'cookies', 'extraHeaders'] as const;
