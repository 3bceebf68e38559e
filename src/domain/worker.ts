/**
 * Remote workers: the keys they present and the record of who was seen, and why a lease they
 * report into is no longer theirs. A remote worker speaks the HTTP worker protocol (/v1/worker/*).
 */
import type { Job, JsonValue } from './job.js';

/**
 * WorkerKey is a stored worker key: it may claim jobs of `types` only, across every account,
 * which is why no account key may ever claim. Only the SHA-256 hash of its secret is kept.
 */
export interface WorkerKey {
  id: string;
  name: string;
  /** types are the exact job type names the key may claim. */
  types: string[];
  /** secretHash is the hex SHA-256 of the whole secret (`lrw_…`). */
  secretHash: string;
  last4: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** WorkerContact is what a claim tells about the remote worker that sent it. */
export interface WorkerContact {
  id: string;
  /** keyId is the worker key it used; name is that key's name. */
  keyId: string;
  name: string;
  /** host is what the worker says it runs on, else the address it called from. */
  host: string | null;
  types: string[];
  concurrency: number;
  now: Date;
}

/** RemoteWorker is a remote worker as operators see it. */
export interface RemoteWorker {
  id: string;
  keyId: string;
  name: string;
  host: string | null;
  types: string[];
  concurrency: number;
  /** jobsInHand counts the jobs it holds a lease on now. */
  jobsInHand: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

/**
 * AttemptRecord is what the protocol needs of a job beyond the Job itself: the checkpoint the
 * last heartbeat stored (handed to the next attempt) and the lease token of the attempt that
 * ended last (to recognise a repeated `complete` and to say why a lease was lost).
 */
export interface AttemptRecord {
  job: Job;
  checkpoint: JsonValue | null;
  lastLeaseToken: string | null;
}

/** LeaseLostReason says why a lease a worker presents is no longer current. */
export type LeaseLostReason = 'cancelled' | 'expired' | 'timeout' | 'superseded';

/**
 * leaseLostReason derives, from the job as stored, why `leaseToken` no longer holds it:
 * - cancelled: a client cancelled the job;
 * - timeout: this attempt ran past the job's timeoutMs and was failed for it;
 * - expired: this attempt's lease ran out without a heartbeat and the reaper took the job back;
 * - superseded: anything else: another attempt holds or held the job since (it was reclaimed),
 *   or this attempt already ended (completed, failed or released).
 */
export function leaseLostReason(record: AttemptRecord | null, leaseToken: string): LeaseLostReason {
  if (!record) return 'superseded';
  const { job, lastLeaseToken } = record;
  if (job.status === 'cancelled') return 'cancelled';
  // Only the attempt that ended last can have ended by timeout or expiry; a newer claim supersedes it.
  if (job.status !== 'running' && lastLeaseToken === leaseToken) {
    if (job.error?.code === 'timeout') return 'timeout';
    if (job.error?.code === 'lease_expired') return 'expired';
  }
  return 'superseded';
}

/** attemptDeadline is when a running attempt's time is up: its start plus the job's timeoutMs. */
export function attemptDeadline(job: Pick<Job, 'startedAt' | 'timeoutMs'>): Date | null {
  return job.startedAt === null ? null : new Date(job.startedAt.getTime() + job.timeoutMs);
}

/** WORKER_KEY_TYPE is the pattern of a type name a worker key may list (the job type names' own). */
export const WORKER_KEY_TYPE = '^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*$';
