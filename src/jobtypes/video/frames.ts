/**
 * A slideshow's frames as still images at the video's size: HTML slides shot in the shared
 * Chromium (every request through the job's guarded proxy, as a render's), images read through
 * the URL guard or from an earlier job and fitted with sharp, as image/transform fits them.
 */
import type { Page } from 'playwright-core';
import { type JobContext, JobFailure } from '../define.js';
import { type FileSource, readFileSource } from '../fileSource.js';
import { IMAGE_ACCEPT } from '../image/index.js';
import { transformImage } from '../image/transform.js';
import { withGuardedContext } from '../render/guardedContext.js';
import type { RenderEnvironment } from '../render/renderJob.js';
import type { SlideshowInput } from './inputSchema.js';

/** FrameLimits bound what one image frame may read. */
export interface FrameLimits {
  maxInputBytes: number;
  maxInputPixels: number;
  allowPrivateTargets: boolean;
}

/** SLIDE_TIMEOUT_MS bounds loading and shooting one HTML slide. */
const SLIDE_TIMEOUT_MS = 30_000;

/**
 * makeFrames returns each frame of the input as a PNG of width × height, in order, calling
 * `ready(n)` after each. HTML slides share one browser context; Chromium that will not start
 * defers the job (`browser_unavailable`), a slide that will not load or shoot fails it
 * (`render_failed`); an image fails as image/transform's would (`download_failed`,
 * `input_too_large`, `image_unreadable`, `input_file_missing`).
 */
export async function makeFrames(
  env: RenderEnvironment,
  limits: FrameLimits,
  ctx: Pick<JobContext<SlideshowInput>, 'input' | 'signal' | 'readJobFile'>,
  ready: (done: number) => Promise<void>,
): Promise<Buffer[]> {
  const { input } = ctx;
  const made: (Buffer | null)[] = input.frames.map(() => null);
  let done = 0;
  for (const [i, frame] of input.frames.entries()) {
    if (frame.source === undefined) continue;
    made[i] = await imageFrame(frame.source, input, limits, ctx);
    await ready(++done);
  }
  if (made.includes(null)) {
    // The slides share one page (setContent replaces the document): a new page per slide took
    // 1–1.7 s a slide here, one page 0.2–0.5 s.
    const options = { viewport: { width: input.width, height: input.height }, deviceScaleFactor: 1 };
    await withGuardedContext(env, { signal: ctx.signal, idleMs: SLIDE_TIMEOUT_MS, options }, async (context) => {
      const page = await context.newPage();
      for (const [i, frame] of input.frames.entries()) {
        if (frame.html === undefined) continue;
        made[i] = await shootSlide(page, frame.html, input, i);
        await ready(++done);
      }
    });
  }
  return made as Buffer[];
}

async function imageFrame(source: FileSource, input: SlideshowInput, limits: FrameLimits, ctx: Pick<JobContext, 'signal' | 'readJobFile'>): Promise<Buffer> {
  const bytes = await readFileSource(ctx, source, { maxBytes: limits.maxInputBytes, allowPrivateTargets: limits.allowPrivateTargets, accept: IMAGE_ACCEPT });
  const fitted = await transformImage(
    bytes,
    { source, rotate: 0, width: input.width, height: input.height, fit: input.fit, position: 'center', withoutEnlargement: false, background: input.background, format: 'png' },
    limits,
  );
  return fitted.data;
}

async function shootSlide(page: Page, html: string, input: SlideshowInput, index: number): Promise<Buffer> {
  try {
    await page.setContent(html, { waitUntil: 'load', timeout: SLIDE_TIMEOUT_MS });
    return await page.screenshot({ type: 'png', timeout: SLIDE_TIMEOUT_MS, clip: { x: 0, y: 0, width: input.width, height: input.height } });
  } catch (error) {
    const first = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 300);
    throw new JobFailure('render_failed', `Rendering the HTML slide /frames/${index} failed: ${first}`);
  }
}
