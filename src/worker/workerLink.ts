import type { JobError, JobFilterRequest, JsonObject, JsonValue } from '../domain/index.js';
import type { AccountJobPage, OutputFile } from '../jobtypes/index.js';

/**
 * A WorkerLink is everything a worker does to its jobs, wherever they are kept: claim them, and
 * for each attempt heartbeat, report progress, store files and end it (complete, fail, hand back).
 * Two implementations: localLink (the service over this process's database, src/worker/localLink.ts)
 * and remoteLink (the HTTP worker protocol with a worker key, src/worker/remote/). The pool and
 * runAttempt see only this interface, so the same handlers run the same way over either.
 *
 * Every write presents the attempt's lease; a lease that is no longer current rejects with
 * LeaseLostError (its `reason` when known), and the attempt stops as if its lease ran out.
 */
export interface WorkerLink {
  /**
   * claim takes up to `limit` due jobs of `types` for `workerId`. A link that long-polls
   * (`longPolls`) may wait for one until `signal` fires; it then answers what it holds, maybe none.
   */
  claim(p: { workerId: string; types: readonly string[]; limit: number; signal?: AbortSignal }): Promise<ClaimedJob[]>;
  /** longPolls is true when `claim` itself waits for work (the pool then claims again at once). */
  readonly longPolls: boolean;
  /** onClaimable calls `listener` with the job's runAt when a job of `types` became pending; returns the unsubscribe. */
  onClaimable(types: readonly string[], listener: (runAt: Date) => void): () => void;
  /** watch calls `onStop` when the attempt is taken away (cancelled, reclaimed) before its own writes notice; returns the unsubscribe. */
  watch(job: ClaimedJob, onStop: (why: 'cancelled' | 'lease_lost') => void): () => void;
  /** begin prepares an attempt before its handler runs (a retry starts without the files of the last). */
  begin(job: ClaimedJob): Promise<void>;
  heartbeat(attempt: LeasedAttempt): Promise<void>;
  progress(attempt: LeasedAttempt, p: { progress: number; message?: string | null }): Promise<void>;
  /** storeFile stores a file whole, or from chunks as they come (a remote link gathers them first). */
  storeFile(attempt: LeasedAttempt, p: { name: string; data: Uint8Array | AsyncIterable<Uint8Array> }): Promise<OutputFile>;
  /**
   * readJobFile reads a file of an earlier job of the attempt's own account (an input's
   * `{ fromJob, file }`), at most `maxBytes`; it throws the JobFailure the handler fails with.
   */
  readJobFile(attempt: LeasedAttempt, p: { fromJob: string; name: string; maxBytes: number }): Promise<Uint8Array>;
  /** listAccountJobs returns a page of the jobs of the attempt's own account, as `GET /v1/jobs` would. */
  listAccountJobs(attempt: LeasedAttempt, p: JobFilterRequest & { cursor: string | null; limit: number }): Promise<AccountJobPage>;
  complete(attempt: LeasedAttempt, p: { output: JsonValue | null; size: number; processTime: number }): Promise<void>;
  fail(attempt: LeasedAttempt, p: { error: JobError; retryable: boolean; processTime: number }): Promise<void>;
  /** release hands the job back: at once (shutdown), or with `defer` not due for `delayMs` (local only; a remote link releases at once). */
  release(attempt: LeasedAttempt, defer?: { error: JobError; delayMs: number }): Promise<void>;
}

/** LeasedAttempt identifies a running attempt by its job and lease. */
export interface LeasedAttempt {
  id: string;
  leaseToken: string;
}

/**
 * ClaimedJob is one claimed attempt as a worker runs it, whichever link claimed it: the shape the
 * worker protocol's claim answers, so both links hand the handler the same things.
 */
export interface ClaimedJob {
  id: string;
  type: string;
  /** input is the whole input, private fields included. */
  input: JsonObject;
  /** attempt counts from 1. */
  attempt: number;
  maxAttempts: number;
  metadata: JsonObject;
  timeoutMs: number;
  leaseToken: string;
  /** leaseMs is how long the lease lasts without a heartbeat (the pool heartbeats every third). */
  leaseMs: number;
  /** checkpoint is what an earlier attempt stored, or null. */
  checkpoint: JsonValue | null;
  /** eventSeq is the job's change sequence at the claim (local only: older relayed changes are ignored). */
  eventSeq?: number;
}
