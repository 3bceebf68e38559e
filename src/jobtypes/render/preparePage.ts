import { setTimeout as sleep } from 'node:timers/promises';
import type { BrowserContext, BrowserContextOptions, Page, Response } from 'playwright-core';
import { JobFailure } from '../define.js';
import type { GuardedProxy } from './guardedProxy.js';
import type { CommonInput, ImageInput, RenderOutput, RenderSource } from './inputSchema.js';
import { renderTemplate } from './templates.js';

/**
 * contextOptions are the incognito context of one render: every request through the job's
 * guarded proxy, no service workers (they would outlive the page), no downloads, certificate
 * errors kept as errors, and the client's user agent, headers, scripts setting and viewport.
 */
export function contextOptions(output: RenderOutput, input: CommonInput & Partial<ImageInput>, proxy: GuardedProxy): BrowserContextOptions {
  const options: BrowserContextOptions = {
    // Playwright adds `<-loopback>` to a context's bypass list, so loopback goes through it too.
    proxy: { server: proxy.server },
    serviceWorkers: 'block',
    acceptDownloads: false,
    ignoreHTTPSErrors: false,
    javaScriptEnabled: input.javascriptEnabled,
  };
  if (input.userAgent !== undefined) options.userAgent = input.userAgent;
  if (input.extraHeaders !== undefined) options.extraHTTPHeaders = input.extraHeaders;
  if (output === 'image' && input.viewport) {
    options.viewport = { width: input.viewport.width, height: input.viewport.height };
    options.deviceScaleFactor = input.viewport.deviceScaleFactor;
  }
  return options;
}

/**
 * loadPage sets cookies and the media type, loads the source (navigates to `url`, or sets the
 * HTML, or the filled template), then waits for `waitForSelector` and `delayMs`. A main document
 * the guard refused, or that could not be reached, or (unless `failOnHttpError` is false) that
 * answered 4xx or 5xx, fails the job with `navigation_failed`, not a picture of the error page.
 */
export async function loadPage(
  context: BrowserContext,
  page: Page,
  p: { source: RenderSource; output: RenderOutput; input: CommonInput; signal: AbortSignal },
): Promise<void> {
  const { input } = p;
  if (input.cookies?.length) {
    await context.addCookies(
      input.cookies.map((cookie) => {
        if (cookie.url !== undefined) return cookie;
        if (cookie.domain !== undefined) return { ...cookie, path: cookie.path ?? '/' };
        return { ...cookie, url: input.url };
      }),
    );
  }
  await page.emulateMedia({ media: input.emulateMedia ?? (p.output === 'pdf' ? 'print' : 'screen') });
  const waitUntil = input.waitUntil;
  const timeout = input.timeoutMs;
  if (p.source === 'url') {
    const response = await page.goto(input.url!, { waitUntil, timeout });
    if (response) checkMainResponse(response, input.failOnHttpError !== false);
  } else {
    const html = p.source === 'html' ? input.html! : renderTemplate(input.template!, input.data ?? {});
    await page.setContent(html, { waitUntil, timeout });
  }
  if (input.waitForSelector !== undefined) await page.waitForSelector(input.waitForSelector, { state: 'visible', timeout });
  if (input.delayMs > 0) await sleep(input.delayMs, undefined, { signal: p.signal });
}

/**
 * checkMainResponse fails the job on a main document that is not the page: the guarded proxy's
 * own answer (its headers say the target was refused, final, or unreachable, maybe passing), or,
 * with `failOnHttpError`, the target's 4xx or 5xx (retried for 5xx, 408 and 429, which may pass).
 */
function checkMainResponse(response: Response, failOnHttpError: boolean): void {
  const url = response.url().split('?')[0];
  const headers = response.headers();
  const refused = headers['x-longrun-refused'];
  if (refused !== undefined) throw new JobFailure('navigation_failed', `The page ${url} was refused: ${refused}`, false);
  const unreachable = headers['x-longrun-unreachable'];
  if (unreachable !== undefined) throw new JobFailure('navigation_failed', `The page ${url} could not be reached: ${unreachable}`);
  const status = response.status();
  if (failOnHttpError && status >= 400) {
    const passing = status >= 500 || status === 408 || status === 429;
    throw new JobFailure('navigation_failed', `The page ${url} answered ${status} ${response.statusText()}`.trim(), passing);
  }
}
