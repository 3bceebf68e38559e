/**
 * The job: what a client asked for, where it stands, and what it produced.
 */

/** JobStatus is where a job stands in its life; see `nextStatuses` for who moves it. */
export type JobStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';

/**
 * nextStatuses is the state machine, written down once. Every store driver guards its updates
 * with the status it expects, so a move that is not listed here can never happen.
 *
 * - pending: waiting for a worker (or for its `runAt`). Moved in by create, rerun, a retry, the
 *   reaper or a graceful hand-back; moved to running by a claim, to cancelled by a client.
 * - running: a worker holds its lease. Moved to completed or failed by that worker (or failed
 *   by the reaper), back to pending for a retry or a hand-back, to cancelled by a client.
 * - completed, failed, cancelled: final; nothing moves a job out of them.
 */
export const nextStatuses = {
  pending: ['running', 'cancelled'],
  running: ['completed', 'failed', 'cancelled', 'pending'],
  completed: [],
  failed: [],
  cancelled: [],
} as const satisfies Record<JobStatus, readonly JobStatus[]>;

/** JOB_STATUSES lists every status, in the order of a job's life. */
export const JOB_STATUSES: readonly JobStatus[] = ['pending', 'running', 'completed', 'failed', 'cancelled'];

/** FINAL_STATUSES are the statuses a job never leaves. */
export const FINAL_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];

/** isFinalStatus tells whether a job in `status` can still change. */
export function isFinalStatus(status: JobStatus): boolean {
  return nextStatuses[status].length === 0;
}

/**
 * wholeInput is the job's input with its private fields put back: what the client sent, what a
 * worker runs with and what a rerun starts from (the API never shows the private fields).
 */
export function wholeInput(job: Pick<Job, 'input' | 'privateInput'>): JsonObject {
  return { ...job.input, ...(job.privateInput ?? {}) };
}

/** canMove tells whether the state machine allows `from` → `to`. */
export function canMove(from: JobStatus, to: JobStatus): boolean {
  return (nextStatuses[from] as readonly JobStatus[]).includes(to);
}

/** JsonValue is anything that survives JSON.stringify and JSON.parse unchanged. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
/** JsonObject is a JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** JobError is why a job failed, or `{ code: 'cancelled' }` when it was cancelled while running. */
export interface JobError {
  code: string;
  message?: string;
}

/** JobEventKind names one change of a job; each is recorded as an event with the job's next `eventSeq`. */
export type JobEventKind = 'created' | 'started' | 'progress' | 'completed' | 'failed' | 'retrying' | 'released' | 'cancelled';

/** WEBHOOK_EVENTS are the events a job can ask to be told about by webhook. */
export const WEBHOOK_EVENTS = ['job.started', 'job.progress', 'job.completed', 'job.failed', 'job.cancelled'] as const;
/** WebhookEvent is one of WEBHOOK_EVENTS. */
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Job is one job as the store keeps it. `privateInput` and the lease never leave the server. */
export interface Job {
  id: string;
  type: string;
  status: JobStatus;
  /** progress is 0–100; exactly 100 once completed. */
  progress: number;
  statusMessage: string | null;
  priority: number;
  /** input is what the client sent minus the type's private fields. */
  input: JsonObject;
  /** privateInput holds the type's private fields: given to the worker, never echoed. */
  privateInput: JsonObject | null;
  output: JsonValue | null;
  error: JobError | null;
  attempts: number;
  maxAttempts: number;
  timeoutMs: number;
  accountId: string;
  apiKeyId: string | null;
  /** apiKeyUsed is the masked key (`key_…a1b2`), never the secret. */
  apiKeyUsed: string | null;
  worker: string | null;
  /** size is the bytes of the job's output files. */
  size: number;
  /** processTime is the last attempt's run time in ms. */
  processTime: number;
  creditsCharged: number;
  creditsRefunded: number;
  originalJobId: string | null;
  webhookUrl: string | null;
  webhookEvents: WebhookEvent[];
  /**
   * webhookFormat names the payload shape its webhooks carry: null for Longrun's own, or the
   * compatibility dialect that created it (`vydra`, `productai`). Set at create, never by a client.
   */
  webhookFormat: string | null;
  metadata: JsonObject;
  /** runAt is the earliest time a worker may claim the job (also set by retry backoff). */
  runAt: Date;
  /**
   * startBy is the job's deadline to start, or null for none: a pending job is never claimed
   * after it, and the deadline sweep fails it with `expired` (refunded). A started attempt runs on.
   */
  startBy: Date | null;
  /**
   * after lists the jobs this one waits for, as created (null for none): it is not claimed until
   * each has completed, and fails with `dependency_failed` if one fails or is cancelled.
   */
  after: string[] | null;
  /**
   * hasDependents says whether a job was created `after` this one and may still wait for it: its
   * completion can let them start, so it wakes idle workers. Kept by the store.
   */
  hasDependents: boolean;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  failedAt: Date | null;
  cancelledAt: Date | null;
  updatedAt: Date;
  /** leaseToken fences a running attempt: only the holder may report into the job. */
  leaseToken: string | null;
  leaseExpiresAt: Date | null;
  /** eventSeq counts the job's changes; the last one's sequence number. */
  eventSeq: number;
}
