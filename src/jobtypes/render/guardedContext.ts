import type { BrowserContext, BrowserContextOptions } from 'playwright-core';
import { JobDeferral } from '../define.js';
import { BrowserLaunchError } from './browserPool.js';
import { startGuardedProxy } from './guardedProxy.js';
import type { RenderEnvironment } from './renderJob.js';

/**
 * withGuardedContext runs `use` in a fresh incognito context of the shared browser whose every
 * request goes through a guarded proxy of its own (idle for `idleMs` at most), with no service
 * workers and no downloads, for a job that walks pages itself (a crawl, a slideshow's slides).
 * The attempt's `signal` closes the context at once, which ends whatever a page was doing; the
 * proxy is closed whatever happens. Chromium that will not start defers the job
 * (`browser_unavailable`), as a render's does.
 */
export async function withGuardedContext<T>(
  env: RenderEnvironment,
  p: { signal: AbortSignal; idleMs: number; options?: Omit<BrowserContextOptions, 'proxy' | 'serviceWorkers' | 'acceptDownloads'> },
  use: (context: BrowserContext) => Promise<T>,
): Promise<T> {
  const proxy = await startGuardedProxy({ check: env.check, idleMs: p.idleMs });
  const options: BrowserContextOptions = { ...p.options, proxy: { server: proxy.server }, serviceWorkers: 'block', acceptDownloads: false };
  try {
    return await env.pool.withContext(options, async (context) => {
      const closeOnAbort = () => void context.close().catch(() => undefined);
      p.signal.addEventListener('abort', closeOnAbort, { once: true });
      try {
        if (p.signal.aborted) throw p.signal.reason;
        return await use(context);
      } finally {
        p.signal.removeEventListener('abort', closeOnAbort);
      }
    });
  } catch (error) {
    if (p.signal.aborted) throw error; // the runtime knows why already
    if (error instanceof BrowserLaunchError) throw new JobDeferral('browser_unavailable', error.message, error.retryAfterMs);
    throw error;
  } finally {
    await proxy.close();
  }
}
