// The dashboard in a real headless Chromium against a real listening server: sign-in, live
// progress, cancel, filters in the URL, bulk rerun, a PDF preview, and what a key may see; every
// change comes from the test driving a remote worker, and every wait is for a state, not a time.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { type DashboardHarness, TINY_PDF, startDashboardHarness } from './harness.js';

// The callbacks given to page.evaluate run in the page; the project compiles without the DOM's types.
declare const document: any;
declare const sessionStorage: any;

/** progressOf is the value of the job page's progress bar. */
const progressOf = (page: Page) => page.getByRole('progressbar', { name: 'Progress', exact: true }).evaluate((bar) => (bar as any).value);

/** waitForProgress waits until the job page's bar shows `value`. */
const waitForProgress = (page: Page, value: number) =>
  page.waitForFunction((v) => (document.querySelector('progress[aria-label="Progress"]') as any)?.value === v, value);

describe('dashboard in Chromium', () => {
  let h: DashboardHarness;
  before(async () => {
    h = await startDashboardHarness();
  });
  after(async () => {
    await h.close();
  });

  it('refuses a wrong key with a clear message and keeps nothing, then signs in with the right one', async () => {
    const page = await h.browser.newPage();
    await page.goto(`${h.server.url}/dashboard`);
    await page.getByLabel('API key or admin key').fill('lr_wrong_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.match(await page.getByRole('alert').textContent() ?? '', /refused.*not a valid account key or the admin key/);
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    assert.equal(await page.evaluate(() => document.cookie), '');
    await page.getByLabel('API key or admin key').fill(h.account.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Jobs' }).waitFor();
    assert.equal(await page.evaluate(() => document.cookie), '', 'no cookie, so no CSRF surface');
    const answer = await page.request.get(`${h.server.url}/dashboard`);
    assert.match(answer.headers()['content-security-policy']!, /script-src 'self'/);
  });

  it('follows a running job’s progress to 100 without a reload', async () => {
    const job = await h.runningJob();
    await h.signedIn(`/dashboard/jobs/${job.id}`);
    const page = h.browser.page;
    let loads = 0;
    page.on('load', () => loads++);
    await page.getByRole('heading', { name: /demo\/sleep/ }).waitFor();
    assert.equal(await progressOf(page), 0);
    for (const [progress, message] of [[30, 'rendering'], [70, 'almost there']] as const) {
      assert.equal((await h.worker.heartbeat(job, { progress, statusMessage: message })).status, 200);
      await waitForProgress(page, progress);
      await page.getByText(message, { exact: true }).waitFor();
    }
    assert.equal((await h.worker.complete(job, { done: true })).status, 200);
    await waitForProgress(page, 100);
    await page.locator('.status-completed').first().waitFor();
    await page.getByText('progress 70%: almost there').waitFor(); // the timeline kept the step
    assert.equal(loads, 0, 'no reload');
  });

  it('cancels a running job from its page: cancelled and refunded', async () => {
    const job = await h.runningJob();
    await h.signedIn(`/dashboard/jobs/${job.id}`);
    const page = h.browser.page;
    await page.getByRole('button', { name: 'Cancel job' }).click();
    await page.getByRole('status').filter({ hasText: 'Cancelled; 1 credit refunded.' }).waitFor();
    await page.locator('.status-cancelled').first().waitFor();
    const stored = await h.server.request('GET', `/v1/jobs/${job.id}`, { key: h.account.key });
    assert.deepEqual([stored.json.status, stored.json.creditsRefunded], ['cancelled', 1]);
  });

  it('shows what a waiting job waits for, linked, and which of those are done', async () => {
    const running = await h.runningJob();
    const done = await h.runningJob();
    assert.equal((await h.worker.complete(done, { done: true })).status, 200);
    const created = await h.server.request('POST', '/v1/jobs', {
      key: h.account.key, body: { type: 'demo/sleep', input: { durationMs: 0 }, after: [running.id, done.id] },
    });
    assert.equal(created.status, 201, created.text);
    await h.signedIn(`/dashboard/jobs/${created.json.id}`);
    const page = h.browser.page;
    const lineage = page.getByRole('region', { name: 'Lineage' });
    await lineage.getByText(/After/).waitFor();
    assert.match(await lineage.textContent() ?? '', new RegExp(`${running.id} \\(waiting for it\\).*${done.id} \\(completed\\)`));
    assert.equal(await lineage.getByRole('link', { name: running.id }).getAttribute('href'), `/dashboard/jobs/${running.id}`);
  });

  it('filters by status and by metadata: the URL changes and the list matches', async () => {
    const red = await h.createJob({ metadata: { team: 'red' } });
    const blue = await h.createJob({ metadata: { team: 'blue' } });
    await h.signedIn('/dashboard/jobs');
    const page = h.browser.page;
    const shown = () => page.locator('table.jobs tbody tr').evaluateAll((rows) => rows.map((r) => (r as any).dataset.job));
    await page.getByLabel('Status').selectOption('pending');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/status=pending/);
    await page.waitForFunction(() => [...document.querySelectorAll('table.jobs .status')].every((s) => s.textContent === 'pending'));
    const pending = (await h.server.request('GET', '/v1/jobs?status=pending&limit=100', { key: h.account.key })).json.data.map((j: { id: string }) => j.id);
    await page.waitForFunction((n) => document.querySelectorAll('table.jobs tbody tr').length === n, pending.length);
    assert.deepEqual(await shown(), pending);
    await page.getByLabel('Metadata (key:value)').fill('team:red');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/metadata=team%3Ared/);
    await page.waitForFunction(() => document.querySelectorAll('table.jobs tbody tr').length === 1);
    assert.deepEqual(await shown(), [red.id]);
    assert.ok(!(await shown()).includes(blue.id));
    // The URL is the view: a reload shows the same list.
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('table.jobs tbody tr').length === 1);
    assert.deepEqual(await shown(), [red.id]);
  });

  it('updates the list live: a row’s progress as its job runs, and a new job on top', async () => {
    const job = await h.runningJob();
    await h.signedIn('/dashboard/jobs');
    const page = h.browser.page;
    const bar = page.getByRole('progressbar', { name: `Progress of ${job.id}` });
    await bar.waitFor();
    await page.getByText('live updates on').waitFor(); // the stream is open: no change is missed from here
    let loads = 0;
    page.on('load', () => loads++);
    assert.equal((await h.worker.heartbeat(job, { progress: 40 })).status, 200);
    await page.waitForFunction((id) => document.querySelector(`progress[aria-label="Progress of ${id}"]`)?.value === 40, job.id);
    const created = await h.createJob({ runAt: new Date(Date.now() + 3_600_000).toISOString() });
    await page.waitForFunction((id) => document.querySelector('table.jobs tbody tr')?.dataset.job === id, created.id);
    assert.equal(loads, 0, 'no reload');
  });

  it('bulk reruns two failed jobs after a preview of the count', async () => {
    const failed = [await h.failedJob('bulk_a'), await h.failedJob('bulk_a')];
    await h.signedIn('/dashboard/jobs?errorCode=bulk_a');
    const page = h.browser.page;
    await page.waitForFunction(() => document.querySelectorAll('table.jobs tbody tr').length === 2);
    for (const job of failed) await page.getByRole('checkbox', { name: `Select job ${job.id}` }).check();
    await page.getByRole('button', { name: 'Rerun selected (2)' }).click();
    await page.getByRole('alertdialog').filter({ hasText: 'Rerun 2 jobs?' }).waitFor();
    await page.getByRole('button', { name: 'Yes, rerun 2' }).click();
    await page.getByRole('status').filter({ hasText: 'Rerun: 2 done.' }).waitFor();
    for (const job of failed) {
      const reruns = await h.server.request('GET', `/v1/jobs?originalJobId=${job.id}`, { key: h.account.key });
      assert.equal(reruns.json.data.length, 1, `one rerun of ${job.id}`);
    }
  });

  it('previews a PDF output file and offers it for download', async () => {
    const job = await h.runningJob();
    const uploaded = await h.worker.upload(job, 'report.pdf', TINY_PDF, 'application/pdf');
    assert.equal(uploaded.status, 201, uploaded.text);
    assert.equal((await h.worker.complete(job, { files: [uploaded.json] })).status, 200);
    await h.signedIn(`/dashboard/jobs/${job.id}`);
    const page = h.browser.page;
    const preview = page.locator('iframe[title="Preview of report.pdf"]');
    await preview.waitFor();
    const src = await preview.getAttribute('src');
    assert.match(src!, /^blob:/);
    // The frame shows the file the server sent, as a PDF (the page's CSP lets it fetch nothing but
    // the server, so the test reads the type the page saw rather than fetching the blob again).
    assert.equal(await preview.getAttribute('data-type'), 'application/pdf');
    await page.getByRole('button', { name: 'Download report.pdf' }).waitFor();
  });

  it('signs in with the admin key to the admin view: accounts, workers and job types', async () => {
    await h.worker.claim({ max: 1, host: 'gpu-box' }); // the worker is seen (it may get nothing)
    const page = await h.browser.newPage();
    await page.goto(`${h.server.url}/dashboard`);
    await page.getByLabel('API key or admin key').fill(h.server.adminKey!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Admin' }).waitFor();
    await page.getByRole('cell', { name: h.account.accountId, exact: true }).waitFor();
    await page.getByRole('cell', { name: 'gpu-box' }).waitFor();
    await page.getByRole('cell', { name: 'demo/sleep', exact: true }).first().waitFor();
    assert.equal(await page.getByRole('link', { name: 'Jobs' }).count(), 0, 'no account’s jobs until one is chosen');
    // Switching to the account: its jobs, read with the admin key acting for it.
    const mine = (await h.server.request('GET', '/v1/jobs?limit=1', { key: h.account.key })).json.data[0].id;
    await page.getByRole('button', { name: `View the jobs of test account (${h.account.accountId})` }).click();
    await page.locator(`tr[data-job="${mine}"]`).waitFor();
    await page.getByText(`viewing ${h.account.accountId}`).waitFor();
    await page.getByRole('button', { name: 'Stop viewing the account' }).click();
    await page.getByRole('heading', { name: 'Admin' }).waitFor();
  });

  it('never shows another account’s job, even at its guessed URL', async () => {
    const other = await h.server.createAccount({ credits: 10 });
    const theirs = await h.createJob({ metadata: { secret: 'theirs' } }, other.key);
    await h.signedIn(`/dashboard/jobs/${theirs.id}`);
    const page = h.browser.page;
    assert.match(await page.getByRole('alert').first().textContent() ?? '', /not found/i);
    assert.equal(await page.getByText('theirs').count(), 0);
    await page.goto(`${h.server.url}/dashboard/jobs?metadata=secret:theirs`);
    await page.getByText('0 matching jobs').waitFor();
  });

  it('makes no API request without the key that succeeds, and none to any host but the server', async () => {
    const page = await h.browser.newPage();
    await page.goto(`${h.server.url}/dashboard`);
    for (const path of ['/v1/jobs', '/v1/account', '/v1/stats', '/v1/events', '/v1/admin/accounts']) {
      const status = await page.evaluate(async (p) => (await fetch(p)).status, path);
      assert.equal(status, 401, `${path} without a key`);
    }
    await h.signedIn('/dashboard/overview');
    await h.browser.page.locator('.chart canvas').first().waitFor();
    const server = new URL(h.server.url).origin;
    const elsewhere = h.browser.requests.filter((r) => !r.url.startsWith('blob:') && !r.url.startsWith('data:') && new URL(r.url).origin !== server);
    assert.deepEqual(elsewhere, []);
    const unkeyed = h.browser.answers.filter((a) => new URL(a.url).pathname.startsWith('/v1/') && a.status < 400 && !a.keyed);
    assert.deepEqual(unkeyed, []);
    assert.deepEqual(h.browser.pageErrors, []);
  });

  it('reaches every control by keyboard, and every control has an accessible name', async () => {
    const job = await h.runningJob({ metadata: { kb: 'yes' } });
    for (const path of ['/dashboard/jobs', `/dashboard/jobs/${job.id}`]) {
      await h.signedIn(path);
      const page = h.browser.page;
      await page.locator(path.endsWith('jobs') ? 'table.jobs tbody tr' : '#timeline-title').first().waitFor();
      // Number every visible control, then Tab through the page and see which numbers get focus.
      const controls = await page.evaluate(() => {
        const all = [...document.querySelectorAll('a[href], button:not([disabled]), input, select')].filter((e) => (e as any).offsetParent !== null);
        all.forEach((e, i) => e.setAttribute('data-kb', String(i)));
        return all.length;
      });
      const reached = new Set<string>();
      await page.evaluate(() => (document.activeElement as any)?.blur());
      // A date-time field takes one Tab per part (month, day, year, …), so allow several per control.
      for (let i = 0; i < controls * 8 && reached.size < controls; i++) {
        await page.keyboard.press('Tab');
        const at = await page.evaluate(() => document.activeElement?.getAttribute('data-kb') ?? null);
        if (at !== null) reached.add(at);
      }
      assert.equal(reached.size, controls, `${path}: Tab reached ${reached.size} of ${controls} controls`);
      const cdp = await page.context().newCDPSession(page);
      const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: { ignored: boolean; role?: { value: string }; name?: { value: string } }[] };
      const unnamed = nodes.filter((n) => !n.ignored && ['button', 'link', 'textbox', 'checkbox', 'combobox', 'spinbutton', 'progressbar'].includes(n.role?.value ?? '') && !n.name?.value?.trim());
      assert.deepEqual(unnamed.map((n) => n.role?.value), [], `${path}: controls without a name`);
    }
  });
});
