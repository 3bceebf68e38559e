// A real headless Chromium for dashboard tests: the project's bundled Chromium through
// playwright-core, launched exactly as render jobs launch it, with every request it makes recorded.
import { type Browser, type Page, chromium } from 'playwright-core';
import { chromiumLaunchOptions } from '../../src/jobtypes/render/browserPool.js';

/** DashboardBrowser is one browser with one page, and the URLs of every request the page made. */
export interface DashboardBrowser {
  browser: Browser;
  page: Page;
  /** requests lists each request's method and URL, in order. */
  requests: { method: string; url: string }[];
  /** answers lists each API answer's status, URL and whether the request carried a key. */
  answers: { status: number; url: string; keyed: boolean }[];
  close(): Promise<void>;
}

/** openBrowser launches Chromium with a page of `width`×`height` that records its traffic. */
export async function openBrowser(p: { width?: number; height?: number } = {}): Promise<DashboardBrowser> {
  const browser = await chromium.launch(await chromiumLaunchOptions());
  const context = await browser.newContext({ viewport: { width: p.width ?? 1280, height: p.height ?? 900 }, locale: 'en-US', timezoneId: 'UTC' });
  const page = await context.newPage();
  const requests: DashboardBrowser['requests'] = [];
  const answers: DashboardBrowser['answers'] = [];
  page.on('request', (request) => requests.push({ method: request.method(), url: request.url() }));
  page.on('response', async (response) => {
    const headers = await response.request().allHeaders();
    answers.push({ status: response.status(), url: response.url(), keyed: Boolean(headers['x-api-key']) });
  });
  return { browser, page, requests, answers, close: () => browser.close() };
}

/** signIn opens the dashboard and signs in with `key`. */
export async function signIn(page: Page, baseUrl: string, key: string, path = '/dashboard'): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await page.getByLabel('API key or admin key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
