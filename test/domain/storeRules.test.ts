// The rules both store drivers apply inside their transactions, tested once here with plain data
// (the contract suite checks that each driver applies them).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  IdempotencyKeyReusedError,
  InsufficientCreditsError,
  InvalidRequestError,
  JobNotCancellableError,
  JobNotFoundError,
  JobNotPurgeableError,
  NotFoundError,
  accountNotFound,
  cancelRefusal,
  checkBalanceFloor,
  checkCredits,
  checkPurgeable,
  compareClaimOrder,
  compareDeliveryOrder,
  compareIds,
  idempotencyOutcome,
  isIdempotencyRecordLive,
  liveWebhookSecrets,
} from '../../src/domain/index.js';

const at = (ms: number) => new Date(ms);

describe('idempotency outcome', () => {
  const record = { requestHash: 'h1', expiresAt: at(1_000) };

  it('inserts a fresh job when the key has no record, or only an expired one', () => {
    assert.deepEqual(idempotencyOutcome({ record: null, requestHash: 'h1', now: at(0), firstJob: 'job_1' }), { kind: 'insert', reason: 'fresh' });
    // Expiry is exclusive: at expiresAt the record no longer binds the key, whatever its hash.
    assert.deepEqual(idempotencyOutcome({ record, requestHash: 'h2', now: at(1_000), firstJob: 'job_1' }), { kind: 'insert', reason: 'fresh' });
    assert.equal(isIdempotencyRecordLive(record, at(999)), true);
    assert.equal(isIdempotencyRecordLive(record, at(1_000)), false);
  });

  it('replays the first job for the same request while the record is live', () => {
    assert.deepEqual(idempotencyOutcome({ record, requestHash: 'h1', now: at(999), firstJob: 'job_1' }), { kind: 'replay', job: 'job_1' });
  });

  it('throws IdempotencyKeyReusedError for another request under a live key, even when its first job is gone', () => {
    assert.throws(() => idempotencyOutcome({ record, requestHash: 'h2', now: at(0), firstJob: 'job_1' }), IdempotencyKeyReusedError);
    assert.throws(() => idempotencyOutcome({ record, requestHash: 'h2', now: at(0), firstJob: null }), IdempotencyKeyReusedError);
  });

  it('frees the key when the first job is gone (purged or deleted)', () => {
    assert.deepEqual(idempotencyOutcome({ record, requestHash: 'h1', now: at(0), firstJob: null }), { kind: 'insert', reason: 'freed' });
  });
});

describe('credits', () => {
  it('lets a balance pay a cost up to itself, and an unlimited one anything', () => {
    checkCredits(5, 5);
    checkCredits(null, 1_000_000);
    assert.throws(() => checkCredits(4, 5), (e: unknown) => e instanceof InsufficientCreditsError && e.needed === 5 && e.balance === 4);
  });

  it('refuses an adjustment below zero at /amount, and never limits an unlimited balance', () => {
    checkBalanceFloor(5, -5);
    checkBalanceFloor(null, -1_000);
    assert.throws(
      () => checkBalanceFloor(5, -6),
      (e: unknown) => e instanceof InvalidRequestError && e.errors?.[0]?.path === '/amount' && /\(5\) below zero/.test(e.message),
    );
  });

  it('names the missing account', () => {
    const error = accountNotFound('acct_x');
    assert.ok(error instanceof NotFoundError);
    assert.equal(error.message, 'Account acct_x not found');
  });
});

describe('webhook secret grace period', () => {
  const stored = { current: 'whsec_new', previous: 'whsec_old', previousExpiresAt: at(1_000) };

  it('signs with the previous secret too until it expires (exclusive)', () => {
    assert.deepEqual(liveWebhookSecrets(stored, at(999)), ['whsec_new', 'whsec_old']);
    assert.deepEqual(liveWebhookSecrets(stored, at(1_000)), ['whsec_new']);
  });

  it('signs with the current one alone when there was no rotation', () => {
    assert.deepEqual(liveWebhookSecrets({ current: 'whsec_a', previous: null, previousExpiresAt: null }, at(0)), ['whsec_a']);
  });
});

describe('cancel and purge refusals', () => {
  it('answers not found for a missing job and for another account\'s, whatever its status', () => {
    assert.ok(cancelRefusal('job_1', 'acct_a', null) instanceof JobNotFoundError);
    assert.ok(cancelRefusal('job_1', 'acct_a', { accountId: 'acct_b', status: 'completed' }) instanceof JobNotFoundError);
    assert.throws(() => checkPurgeable('job_1', 'acct_a', null), JobNotFoundError);
    assert.throws(() => checkPurgeable('job_1', 'acct_a', { accountId: 'acct_b', status: 'completed' }), JobNotFoundError);
  });

  it('answers not cancellable for the owner\'s final job, with its status', () => {
    const error = cancelRefusal('job_1', 'acct_a', { accountId: 'acct_a', status: 'failed' });
    assert.ok(error instanceof JobNotCancellableError);
    assert.equal(error.jobStatus, 'failed');
  });

  it('purges only a final job of the owner', () => {
    assert.throws(() => checkPurgeable('job_1', 'acct_a', { accountId: 'acct_a', status: 'running' }), JobNotPurgeableError);
    assert.throws(() => checkPurgeable('job_1', 'acct_a', { accountId: 'acct_a', status: 'pending' }), JobNotPurgeableError);
    for (const status of ['completed', 'failed', 'cancelled'] as const) checkPurgeable('job_1', 'acct_a', { accountId: 'acct_a', status });
  });
});

describe('claim order', () => {
  it('takes the highest priority first, then the earliest turn, then the oldest id, compared as bytes', () => {
    const jobs = [
      { id: 'job_02', priority: 0, fair_seq: 1 },
      { id: 'job_01', priority: 0, fair_seq: 1 },
      { id: 'job_03', priority: 5, fair_seq: 9 },
      { id: 'job_00', priority: 0, fair_seq: 2 },
      { id: 'job_0a', priority: 0, fair_seq: 1 },
      { id: 'job_0B', priority: 0, fair_seq: 1 },
    ];
    // 'B' (0x42) sorts before 'a' (0x61) as bytes; a locale-aware compare would put them the other way.
    assert.deepEqual(jobs.sort(compareClaimOrder).map((j) => j.id), ['job_03', 'job_01', 'job_02', 'job_0B', 'job_0a', 'job_00']);
    assert.equal(compareIds('a', 'a'), 0);
  });

  it('hands claimed deliveries out by id, oldest made first', () => {
    const deliveries = [{ id: 'whd_3' }, { id: 'whd_1' }, { id: 'whd_2' }];
    assert.deepEqual(deliveries.sort(compareDeliveryOrder).map((d) => d.id), ['whd_1', 'whd_2', 'whd_3']);
  });
});
