import { BUILTIN_JOB_TYPES, JobTypeRegistry } from '../jobtypes/index.js';
import { crawlJobTypes } from '../jobtypes/crawl/index.js';
import { jobsExportTypes } from '../jobtypes/export/index.js';
import { DEFAULT_IMAGE_LIMITS, imageJobTypes } from '../jobtypes/image/index.js';
import { DEFAULT_PDF_LIMITS, pdfJobTypes } from '../jobtypes/pdf/index.js';
import { DEFAULT_RENDER_SETTINGS, type RenderSettings, renderEnvironment, renderJobTypes } from '../jobtypes/render/index.js';
import { type VideoConfig, findFfmpeg, videoJobTypes, videoSlideshowSpec } from '../jobtypes/video/index.js';
import type { Logger } from '../log/index.js';
import type { ProcessMetrics } from '../metrics/index.js';
import { loadHandlers } from './handlers.js';

/** JobTypes is a process's registry of job types and what their handlers hold open (the render browsers). */
export interface JobTypes {
  registry: JobTypeRegistry;
  /** close closes the render browsers. */
  close(): Promise<void>;
}

/**
 * openJobTypes registers the built-in job types, the render types (their browser launches on the
 * first render job, not here), the crawl (on the render browsers), image, document and export
 * types, the video type when there is an ffmpeg (else it is listed as unavailable, with the
 * reason), and the `--handlers` module's. Shared by every process that runs jobs, with a store
 * (openRuntime) or without one (startRemoteWorker).
 */
export async function openJobTypes(p: {
  render?: Partial<RenderSettings>;
  video?: VideoConfig;
  handlers?: string;
  allowPrivateTargets: boolean;
  log: Logger;
  metrics: ProcessMetrics;
}): Promise<JobTypes> {
  const onLaunch: RenderSettings['onLaunch'] = (outcome) => {
    p.metrics.browserLaunch(outcome);
    if (!outcome.ok) p.log.warn({ err: outcome.error, durationMs: outcome.durationMs }, 'render: Chromium would not start');
    else p.log.info({ durationMs: outcome.durationMs }, 'render: Chromium started');
  };
  const render = renderEnvironment({ ...DEFAULT_RENDER_SETTINGS, ...p.render, onLaunch }, { allowPrivateTargets: p.allowPrivateTargets });
  const imageLimits = { ...DEFAULT_IMAGE_LIMITS, allowPrivateTargets: p.allowPrivateTargets };
  const image = imageJobTypes(imageLimits);
  const pdf = pdfJobTypes({ ...DEFAULT_PDF_LIMITS, allowPrivateTargets: p.allowPrivateTargets });
  const registry = new JobTypeRegistry([...BUILTIN_JOB_TYPES, ...renderJobTypes(render), ...crawlJobTypes(render), ...image, ...pdf, ...jobsExportTypes()]);
  const ffmpeg = findFfmpeg({ configured: p.video?.ffmpegPath, searchPath: process.env.PATH });
  if (ffmpeg.path === null) registry.registerUnavailable(videoSlideshowSpec, ffmpeg.reason);
  else {
    for (const type of videoJobTypes(render, { ...imageLimits, ffmpegPath: ffmpeg.path, onEncoderStart: p.video?.onEncoderStart })) registry.register(type);
  }
  if (p.handlers) for (const definition of await loadHandlers(p.handlers)) registry.register(definition);
  return { registry, close: () => render.pool.close() };
}
