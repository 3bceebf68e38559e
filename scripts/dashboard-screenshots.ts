// Makes the README's dashboard pictures from a real running server: starts Longrun (in-memory
// SQLite, two workers) on 127.0.0.1, makes an account and a mix of jobs through the API, and
// photographs the jobs list, a job with live progress and the overview in the bundled Chromium.
// Run: npx tsx scripts/dashboard-screenshots.ts [outDir] (default docs/images).
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions } from '../src/jobtypes/render/browserPool.js';
import { startServer } from '../src/runtime/index.js';

const outDir = process.argv[2] ?? new URL('../docs/images/', import.meta.url).pathname;
const adminKey = 'screenshot-admin-key';
const server = await startServer({
  host: '127.0.0.1',
  port: 0,
  db: 'sqlite::memory:',
  durability: 'relaxed',
  workers: 2,
  graceMs: 100,
  bodyLimit: 1024 * 1024,
  logLevel: 'silent',
  adminKey,
});

// The answers are read as the API documents them.
async function call(method: string, path: string, key: string, body?: unknown): Promise<any> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

try {
  const { apiKey } = await call('POST', '/v1/admin/accounts', adminKey, { name: 'acme', credits: 500 });
  const key: string = apiKey.key;
  const later = new Date(Date.now() + 3_600_000).toISOString();
  const plans = [
    ...['invoice-1041', 'invoice-1042', 'invoice-1043'].map((order) => ({ input: { durationMs: 300, steps: 3 }, metadata: { order, team: 'billing' } })),
    { input: { durationMs: 200, failAt: 1, failCode: 'upstream_timeout' }, maxAttempts: 1, metadata: { order: 'invoice-1044', team: 'billing' } },
    { input: { durationMs: 200, failAt: 2, steps: 2 }, maxAttempts: 1, metadata: { team: 'search' } },
    { input: { durationMs: 100 }, runAt: later, metadata: { team: 'search' }, priority: 5 },
    { input: { durationMs: 100 }, runAt: later, metadata: { team: 'reports' } },
  ];
  for (const plan of plans) await call('POST', '/v1/jobs', key, { type: 'demo/sleep', ...plan });
  const live = await call('POST', '/v1/jobs', key, { type: 'demo/sleep', input: { durationMs: 30_000, steps: 30 }, metadata: { report: 'quarterly' } });
  await call('POST', '/v1/jobs', key, { type: 'demo/sleep', input: { durationMs: 30_000, steps: 10 }, metadata: { team: 'reports' } });

  const browser = await chromium.launch(await chromiumLaunchOptions());
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-US', timezoneId: 'UTC' });
  await page.goto(`${server.url}/dashboard`);
  await page.getByLabel('API key or admin key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('.status-failed').length >= 2);
  await page.screenshot({ path: `${outDir}/dashboard-jobs.png` });
  await page.goto(`${server.url}/dashboard/jobs/${live.id}`);
  await page.waitForFunction(() => ((globalThis as any).document.querySelector('progress[aria-label="Progress"]')?.value ?? 0) >= 20, undefined, { timeout: 30_000 });
  await page.screenshot({ path: `${outDir}/dashboard-job.png` });
  await page.goto(`${server.url}/dashboard/overview`);
  await page.locator('.chart canvas').first().waitFor();
  await page.screenshot({ path: `${outDir}/dashboard-overview.png` });
  await browser.close();
  console.log(`wrote ${outDir}/dashboard-{jobs,job,overview}.png`);
} finally {
  await server.close();
}
