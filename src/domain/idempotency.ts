/**
 * The idempotency rule both store drivers apply inside jobInsert's transaction: what a second
 * request with the same Idempotency-Key gets. The drivers read the record (and its first job) and
 * write what the outcome says; the decision is made here, once.
 */
import { IdempotencyKeyReusedError } from './errors.js';

/** IdempotencyRecord is what the store remembers of a key's first request. */
export interface IdempotencyRecord {
  requestHash: string;
  expiresAt: Date;
}

/**
 * IdempotencyOutcome says what jobInsert does: `replay` the first job and write nothing, or
 * `insert` the new job and record the key for it (`fresh`: no live record; `freed`: a live record
 * whose job is gone, purged or deleted by retention, so the key is free again and the record is
 * overwritten).
 */
export type IdempotencyOutcome<J> = { kind: 'replay'; job: J } | { kind: 'insert'; reason: 'fresh' | 'freed' };

/**
 * idempotencyOutcome decides a request with an Idempotency-Key: no record or an expired one is
 * fresh; a live one with another request hash throws IdempotencyKeyReusedError; a live one with
 * the same hash replays its first job (`firstJob`), or frees the key when that job is gone.
 */
export function idempotencyOutcome<J>(p: {
  record: IdempotencyRecord | null;
  requestHash: string;
  now: Date;
  firstJob: J | null;
}): IdempotencyOutcome<J> {
  if (p.record === null || !isIdempotencyRecordLive(p.record, p.now)) return { kind: 'insert', reason: 'fresh' };
  if (p.record.requestHash !== p.requestHash) throw new IdempotencyKeyReusedError();
  if (p.firstJob !== null) return { kind: 'replay', job: p.firstJob };
  return { kind: 'insert', reason: 'freed' };
}

/**
 * isIdempotencyRecordLive says whether a record still binds its key at `now`: until its expiry,
 * exclusive. PostgreSQL's idempotencyClaim states the same bound in SQL (`expires_at <= now` may
 * be taken over), because it must decide under the row lock.
 */
export function isIdempotencyRecordLive(record: { expiresAt: Date }, now: Date): boolean {
  return record.expiresAt.getTime() > now.getTime();
}
