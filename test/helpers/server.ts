// HTTP test plumbing: a real Longrun server on 127.0.0.1 (in-memory SQLite, no workers unless
// asked), a fetch-based `request` that speaks to it as a client would, an admin-made account
// helper, and signal-based waits on the event bus so no test ever sleeps.
import assert from 'node:assert/strict';
import { type RunningServer, type ServeConfig, startServer } from '../../src/runtime/index.js';
import type { Job } from '../../src/domain/index.js';

/** TEST_ADMIN_KEY is the admin secret test servers use unless told otherwise. */
export const TEST_ADMIN_KEY = 'test-admin-key';

/** TestResponse is an answer read in full: status, headers and the parsed JSON body (null when none). */
export interface TestResponse {
  status: number;
  headers: Headers;
  // The body is untyped on purpose: tests assert on its fields directly.
  json: any;
  text: string;
}

/** RequestOptions shape one request; `body` is sent as JSON, `rawBody` as given. */
export interface RequestOptions {
  /** key is sent as X-API-Key. */
  key?: string;
  body?: unknown;
  rawBody?: string | Uint8Array;
  headers?: Record<string, string>;
}

/** TestAccount is an account made through the admin API, with its first key. */
export interface TestAccount {
  accountId: string;
  key: string;
  keyId: string;
}

/** TestServer is a started server plus the helpers tests speak to it with. */
export interface TestServer extends RunningServer {
  adminKey: string | null;
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  createAccount(options?: { credits?: number | null; name?: string }): Promise<TestAccount>;
}

/** TestServerOverrides change the test defaults; `service` is merged with them. */
export type TestServerOverrides = Partial<ServeConfig>;

/**
 * startTestServer starts a real server on a free port of 127.0.0.1: `sqlite::memory:`, no
 * workers (pass `workers: 2` to run jobs), a 1 MiB body limit, silent logs, the admin key
 * TEST_ADMIN_KEY and 10 ms retry backoff. The caller closes it.
 */
export async function startTestServer(overrides: TestServerOverrides = {}): Promise<TestServer> {
  const config: ServeConfig = {
    host: '127.0.0.1',
    port: 0,
    db: 'sqlite::memory:',
    durability: 'full',
    workers: 0,
    graceMs: 1000,
    bodyLimit: 1024 * 1024,
    logLevel: 'silent',
    adminKey: TEST_ADMIN_KEY,
    ...overrides,
    service: { retryBaseMs: 10, ...overrides.service },
  };
  const server = await startServer(config);

  async function request(method: string, path: string, options: RequestOptions = {}): Promise<TestResponse> {
    const headers: Record<string, string> = {};
    let body: string | Uint8Array | undefined;
    if (options.rawBody !== undefined) {
      body = options.rawBody;
      headers['content-type'] = 'application/json';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    if (options.key !== undefined) headers['x-api-key'] = options.key;
    Object.assign(headers, options.headers);
    const response = await fetch(`${server.url}${path}`, { method, headers, body });
    const text = await response.text();
    let json: unknown = null;
    if (text !== '' && /json/.test(response.headers.get('content-type') ?? '')) json = JSON.parse(text);
    return { status: response.status, headers: response.headers, json, text };
  }

  async function createAccount(options: { credits?: number | null; name?: string } = {}): Promise<TestAccount> {
    assert.ok(config.adminKey, 'createAccount needs a server with an admin key');
    const body: Record<string, unknown> = { name: options.name ?? 'test account' };
    if (options.credits !== undefined) body.credits = options.credits;
    const answer = await request('POST', '/v1/admin/accounts', { key: config.adminKey, body });
    assert.equal(answer.status, 201, `creating an account: ${answer.text}`);
    return { accountId: answer.json.account.id, key: answer.json.apiKey.key, keyId: answer.json.apiKey.id };
  }

  return Object.assign(server, { adminKey: config.adminKey, request, createAccount });
}

/**
 * jobReaches resolves with the job once it satisfies `predicate`: at once if its stored state
 * already does, else on the first bus change that does. It listens before it reads, so a change
 * in between is not missed.
 */
export function jobReaches(server: RunningServer, jobId: string, predicate: (job: Job) => boolean): Promise<Job> {
  return new Promise<Job>((resolve, reject) => {
    let settled = false;
    const finish = (job: Job) => {
      if (settled) return;
      settled = true;
      stop();
      resolve(job);
    };
    const stop = server.deps.bus.onJob(jobId, (change) => {
      if (predicate(change.job)) finish(change.job);
    });
    server.store.jobGet({ id: jobId }).then(
      (job) => {
        if (job && predicate(job)) finish(job);
      },
      (error: unknown) => {
        settled = true;
        stop();
        reject(error);
      },
    );
  });
}

/** jobTotal is how many jobs the account has, read from the store itself. */
export async function jobTotal(server: RunningServer, accountId: string): Promise<number> {
  return (await server.store.jobList({ accountId, limit: 1 })).total;
}

/** balance is the account's credit balance as stored (null: unlimited). */
export async function balance(server: RunningServer, accountId: string): Promise<number | null> {
  const account = await server.store.accountGet({ id: accountId });
  assert.ok(account, `account ${accountId} exists`);
  return account.creditBalance;
}

/** sleepJob is a demo/sleep create body. */
export function sleepJob(input: Record<string, unknown> = { durationMs: 0 }, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'demo/sleep', input, ...extra };
}

/** runToEnd creates a job of `type` as `account` (`extra`: more create fields) and resolves with it once it is final. */
export async function runToEnd(server: TestServer, account: TestAccount, type: string, input: unknown, extra: Record<string, unknown> = {}): Promise<Job> {
  const created = await server.request('POST', '/v1/jobs', { key: account.key, body: { type, input, ...extra } });
  assert.equal(created.status, 201, created.text);
  return jobReaches(server, created.json.id, (job) => job.status === 'completed' || job.status === 'failed' || job.status === 'cancelled');
}

/** downloadFile fetches a job's file (an `output.files[].url`) as `account`, expecting 200. */
export async function downloadFile(server: TestServer, account: TestAccount, url: string): Promise<Buffer> {
  const answer = await fetch(`${server.url}${url}`, { headers: { 'x-api-key': account.key } });
  assert.equal(answer.status, 200, `GET ${url}`);
  return Buffer.from(await answer.arrayBuffer());
}
