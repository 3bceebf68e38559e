import type { Account, ApiKey, Job, JobError, JobStatus, JsonObject, JsonValue, WebhookEvent } from '../../domain/index.js';

/** JobRow is a `jobs` row as better-sqlite3 returns it. */
export interface JobRow {
  id: string;
  account_id: string;
  type: string;
  status: JobStatus;
  progress: number;
  status_message: string | null;
  priority: number;
  input: string;
  private_input: string | null;
  output: string | null;
  error: string | null;
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
  webhook_events: string;
  metadata: string;
  run_at: number;
  created_at: number;
  started_at: number | null;
  completed_at: number | null;
  failed_at: number | null;
  cancelled_at: number | null;
  updated_at: number;
  lease_token: string | null;
  lease_expires_at: number | null;
  event_seq: number;
}

const time = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));
const json = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

/** jobFromRow maps a row to the domain job. */
export function jobFromRow(row: JobRow): Job {
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    progress: row.progress,
    statusMessage: row.status_message,
    priority: row.priority,
    input: json<JsonObject>(row.input)!,
    privateInput: json<JsonObject>(row.private_input),
    output: json<JsonValue>(row.output),
    error: json<JobError>(row.error),
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
    webhookEvents: json<WebhookEvent[]>(row.webhook_events)!,
    metadata: json<JsonObject>(row.metadata)!,
    runAt: new Date(row.run_at),
    createdAt: new Date(row.created_at),
    startedAt: time(row.started_at),
    completedAt: time(row.completed_at),
    failedAt: time(row.failed_at),
    cancelledAt: time(row.cancelled_at),
    updatedAt: new Date(row.updated_at),
    leaseToken: row.lease_token,
    leaseExpiresAt: time(row.lease_expires_at),
    eventSeq: row.event_seq,
  };
}

const ms = (d: Date | null): number | null => (d === null ? null : d.getTime());
const text = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));

/** jobToRow maps a domain job to the named parameters of an insert. */
export function jobToRow(job: Job): JobRow {
  return {
    id: job.id,
    account_id: job.accountId,
    type: job.type,
    status: job.status,
    progress: job.progress,
    status_message: job.statusMessage,
    priority: job.priority,
    input: JSON.stringify(job.input),
    private_input: text(job.privateInput),
    output: text(job.output),
    error: text(job.error),
    attempts: job.attempts,
    max_attempts: job.maxAttempts,
    timeout_ms: job.timeoutMs,
    api_key_id: job.apiKeyId,
    api_key_used: job.apiKeyUsed,
    worker: job.worker,
    size: job.size,
    process_time: job.processTime,
    credits_charged: job.creditsCharged,
    credits_refunded: job.creditsRefunded,
    original_job_id: job.originalJobId,
    webhook_url: job.webhookUrl,
    webhook_events: JSON.stringify(job.webhookEvents),
    metadata: JSON.stringify(job.metadata),
    run_at: job.runAt.getTime(),
    created_at: job.createdAt.getTime(),
    started_at: ms(job.startedAt),
    completed_at: ms(job.completedAt),
    failed_at: ms(job.failedAt),
    cancelled_at: ms(job.cancelledAt),
    updated_at: job.updatedAt.getTime(),
    lease_token: job.leaseToken,
    lease_expires_at: ms(job.leaseExpiresAt),
    event_seq: job.eventSeq,
  };
}

/** AccountRow is an `accounts` row. */
export interface AccountRow {
  id: string;
  name: string;
  credit_balance: number | null;
  webhook_secret: string;
  created_at: number;
}

/** accountFromRow maps a row to the domain account. */
export function accountFromRow(row: AccountRow): Account {
  return {
    id: row.id,
    name: row.name,
    creditBalance: row.credit_balance,
    webhookSecret: row.webhook_secret,
    createdAt: new Date(row.created_at),
  };
}

/** ApiKeyRow is an `api_keys` row. */
export interface ApiKeyRow {
  id: string;
  account_id: string;
  secret_hash: string;
  last4: string;
  created_at: number;
  revoked_at: number | null;
}

/** apiKeyFromRow maps a row to the domain key. */
export function apiKeyFromRow(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    accountId: row.account_id,
    secretHash: row.secret_hash,
    last4: row.last4,
    createdAt: new Date(row.created_at),
    revokedAt: time(row.revoked_at),
  };
}
