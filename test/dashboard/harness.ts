// Dashboard test plumbing: a real listening server (no in-process workers) whose demo/sleep jobs
// a remote worker driven by the test runs step by step, so a page sees each change when the test
// makes it, never by timing; and one Chromium shared by the file's tests.
import assert from 'node:assert/strict';
import { type DashboardBrowser, openBrowser, signIn } from '../helpers/browser.js';
import { type TestAccount, type TestServer, startTestServer } from '../helpers/server.js';
import { type ClaimedJob, issueWorkerKey, workerClient } from '../worker-protocol/helpers.js';

/** A one-page PDF, small enough to write down: what a render job would have produced. */
export const TINY_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

/** DashboardHarness is the server, an account, a worker the test drives, and the browser. */
export interface DashboardHarness {
  server: TestServer;
  account: TestAccount;
  worker: ReturnType<typeof workerClient>;
  browser: DashboardBrowser;
  /** createJob makes a demo/sleep job for `key` (default the account's). */
  createJob(extra?: Record<string, unknown>, key?: string): Promise<{ id: string }>;
  /** runningJob makes a job and claims it with the worker, so it is running. */
  runningJob(extra?: Record<string, unknown>): Promise<ClaimedJob>;
  /** failedJob makes a job that the worker fails for good with `code`. */
  failedJob(code: string, extra?: Record<string, unknown>): Promise<{ id: string }>;
  /** signedIn opens a fresh page signed in with the account key, at `path`. */
  signedIn(path?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startDashboardHarness(): Promise<DashboardHarness> {
  const server = await startTestServer({ workers: 0 });
  const account = await server.createAccount({ credits: 1000 });
  const worker = workerClient(server, (await issueWorkerKey(server, ['demo/sleep'])).key);
  const browser = await openBrowser();
  const createJob = async (extra: Record<string, unknown> = {}, key = account.key) => {
    const answer = await server.request('POST', '/v1/jobs', { key, body: { type: 'demo/sleep', input: { durationMs: 5 }, ...extra } });
    assert.equal(answer.status, 201, answer.text);
    return answer.json as { id: string };
  };
  const claimJob = async (id: string) => {
    const job = await worker.claimOne();
    assert.equal(job.id, id, 'the worker claims the job just made (no other is waiting)');
    return job;
  };
  return {
    server,
    account,
    worker,
    browser,
    createJob,
    // Jobs the worker takes get the top priority, so jobs other tests leave waiting are never
    // claimed first; a failed job one less, so its reruns wait below every job made to run.
    async runningJob(extra = {}) {
      return claimJob((await createJob({ priority: 100, ...extra })).id);
    },
    async failedJob(code, extra = {}) {
      const job = await claimJob((await createJob({ priority: 99, ...extra })).id);
      const failed = await worker.fail(job, { error: { code, message: `failed with ${code}` }, retryable: false });
      assert.equal(failed.json.status, 'failed', failed.text);
      return job;
    },
    async signedIn(path = '/dashboard') {
      await signIn(browser, server.url, account.key, path);
      await browser.page.getByRole('button', { name: 'Sign out' }).waitFor();
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
