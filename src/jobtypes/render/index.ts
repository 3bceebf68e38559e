/** The render family: HTML, URL or template to PDF or image, on a shared headless Chromium. */
import { checkUrl } from '../../egress/index.js';
import { type JobSpec, type JobTypeDefinition, defineJobSpec, defineJobType } from '../define.js';
import { BrowserPool, type BrowserPoolOptions } from './browserPool.js';
import { checkRenderInput } from './inputChecks.js';
import { RENDER_PRIVATE_FIELDS, type RenderOutput, type RenderSource, renderInputSchema } from './inputSchema.js';
import { type RenderEnvironment, type RenderResult, runRender } from './renderJob.js';

export { BrowserPool, type BrowserPoolOptions } from './browserPool.js';
export { startGuardedProxy, type GuardedProxy, type TargetCheck } from './guardedProxy.js';
export { imageInfo, isPdf, pdfPageCount, type ImageInfo } from './outputInfo.js';
export type { RenderEnvironment, RenderResult } from './renderJob.js';

/** RenderSettings are the operator's render settings (flags and environment variables). */
export interface RenderSettings extends BrowserPoolOptions {
  /** maxOutputBytes is the largest file a render may store (LONGRUN_RENDER_MAX_BYTES). */
  maxOutputBytes: number;
  /** maxPdfPages is the most pages a PDF may have (LONGRUN_RENDER_MAX_PAGES). */
  maxPdfPages: number;
}

/** DEFAULT_RENDER_SETTINGS: 50 MiB per file, 1000 pages per PDF, a new browser every 200 renders. */
export const DEFAULT_RENDER_SETTINGS: RenderSettings = { maxOutputBytes: 50 * 1024 * 1024, maxPdfPages: 1000, recycleAfter: 200 };

/** renderEnvironment makes a process's render environment: a lazy browser pool and the URL guard. */
export function renderEnvironment(settings: RenderSettings, p: { allowPrivateTargets: boolean }): RenderEnvironment {
  return {
    pool: new BrowserPool(settings),
    check: (url) => checkUrl(url, { allowPrivate: p.allowPrivateTargets }),
    maxOutputBytes: settings.maxOutputBytes,
    maxPdfPages: settings.maxPdfPages,
  };
}

const SOURCE_WORDS: Record<RenderSource, string> = { html: 'an HTML document', url: 'a web page', template: 'a Mustache HTML template filled with data' };
const OUTPUT_WORDS: Record<RenderOutput, string> = { pdf: 'a PDF', image: 'a PNG, JPEG or WebP image' };

const SOURCES = ['html', 'url', 'template'] as const;
const OUTPUTS = ['pdf', 'image'] as const;

/**
 * renderJobSpec is the spec of one render type: all an API node needs to accept its jobs, with
 * no browser. checkInput is part of it, since a URL the guard refuses is refused at create time.
 */
export function renderJobSpec(source: RenderSource, output: RenderOutput): JobSpec<any> {
  return defineJobSpec<any>({
    type: `${source}/${output}`,
    description: `Renders ${SOURCE_WORDS[source]} to ${OUTPUT_WORDS[output]} in headless Chromium.`,
    inputSchema: renderInputSchema(source, output),
    privateFields: RENDER_PRIVATE_FIELDS,
    creditCost: 1,
    // Above the largest render timeoutMs (300 s), so the render's own limit speaks first.
    timeoutMs: 330_000,
    maxAttempts: 2,
    checkInput: (input, context) => checkRenderInput(source, output, input, context),
  });
}

/** renderJobTypes are the six render types (`html/pdf` … `template/image`): each spec with its handler on `env`. */
export function renderJobTypes(env: RenderEnvironment): JobTypeDefinition<any, RenderResult>[] {
  return SOURCES.flatMap((source) =>
    OUTPUTS.map((output) => defineJobType<any, RenderResult>({ ...renderJobSpec(source, output), run: (ctx) => runRender(env, source, output, ctx) })),
  );
}
