// Fixture factories for store tests: build* returns a valid object, make* also writes it through
// the store's real methods. Every time is explicit (T0 and `at`), so no test depends on the wall clock.
import assert from 'node:assert/strict';
import type { Account, ApiKey, Job, JobError } from '../../src/domain/index.js';
import { newId } from '../../src/domain/index.js';
import type { Store } from '../../src/store/index.js';
import { PostgresStore } from '../../src/store/postgres/index.js';
import { SQL } from '../../src/store/postgres/queries.js';
import { jobRecord } from '../../src/store/postgres/rows.js';

/** T0 is the fixed "now" that fixtures start from. */
export const T0 = new Date('2026-01-26T12:00:00.000Z');

/** at returns the time `ms` milliseconds after `base` (T0 by default). */
export function at(ms: number, base: Date = T0): Date {
  return new Date(base.getTime() + ms);
}

/** DEFAULT_LEASE_MS is the lease makeJob claims with unless told otherwise. */
export const DEFAULT_LEASE_MS = 30_000;

/** buildAccount returns an account with 100 credits, created at T0. */
export function buildAccount(overrides: Partial<Account> = {}): Account {
  const createdAt = overrides.createdAt ?? T0;
  return {
    id: newId('acct', createdAt.getTime()),
    name: 'Test account',
    creditBalance: 100,
    webhookSecret: 'whsec_dGVzdC1zZWNyZXQ=',
    createdAt,
    ...overrides,
  };
}

/** makeAccount inserts buildAccount(overrides) and returns it. */
export async function makeAccount(store: Store, overrides: Partial<Account> = {}): Promise<Account> {
  return store.accountInsert({ account: buildAccount(overrides) });
}

/** buildApiKey returns a live key of `accountId`. */
export function buildApiKey(accountId: string, overrides: Partial<ApiKey> = {}): ApiKey {
  const createdAt = overrides.createdAt ?? T0;
  return {
    id: newId('key', createdAt.getTime()),
    accountId,
    secretHash: 'a'.repeat(64),
    last4: 'a1b2',
    createdAt,
    revokedAt: null,
    ...overrides,
  };
}

/**
 * buildJob returns a valid pending job as the store expects it on insert: eventSeq 1, nothing
 * run yet, its id made at `createdAt` (ids sort by time) and runAt = createdAt unless overridden.
 */
export function buildJob(overrides: Partial<Job> = {}): Job {
  const createdAt = overrides.createdAt ?? T0;
  return {
    id: newId('job', createdAt.getTime()),
    type: 'test/echo',
    status: 'pending',
    progress: 0,
    statusMessage: null,
    priority: 0,
    input: {},
    privateInput: null,
    output: null,
    error: null,
    attempts: 0,
    maxAttempts: 3,
    timeoutMs: 60_000,
    accountId: newId('acct', createdAt.getTime()),
    apiKeyId: null,
    apiKeyUsed: null,
    worker: null,
    size: 0,
    processTime: 0,
    creditsCharged: 1,
    creditsRefunded: 0,
    originalJobId: null,
    webhookUrl: null,
    webhookEvents: ['job.completed', 'job.failed', 'job.cancelled'],
    webhookFormat: null,
    metadata: {},
    runAt: createdAt,
    startBy: null,
    after: null,
    hasDependents: false,
    createdAt,
    startedAt: null,
    completedAt: null,
    failedAt: null,
    cancelledAt: null,
    updatedAt: createdAt,
    leaseToken: null,
    leaseExpiresAt: null,
    eventSeq: 1,
    ...overrides,
  };
}

/**
 * insertPendingJobs writes `jobs` (pending, of accounts with an unlimited balance) as creates
 * without an idempotency key write them, in id order, and returns them as stored. On PostgreSQL
 * that is one statement, SQL.jobCreateGroup: the statement the driver writes creates asked at once
 * with (groupWrites.ts), so the same job, event and ledger rows and the same row triggers (each
 * job's fair_seq turn) as jobInsertAll, which sends one statement per job (10,000 took ~9 s).
 * Elsewhere it is jobInsertAll, one in-process transaction.
 */
export async function insertPendingJobs(store: Store, jobs: readonly Job[]): Promise<Job[]> {
  if (!(store instanceof PostgresStore)) return (await store.jobInsertAll(jobs.map((job) => ({ job, idempotency: null })))).map((w) => w.job);
  const params = [JSON.stringify(jobs.map(jobRecord)), jobs.map((j) => j.id), jobs.map((j) => newId('led', j.createdAt.getTime())), store.instanceId];
  const written = await store.pool.query<{ id: string }>(SQL.jobCreateGroup, params);
  assert.equal(written.rowCount, jobs.length, 'the group create wrote every job: pending, and of unlimited accounts');
  return [...jobs];
}

/** The fields the store sets as a job moves on: makeJob never inserts them, and reads some to drive the job. */
const DRIVEN = [
  'status', 'progress', 'output', 'error', 'attempts', 'worker', 'size', 'processTime', 'creditsRefunded', 'startedAt',
  'completedAt', 'failedAt', 'cancelledAt', 'updatedAt', 'leaseToken', 'leaseExpiresAt', 'eventSeq', 'hasDependents',
] as const;

/**
 * makeJob inserts a pending job and, when `overrides.status` asks for more, drives it there
 * through the real store methods: jobClaim (at `startedAt`, default runAt), then jobComplete,
 * jobFail (no retry) or jobCancel (at `completedAt`/`failedAt`/`cancelledAt`, default 1 s later).
 * Without `accountId` it first makes an unlimited account. Returns the job as stored.
 * The claim takes the oldest due job of the type, so make the jobs you drive before pending jobs of
 * the same type (or give them their own type); otherwise makeJob hands the other job back and throws.
 */
export async function makeJob(store: Store, overrides: Partial<Job> = {}): Promise<Job> {
  const accountId = overrides.accountId ?? (await makeAccount(store, { creditBalance: null })).id;
  const insert: Partial<Job> = { ...overrides, accountId };
  for (const field of DRIVEN) delete insert[field];
  const { job } = await store.jobInsert({ job: buildJob(insert), idempotency: null });
  const status = overrides.status ?? 'pending';
  if (status === 'pending') return job;

  const startedAt = overrides.startedAt ?? job.runAt;
  const leaseMs = overrides.leaseExpiresAt ? overrides.leaseExpiresAt.getTime() - startedAt.getTime() : DEFAULT_LEASE_MS;
  const running = await claimExactly(store, job, { workerId: overrides.worker ?? 'worker-1', now: startedAt, leaseMs });
  const lease = { id: job.id, leaseToken: running.leaseToken! };
  const processTime = overrides.processTime ?? 1_000;
  switch (status) {
    case 'running':
      return running;
    case 'completed':
      return store.jobComplete({
        ...lease,
        now: overrides.completedAt ?? at(processTime, startedAt),
        output: overrides.output ?? null,
        size: overrides.size ?? 0,
        processTime,
      });
    case 'failed': {
      const error: JobError = overrides.error ?? { code: 'boom', message: 'it broke' };
      return store.jobFail({ ...lease, now: overrides.failedAt ?? at(processTime, startedAt), error, processTime, retryAt: null });
    }
    case 'cancelled':
      return store.jobCancel({ id: job.id, accountId, now: overrides.cancelledAt ?? at(1_000, startedAt) });
  }
}

/** claimExactly claims `job` and nothing else, or throws (handing back whatever it took). */
async function claimExactly(store: Store, job: Job, p: { workerId: string; now: Date; leaseMs: number }): Promise<Job> {
  const [claimed] = await store.jobClaim({ ...p, types: [job.type], limit: 1 });
  if (claimed?.id === job.id) return claimed;
  if (claimed) await store.jobRelease({ id: claimed.id, leaseToken: claimed.leaseToken!, now: p.now });
  throw new Error(`makeJob: could not claim ${job.id} (${claimed ? `${claimed.id} came first` : 'nothing was due'}); give it its own type or time`);
}

/** idempotency returns the idempotency part of a jobInsert, expiring a day after T0 by default. */
export function idempotency(key: string, requestHash: string, expiresAt: Date = at(86_400_000)) {
  return { key, requestHash, expiresAt };
}
