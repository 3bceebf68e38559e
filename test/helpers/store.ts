// Store test plumbing: a fresh store per test, and assertions for the store's typed errors.
import assert from 'node:assert/strict';
import { afterEach, beforeEach } from 'node:test';
import type { LongrunError } from '../../src/domain/index.js';
import { jobView } from '../../src/http/jobView.js';
import { type WebhookFormats, webhookDeliveryPolicy } from '../../src/service/webhookDeliveries.js';
import type { Store, WatchNote } from '../../src/store/index.js';

/** TEST_WEBHOOK_FORMAT names the one other payload shape the test stores know. */
export const TEST_WEBHOOK_FORMAT = 'test-format';

/** TEST_WEBHOOK_FORMATS stand in for the dialects' formats: a body `{event, jobId}`, and a header of the secrets and the body's length. */
export const TEST_WEBHOOK_FORMATS: WebhookFormats = {
  [TEST_WEBHOOK_FORMAT]: {
    payload: (job, event) => ({ event, jobId: job.id }),
    headers: ({ body, secrets }) => ({ 'x-test-signed': `${secrets.join('|')}:${body.length}` }),
  },
};

/**
 * webhookDeliveries is the policy the runtime opens every store with: the service's, with the
 * API's job view, and TEST_WEBHOOK_FORMATS in place of the dialects' formats.
 */
export const webhookDeliveries = webhookDeliveryPolicy(jobView, TEST_WEBHOOK_FORMATS);

/** OpenStore opens a fresh, empty store; the contract suite calls it before every test. */
export type OpenStore = () => Promise<Store>;

/**
 * useFreshStore opens a store before each test of the enclosing describe and closes it after;
 * the returned function gives the current test's store.
 */
export function useFreshStore(open: OpenStore): () => Store {
  return useFresh(open, (store) => store.close(), 'no store: useFreshStore opens one per test');
}

/** useFresh opens a `T` before each test of the enclosing describe and closes it after; the returned function gives it. */
function useFresh<T>(open: () => Promise<T>, close: (opened: T) => Promise<void>, missing: string): () => T {
  let opened: T | undefined;
  beforeEach(async () => {
    opened = await open();
  });
  afterEach(async () => {
    if (opened !== undefined) await close(opened);
    opened = undefined;
  });
  return () => {
    if (opened === undefined) throw new Error(missing);
    return opened;
  };
}

/**
 * StorePair is two stores on one fresh database, as two processes sharing it: `watching` settles
 * once a `watch` started on `second` is sure to hear later commits (PostgreSQL's LISTEN connection
 * is up; SQLite's watch is at once), and `close` closes both and drops what the pair made.
 */
export interface StorePair {
  first: Store;
  second: Store;
  watching(): Promise<void>;
  close(): Promise<void>;
}

/** OpenStorePair opens a StorePair; the contract's cross-process tests call it per test. */
export type OpenStorePair = () => Promise<StorePair>;

/**
 * useFreshPair opens a StorePair before each test of the enclosing describe and closes it after;
 * the returned function gives the current test's pair.
 */
export function useFreshPair(openPair: OpenStorePair): () => StorePair {
  return useFresh(openPair, (pair) => pair.close(), 'no store pair: useFreshPair opens one per test');
}

type ErrorClass<E> = abstract new (...args: never[]) => E;

/** rejectsWith asserts that `promise` rejects with an instance of `type` carrying `code`, and returns the error. */
export async function rejectsWith<E extends LongrunError>(promise: Promise<unknown>, type: ErrorClass<E>, code: string): Promise<E> {
  let caught: unknown;
  await assert.rejects(promise, (error: unknown) => {
    caught = error;
    return true;
  });
  assert.ok(caught instanceof type, `expected ${type.name}, got ${String(caught)}`);
  assert.equal((caught as E).code, code);
  return caught as E;
}

/** balanceOf returns the account's credit balance (null: unlimited). */
export async function balanceOf(store: Store, accountId: string): Promise<number | null> {
  const account = await store.accountGet({ id: accountId });
  assert.ok(account, `account ${accountId} exists`);
  return account.creditBalance;
}

/** watchCalls counts a watch callback's calls, keeps the notes, and lets a test wait for the nth, failing after 5 s. */
export function watchCalls() {
  let count = 0;
  const notes: WatchNote[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  return {
    get count() {
      return count;
    },
    notes,
    fn: (note: WatchNote) => {
      count++;
      notes.push(note);
      for (const waiter of waiters.filter((w) => w.n <= count)) waiter.resolve();
    },
    reach: (n: number) =>
      new Promise<void>((resolve, reject) => {
        if (count >= n) return resolve();
        const guard = setTimeout(() => reject(new Error(`watch called ${count} times, waited for ${n}`)), 5_000);
        waiters.push({ n, resolve: () => (clearTimeout(guard), resolve()) });
      }),
  };
}
