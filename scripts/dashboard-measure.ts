// Measures the dashboard once, for the closing note (not part of npm test): the bytes a
// first load transfers (sign-in page, then the first jobs list), and the time to the first render
// of a list of 100 jobs with a million jobs in the store (SQLite file, the account holding them all).
// Run: npx tsx scripts/dashboard-measure.ts [jobs] (default 1000000). Targets 127.0.0.1 only.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { chromium } from 'playwright-core';
import { newId } from '../src/domain/index.js';
import { chromiumLaunchOptions } from '../src/jobtypes/render/browserPool.js';
import { type ServeConfig, startServer } from '../src/runtime/index.js';

const JOBS = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'longrun-dash-measure-'));
const adminKey = 'measure-admin-key';
const config: ServeConfig = { host: '127.0.0.1', port: 0, db: `sqlite:${join(dir, 'longrun.db')}`, durability: 'relaxed', workers: 0, graceMs: 100, bodyLimit: 1 << 20, logLevel: 'silent', adminKey };

async function call(url: string, method: string, path: string, key: string, body?: unknown): Promise<any> {
  const response = await fetch(`${url}${path}`, { method, headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

try {
  // 1. A server makes the schema, the account and one job to copy; then the copies go in directly.
  let server = await startServer(config);
  const { apiKey } = await call(server.url, 'POST', '/v1/admin/accounts', adminKey, { name: 'big', credits: null });
  const later = new Date(Date.now() + 86_400_000).toISOString();
  const template = await call(server.url, 'POST', '/v1/jobs', apiKey.key, { type: 'demo/sleep', input: { durationMs: 10 }, runAt: later, metadata: { batch: 'measure' } });
  await server.close();
  const db = new Database(join(dir, 'longrun.db'));
  const columns = (db.prepare('PRAGMA table_info(jobs)').all() as { name: string }[]).map((c) => c.name);
  const picks = columns.map((c) => (c === 'id' ? '@id' : c === 'created_at' ? '@created' : c)).join(', ');
  const copy = db.prepare(`INSERT INTO jobs (${columns.join(', ')}) SELECT ${picks} FROM jobs WHERE id = @template`);
  const started = Date.now();
  const base = Date.now() - JOBS * 10;
  db.transaction(() => {
    for (let i = 0; i < JOBS; i++) copy.run({ id: newId('job', base + i * 10), created: base + i * 10, template: template.id });
  })();
  db.close();
  console.log(`inserted ${JOBS} jobs in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  // 2. The dashboard on the big store, in the bundled Chromium.
  server = await startServer(config);
  const browser = await chromium.launch(await chromiumLaunchOptions());
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', timezoneId: 'UTC' });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => (bytes += e.encodedDataLength));
  cdp.on('Network.dataReceived', () => undefined);
  await page.goto(`${server.url}/dashboard`);
  await page.getByLabel('API key or admin key').waitFor();
  const signInBytes = bytes;
  await page.getByLabel('API key or admin key').fill(apiKey.key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('table.jobs tbody tr').length === 100);
  const firstLoadBytes = bytes;
  // A fresh navigation with the key already in the tab: from the request of the page to 100 rows.
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    await page.goto(`${server.url}/dashboard/jobs`);
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('table.jobs tbody tr').length === 100);
    times.push(await page.evaluate(() => (globalThis as any).performance.now()));
  }
  const total = await page.getByText(/matching jobs/).textContent();
  await browser.close();
  await server.close();
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({
    jobs: JOBS,
    signInPageBytes: signInBytes,
    firstLoadBytesThroughFirstList: firstLoadBytes,
    firstRenderOf100JobsMs: { median: Math.round(times[2]!), min: Math.round(times[0]!), max: Math.round(times[4]!) },
    listShows: total,
  }, null, 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
