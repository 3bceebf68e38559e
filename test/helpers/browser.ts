// A real headless Chromium for dashboard tests: the project's bundled Chromium through
// playwright-core, launched exactly as render jobs launch it, with every request it makes recorded.
import { type Browser, type Page, chromium } from 'playwright-core';
import { chromiumLaunchOptions } from '../../src/jobtypes/render/browserPool.js';

/** DashboardBrowser is one browser, its current page, and the traffic of every page it opened. */
export interface DashboardBrowser {
  browser: Browser;
  /** page is the page the last newPage opened. */
  page: Page;
  /** newPage opens a fresh page in a fresh context (empty sessionStorage) and makes it `page`. */
  newPage(): Promise<Page>;
  /** requests lists each request's method and URL, in order. */
  requests: { method: string; url: string }[];
  /** answers lists each answer's status, URL and whether its request carried a key. */
  answers: { status: number; url: string; keyed: boolean }[];
  /** pageErrors lists uncaught errors of the pages' scripts. */
  pageErrors: string[];
  close(): Promise<void>;
}

/** openBrowser launches Chromium and opens a first page of `width`×`height` (default 1280×900). */
export async function openBrowser(p: { width?: number; height?: number } = {}): Promise<DashboardBrowser> {
  const browser = await chromium.launch(await chromiumLaunchOptions());
  const out: DashboardBrowser = {
    browser,
    page: null as unknown as Page,
    requests: [],
    answers: [],
    pageErrors: [],
    async newPage() {
      await out.page?.context().close();
      // A fixed locale and zone: the bundled Chromium cannot use the POSIX locale LANG=C gives it.
      const context = await browser.newContext({ viewport: { width: p.width ?? 1280, height: p.height ?? 900 }, locale: 'en-US', timezoneId: 'UTC' });
      const page = await context.newPage();
      page.on('request', (request) => out.requests.push({ method: request.method(), url: request.url() }));
      // request.headers() is read at once: the awaited allHeaders() of an answer that came as the
      // page's context closed (each newPage closes the last) rejected unhandled, failing the file.
      // It leaves out only cookie and security headers, never X-API-Key.
      page.on('response', (response) => {
        out.answers.push({ status: response.status(), url: response.url(), keyed: Boolean(response.request().headers()['x-api-key']) });
      });
      page.on('pageerror', (error) => out.pageErrors.push(error.message));
      out.page = page;
      return page;
    },
    close: () => browser.close(),
  };
  await out.newPage();
  return out;
}

/** signIn opens the dashboard at `path` on a fresh page and signs in with `key`. */
export async function signIn(browser: DashboardBrowser, baseUrl: string, key: string, path = '/dashboard'): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${baseUrl}${path}`);
  await page.getByLabel('API key or admin key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return page;
}
