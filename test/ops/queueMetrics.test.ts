// /metrics beyond HTTP: queue depth, oldest-pending age and running jobs per type (read from the
// store's counters and index at scrape time, on an injected clock), webhook attempts by outcome
// with their latency, Chromium launches that failed and jobs that failed by type — each scraped
// from a real server.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/index.js';
import { startReceiver } from '../helpers/receiver.js';
import { jobReaches, sleepJob, startTestServer } from '../helpers/server.js';

/** sample reads one sample's value from Prometheus text (undefined when absent). */
function sample(text: string, name: string, labels = ''): number | undefined {
  const escaped = `${name}${labels ? `{${labels}}` : ''}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^${escaped} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

describe('GET /metrics: queue, webhooks and render', () => {
  it('reports pending jobs, the oldest due one’s wait and running jobs per type, on the server’s clock', async (t) => {
    const clock = new ManualClock('2026-03-01T10:00:00.000Z');
    const server = await startTestServer({ clock });
    t.after(() => server.close());
    const { key } = await server.createAccount();
    for (let i = 0; i < 3; i++) assert.equal((await server.request('POST', '/v1/jobs', { key, body: sleepJob() })).status, 201);
    // Scheduled for later: waiting, but not overdue.
    const later = new Date(clock.now().getTime() + 3_600_000).toISOString();
    assert.equal((await server.request('POST', '/v1/jobs', { key, body: { ...sleepJob(), runAt: later } })).status, 201);
    clock.advance(45_000);
    await server.store.jobClaim({ workerId: 'test-worker', types: ['demo/sleep'], now: clock.now(), leaseMs: 60_000, limit: 1 });

    const text = (await server.request('GET', '/metrics')).text;
    assert.equal(sample(text, 'longrun_queue_pending_jobs', 'type="demo/sleep"'), 3);
    assert.equal(sample(text, 'longrun_running_jobs', 'type="demo/sleep"'), 1);
    assert.equal(sample(text, 'longrun_queue_oldest_pending_seconds', 'type="demo/sleep"'), 45);
    // A type no job has had yet shows as 0, so alerts have a series from the start.
    assert.equal(sample(text, 'longrun_queue_pending_jobs', 'type="html/pdf"'), 0);
    assert.equal(sample(text, 'longrun_queue_oldest_pending_seconds', 'type="html/pdf"'), 0);

    clock.advance(15_000);
    const again = (await server.request('GET', '/metrics')).text;
    assert.equal(sample(again, 'longrun_queue_oldest_pending_seconds', 'type="demo/sleep"'), 60);
  });

  it('reports pending and running jobs and the oldest wait per account: the 10 with the most pending, the rest as "other"', async (t) => {
    const clock = new ManualClock('2026-03-01T10:00:00.000Z');
    const server = await startTestServer({ clock });
    t.after(() => server.close());
    // Twelve accounts: account i has i + 1 pending jobs, so the two with one and two fall outside the top ten.
    const accounts = [];
    for (let i = 0; i < 12; i++) {
      const account = await server.createAccount({ name: `a${i}` });
      accounts.push(account);
      for (let j = 0; j <= i; j++) assert.equal((await server.request('POST', '/v1/jobs', { key: account.key, body: sleepJob() })).status, 201);
      clock.advance(1_000);
    }
    clock.advance(30_000);
    const biggest = accounts[11]!;
    const [started] = await server.store.jobClaim({ workerId: 'w', types: ['demo/sleep'], now: clock.now(), leaseMs: 60_000, limit: 1 });
    // The first account's one job took the first turn.
    assert.equal(started?.accountId, accounts[0]!.accountId);

    const text = (await server.request('GET', '/metrics')).text;
    const label = (id: string) => `account="${id}"`;
    assert.equal(sample(text, 'longrun_account_pending_jobs', label(biggest.accountId)), 12);
    assert.equal(sample(text, 'longrun_account_running_jobs', label(biggest.accountId)), 0);
    // The biggest account's jobs were made last: 1 s and 30 s before the scrape.
    assert.equal(sample(text, 'longrun_account_oldest_pending_seconds', label(biggest.accountId)), 31);
    assert.equal(sample(text, 'longrun_account_pending_jobs', label(accounts[0]!.accountId)), undefined, 'outside the top ten: no label of its own');
    assert.equal(sample(text, 'longrun_account_pending_jobs', 'account="other"'), 2, 'the two smallest accounts add up under "other"');
    assert.equal(sample(text, 'longrun_account_running_jobs', 'account="other"'), 1);
    assert.equal((text.match(/^longrun_account_pending_jobs\{/gm) ?? []).length, 11, 'ten accounts and "other"');
  });

  it('counts webhook attempts by outcome and times them', async (t) => {
    const receiver = await startReceiver();
    t.after(() => receiver.close());
    receiver.answer({ status: 500 }, { status: 204 });
    // A 1 ms retry delay, so the second attempt is due at once and the test waits on the receiver, not a timer.
    const server = await startTestServer({ workers: 1, sweepMs: 20, service: { allowPrivateTargets: true, webhookRetrySchedule: [1] } });
    t.after(() => server.close());
    const { key } = await server.createAccount();
    assert.equal((await server.request('POST', '/v1/jobs', { key, body: sleepJob({ durationMs: 0 }, { webhookUrl: receiver.url }) })).status, 201);
    await receiver.request(1);
    await server.webhooks!.idle();

    const text = (await server.request('GET', '/metrics')).text;
    assert.equal(sample(text, 'longrun_webhook_attempts_total', 'outcome="retrying"'), 1);
    assert.equal(sample(text, 'longrun_webhook_attempts_total', 'outcome="succeeded"'), 1);
    assert.equal(sample(text, 'longrun_webhook_attempts_total', 'outcome="failed"'), 0);
    assert.equal(sample(text, 'longrun_webhook_attempt_duration_seconds_count', 'outcome="retrying"'), 1);
    assert.equal(sample(text, 'longrun_webhook_attempt_duration_seconds_count', 'outcome="succeeded"'), 1);
  });

  it('counts a Chromium that would not start as a failed launch, and its deferred job as no failure', async (t) => {
    // The server's clock stands still, so the deferred job (due 1 s later) is not claimed again.
    const clock = new ManualClock('2026-03-01T10:00:00.000Z');
    const server = await startTestServer({ workers: 1, clock, render: { chromiumPath: '/nonexistent/chromium' } });
    t.after(() => server.close());
    const { key } = await server.createAccount();
    const before = (await server.request('GET', '/metrics')).text;
    assert.equal(sample(before, 'longrun_render_browser_launches_total', 'outcome="failed"'), 0);
    const created = await server.request('POST', '/v1/jobs', { key, body: { type: 'html/pdf', input: { html: '<p>hi</p>' }, maxAttempts: 1 } });
    assert.equal(created.status, 201, created.text);
    await jobReaches(server, created.json.id, (job) => job.status === 'pending' && job.error?.code === 'browser_unavailable');

    const text = (await server.request('GET', '/metrics')).text;
    assert.equal(sample(text, 'longrun_render_browser_launches_total', 'outcome="failed"'), 1);
    assert.equal(sample(text, 'longrun_render_browser_launches_total', 'outcome="started"'), 0);
    // The job waits for a browser (browser_unavailable): not a failed job of its type.
    assert.equal(sample(text, 'longrun_jobs_failed_total', 'type="html/pdf"'), 0);
    assert.equal(sample(text, 'longrun_queue_pending_jobs', 'type="html/pdf"'), 1);
  });
});
