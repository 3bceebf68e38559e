import type { Job, JobError, JobStatus, JsonObject, JsonValue, WebhookEvent } from '../domain/index.js';

/** JOB_COLUMNS are the `jobs` table's columns, in the one order every driver inserts them. */
export const JOB_COLUMNS = [
  'id', 'account_id', 'type', 'status', 'progress', 'status_message', 'priority', 'input', 'private_input',
  'output', 'error', 'attempts', 'max_attempts', 'timeout_ms', 'api_key_id', 'api_key_used', 'worker', 'size',
  'process_time', 'credits_charged', 'credits_refunded', 'original_job_id', 'webhook_url', 'webhook_events',
  'webhook_format', 'metadata', 'run_at', 'created_at', 'started_at', 'completed_at', 'failed_at', 'cancelled_at', 'updated_at',
  'lease_token', 'lease_expires_at', 'event_seq', 'start_by', 'after_jobs',
] as const;

/** JobColumn is one of JOB_COLUMNS. */
export type JobColumn = (typeof JOB_COLUMNS)[number];

/** ColumnDecoding says how a driver hands back times and JSON columns. */
export interface ColumnDecoding<Time, Json> {
  time(value: Time): Date;
  json(value: Json): unknown;
}

type TimeColumn =
  | 'run_at' | 'created_at' | 'started_at' | 'completed_at' | 'failed_at' | 'cancelled_at' | 'updated_at' | 'lease_expires_at' | 'start_by';
type JsonColumn = 'input' | 'private_input' | 'output' | 'error' | 'webhook_events' | 'metadata' | 'after_jobs';

/** JobRowOf is a `jobs` row whose times are `Time` and whose JSON columns are `Json` (either may be null where the column is). */
export type JobRowOf<Time, Json> = {
  id: string;
  account_id: string;
  type: string;
  status: JobStatus;
  progress: number;
  status_message: string | null;
  priority: number;
  attempts: number;
  max_attempts: number;
  timeout_ms: number;
  api_key_id: string | null;
  api_key_used: string | null;
  worker: string | null;
  size: number;
  process_time: number;
  credits_charged: number;
  credits_refunded: number;
  original_job_id: string | null;
  webhook_url: string | null;
  webhook_format: string | null;
  lease_token: string | null;
  event_seq: number;
  /** fair_seq is the job's turn in its queue (domain/claimOrder.ts); written by the database, never inserted. */
  fair_seq: number;
  /** has_dependents is set by the database when a job is created after this one (migration 0019), never inserted; SQLite gives 0 or 1. */
  has_dependents: boolean | number;
} & { [C in TimeColumn]: C extends 'run_at' | 'created_at' | 'updated_at' ? Time : Time | null } & {
  [C in JsonColumn]: C extends 'private_input' | 'output' | 'error' | 'after_jobs' ? Json | null : Json;
};

/** jobFromColumns maps a row of any driver to the domain job. */
export function jobFromColumns<Time, Json>(row: JobRowOf<Time, Json>, decode: ColumnDecoding<Time, Json>): Job {
  const time = (value: Time | null) => (value === null ? null : decode.time(value));
  const json = (value: Json | null) => (value === null ? null : decode.json(value));
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    progress: row.progress,
    statusMessage: row.status_message,
    priority: row.priority,
    input: json(row.input) as JsonObject,
    privateInput: json(row.private_input) as JsonObject | null,
    output: json(row.output) as JsonValue | null,
    error: json(row.error) as JobError | null,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    timeoutMs: row.timeout_ms,
    accountId: row.account_id,
    apiKeyId: row.api_key_id,
    apiKeyUsed: row.api_key_used,
    worker: row.worker,
    size: row.size,
    processTime: row.process_time,
    creditsCharged: row.credits_charged,
    creditsRefunded: row.credits_refunded,
    originalJobId: row.original_job_id,
    webhookUrl: row.webhook_url,
    webhookEvents: json(row.webhook_events) as WebhookEvent[],
    webhookFormat: row.webhook_format,
    metadata: json(row.metadata) as JsonObject,
    runAt: decode.time(row.run_at),
    startBy: time(row.start_by),
    after: json(row.after_jobs) as string[] | null,
    hasDependents: Boolean(row.has_dependents),
    createdAt: decode.time(row.created_at),
    startedAt: time(row.started_at),
    completedAt: time(row.completed_at),
    failedAt: time(row.failed_at),
    cancelledAt: time(row.cancelled_at),
    updatedAt: decode.time(row.updated_at),
    leaseToken: row.lease_token,
    leaseExpiresAt: time(row.lease_expires_at),
    eventSeq: row.event_seq,
  };
}
