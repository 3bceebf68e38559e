import { errors as playwrightErrors, type Page } from 'playwright-core';
import { type JobContext, JobDeferral, JobFailure, type OutputFile } from '../define.js';
import { BrowserLaunchError, type BrowserPool } from './browserPool.js';
import { type ProxyFailure, type TargetCheck, startGuardedProxy } from './guardedProxy.js';
import { IMAGE_EXTENSIONS, shootImage } from './image.js';
import type { CommonInput, ImageInput, PdfInput, RenderOutput, RenderSource } from './inputSchema.js';
import { imageInfo, pdfPageCount } from './outputInfo.js';
import { printPdf } from './pdf.js';
import { contextOptions, loadPage } from './preparePage.js';

/** RenderEnvironment is what render jobs share in one process. */
export interface RenderEnvironment {
  pool: BrowserPool;
  /** check is the URL guard with the operator's setting; every page request passes it. */
  check: TargetCheck;
  /** maxOutputBytes refuses a bigger file with `output_too_large`. */
  maxOutputBytes: number;
  /** maxPdfPages refuses a longer PDF with `output_too_large`. */
  maxPdfPages: number;
}

/** RenderResult is a render job's output: its one file and what was read back from it. */
export type RenderResult = { files: OutputFile[] } & ({ pages: number } | { width: number; height: number });

type Phase = 'browser' | 'load' | 'render';
interface Rendered {
  bytes: Uint8Array;
  name: string;
  facts: { pages: number } | { width: number; height: number };
}

/**
 * runRender is the attempt of every render type: a guarded proxy and a fresh context, load the
 * page, print or shoot it, check the limits, store the file. The render's own `timeoutMs` and the
 * attempt's signal (cancel, job timeout, shutdown) both close the context at once, which ends
 * whatever the page was doing. Progress follows the real phases.
 */
export async function runRender(
  env: RenderEnvironment,
  source: RenderSource,
  output: RenderOutput,
  ctx: JobContext<CommonInput & Partial<PdfInput> & Partial<ImageInput>>,
): Promise<RenderResult> {
  const { input } = ctx;
  const stop = new AbortController();
  let expired = false;
  const deadline = setTimeout(() => {
    expired = true;
    stop.abort(new Error('render timeout'));
  }, input.timeoutMs);
  const onAbort = () => stop.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const proxy = await startGuardedProxy({ check: env.check, idleMs: input.timeoutMs });
  let phase: Phase = 'browser';
  let rendered: Rendered;
  try {
    rendered = await env.pool.withContext(contextOptions(output, input, proxy), async (context) => {
      if (stop.signal.aborted) throw stop.signal.reason;
      const closeOnStop = () => void context.close().catch(() => undefined);
      stop.signal.addEventListener('abort', closeOnStop, { once: true });
      const page = await context.newPage();
      await ctx.progress(10, 'Browser ready');
      phase = 'load';
      await loadPage(context, page, { source, output, input, signal: stop.signal });
      await ctx.progress(40, 'Page loaded');
      phase = 'render';
      return output === 'pdf' ? await renderPdf(page, input as PdfInput) : await renderImage(page, input as ImageInput);
    });
  } catch (error) {
    if (ctx.signal.aborted) throw error; // the runtime already knows why; nothing to add
    throw toFailure(error, { phase, expired, timeoutMs: input.timeoutMs, refusals: proxy.refusals.map((r) => r.message), unreachable: proxy.unreachable });
  } finally {
    clearTimeout(deadline);
    ctx.signal.removeEventListener('abort', onAbort);
    await proxy.close();
  }
  await ctx.progress(80, 'Rendered');
  checkLimits(env, rendered);
  const file = await ctx.files.put(rendered.name, rendered.bytes);
  await ctx.progress(95, 'Stored');
  return { files: [file], ...rendered.facts };
}

async function renderPdf(page: Page, input: PdfInput): Promise<Rendered> {
  const bytes = await printPdf(page, input);
  return { bytes, name: 'document.pdf', facts: { pages: pdfPageCount(bytes) } };
}

async function renderImage(page: Page, input: ImageInput): Promise<Rendered> {
  const bytes = await shootImage(page, input, input.timeoutMs);
  const info = imageInfo(bytes);
  if (!info) throw new JobFailure('render_failed', `Chromium returned an image that is not ${input.imageType}`);
  return { bytes, name: `image.${IMAGE_EXTENSIONS[input.imageType]}`, facts: { width: info.width, height: info.height } };
}

function checkLimits(env: RenderEnvironment, rendered: Rendered): void {
  if (rendered.bytes.byteLength > env.maxOutputBytes) {
    throw new JobFailure('output_too_large', `The output is ${rendered.bytes.byteLength} bytes; the limit is ${env.maxOutputBytes}`, false);
  }
  if ('pages' in rendered.facts && rendered.facts.pages > env.maxPdfPages) {
    throw new JobFailure('output_too_large', `The PDF has ${rendered.facts.pages} pages; the limit is ${env.maxPdfPages}`, false);
  }
}

/**
 * toFailure names what went wrong with a stable code: `browser_unavailable` (Chromium did not
 * start: the job waits and tries again, the attempt not counted), `timeout` (the render's own
 * limit or a Playwright wait ran out), `navigation_failed` (the page did not load: an unreachable
 * or refused target), `render_failed` (printing or shooting failed). Messages carry Playwright's
 * first line only, never the page's HTML.
 */
function toFailure(
  error: unknown,
  p: { phase: Phase; expired: boolean; timeoutMs: number; refusals: string[]; unreachable: ProxyFailure[] },
): JobFailure | JobDeferral {
  if (error instanceof JobFailure) return error;
  if (error instanceof BrowserLaunchError) return new JobDeferral('browser_unavailable', error.message, error.retryAfterMs);
  const during = p.phase === 'render' ? 'rendering' : 'loading the page';
  if (p.expired || error instanceof playwrightErrors.TimeoutError) {
    return new JobFailure('timeout', `The render did not finish within ${p.timeoutMs} ms (while ${during})`);
  }
  const first = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 300);
  if (p.phase === 'render') return new JobFailure('render_failed', `Rendering failed: ${first}`);
  // A target the guard refused will be refused again; anything else may be a passing failure.
  const refused = p.refusals.length > 0 ? `; refused by the URL guard: ${p.refusals[p.refusals.length - 1]}` : '';
  const lastUnreachable = p.unreachable[p.unreachable.length - 1];
  const unreachable = lastUnreachable ? `; ${lastUnreachable.url} could not be reached: ${lastUnreachable.message}` : '';
  return new JobFailure('navigation_failed', `Loading the page failed: ${first}${refused}${unreachable}`, refused === '');
}
