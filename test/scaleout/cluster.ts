// Scale-out test plumbing: a fresh PostgreSQL schema per test, `longrun serve` and `longrun worker`
// processes on it, an HTTP client that speaks to them as any client would, and the clean-up (kill
// every child, drop the schema) registered on the test itself so nothing outlives it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import pg from 'pg';
import { type LongrunProcess, spawnLongrun } from '../helpers/processes.js';

/** POSTGRES_URL is the database the scale-out tests make and drop schemas in. */
export const POSTGRES_URL = process.env.LONGRUN_TEST_POSTGRES_URL;

/** SKIP_WITHOUT_POSTGRES is the describe() option that skips a suite when there is no database. */
export const SKIP_WITHOUT_POSTGRES = POSTGRES_URL ? {} : { skip: 'LONGRUN_TEST_POSTGRES_URL is not set' };

/** ADMIN_KEY is the LONGRUN_ADMIN_KEY of every API process these tests start. */
export const ADMIN_KEY = 'scaleout-admin-key';

/** Answer is one HTTP answer read in full. */
export interface Answer {
  status: number;
  headers: Headers;
  // Untyped on purpose: tests assert on its fields directly.
  json: any;
  text: string;
}

/** call sends one request to `base` (a node's URL) and reads the whole answer. */
export async function call(
  base: string,
  method: string,
  path: string,
  options: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== undefined) headers['x-api-key'] = options.key;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let json: unknown = null;
  if (text !== '' && /json/.test(response.headers.get('content-type') ?? '')) json = JSON.parse(text);
  return { status: response.status, headers: response.headers, json, text };
}

/** ApiNode is a started `longrun serve` process and its URL. */
export interface ApiNode {
  process: LongrunProcess;
  url: string;
}

/** WorkerNode is a started `longrun worker` process and the worker id it printed. */
export interface WorkerNode {
  process: LongrunProcess;
  workerId: string;
}

/** Cluster is one test's schema and the processes it started on it. */
export interface Cluster {
  schema: string;
  /** db is the `--db` value of every process: the test database with `?schema=`. */
  db: string;
  /** sql runs a statement on an admin connection whose search_path is the schema. */
  sql<T = any>(text: string, params?: unknown[]): Promise<T[]>;
  /** admin is that connection itself (its backend is never one the tests cut). */
  admin: pg.Client;
  /** api starts `longrun serve --port 0 --rate-limit 0` plus `args`, and waits until it listens. */
  api(name: string, args?: string[]): Promise<ApiNode>;
  /** worker starts `longrun worker` plus `args`, and waits until it says it runs. */
  worker(name: string, args?: string[]): Promise<WorkerNode>;
  /** createAccount makes an account through `node`'s admin API and returns its id and key. */
  createAccount(node: ApiNode, credits: number | null): Promise<{ accountId: string; key: string }>;
  /** processes are every child started so far. */
  processes: LongrunProcess[];
}

/**
 * openCluster makes a fresh schema `longrun_scale_<hex>` and registers, on `t`, the clean-up that
 * kills every process started through the cluster and drops the schema.
 */
export async function openCluster(t: TestContext): Promise<Cluster> {
  assert.ok(POSTGRES_URL, 'LONGRUN_TEST_POSTGRES_URL is not set');
  const schema = `longrun_scale_${randomBytes(6).toString('hex')}`;
  const target = new URL(POSTGRES_URL);
  target.searchParams.set('schema', schema);
  const db = target.toString();
  const dataDir = mkdtempSync(join(tmpdir(), 'longrun-scale-'));
  const processes: LongrunProcess[] = [];
  const admin = new pg.Client({ connectionString: POSTGRES_URL, options: `-c search_path=${schema}`, application_name: 'longrun scaleout test admin' });
  await admin.connect();

  t.after(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
    await admin.end().catch(() => {});
    const dropper = new pg.Client({ connectionString: POSTGRES_URL });
    await dropper.connect();
    try {
      await dropper.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await dropper.end();
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  const common = ['--db', db, '--data-dir', dataDir];
  const env = { LONGRUN_ADMIN_KEY: ADMIN_KEY };
  const cluster: Cluster = {
    schema,
    db,
    admin,
    processes,
    async sql<T>(text: string, params: unknown[] = []) {
      return (await admin.query(text, params)).rows as T[];
    },
    async api(name, args = []) {
      const child = spawnLongrun(name, ['serve', '--port', '0', '--rate-limit', '0', ...common, ...args], env);
      processes.push(child);
      const [, url] = await child.waitForLine(/^listening on (http:\/\/\S+)$/);
      return { process: child, url: url! };
    },
    async worker(name, args = []) {
      const child = spawnLongrun(name, ['worker', ...common, ...args], env);
      processes.push(child);
      const [, workerId] = await child.waitForLine(/^worker (\S+) running /);
      return { process: child, workerId: workerId! };
    },
    async createAccount(node, credits) {
      const answer = await call(node.url, 'POST', '/v1/admin/accounts', { key: ADMIN_KEY, body: { name: 'scale-out', credits } });
      assert.equal(answer.status, 201, `creating an account: ${answer.text}`);
      return { accountId: answer.json.account.id, key: answer.json.apiKey.key };
    },
  };
  return cluster;
}

/** inParallel runs `fn` over `items` with at most `limit` calls in flight, keeping their order. */
export async function inParallel<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** median of a non-empty list of numbers. */
export function median(values: readonly number[]): number {
  assert.ok(values.length > 0, 'median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** percentile p (0–100) of a non-empty list, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  assert.ok(values.length > 0, 'percentile of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** pidOfWorker reads the process id out of a default worker id (`worker-<host>-<pid>-<n>`). */
export function pidOfWorker(workerId: string): number {
  const match = /^worker-.+-(\d+)-\d+$/.exec(workerId);
  assert.ok(match, `worker id ${workerId} has the default shape worker-<host>-<pid>-<n>`);
  return Number(match[1]);
}
