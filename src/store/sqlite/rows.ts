import type { Account, ApiKey, Job } from '../../domain/index.js';
import { type AttemptRowOf, type DeliveryRowOf, attemptFromColumns, deliveryFromColumns } from '../deliveryColumns.js';
import type { Delivery, DeliveryAttempt } from '../../domain/index.js';
import { type ColumnDecoding, type JobRowOf, jobFromColumns } from '../jobColumns.js';

/** JobRow is a `jobs` row as better-sqlite3 returns it: times in epoch ms, JSON as text. */
export type JobRow = JobRowOf<number, string>;

const time = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));
/** SQLITE_DECODING: times are epoch ms, JSON columns text. */
export const SQLITE_DECODING: ColumnDecoding<number, string> = { time: (ms) => new Date(ms), json: (text) => JSON.parse(text) };

/** jobFromRow maps a row to the domain job. */
export function jobFromRow(row: JobRow): Job {
  return jobFromColumns(row, SQLITE_DECODING);
}

const ms = (d: Date | null): number | null => (d === null ? null : d.getTime());
const text = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));

/** JobInsertRow is a job's insert parameters: every column but the turn the database gives it. */
export type JobInsertRow = Omit<JobRow, 'fair_seq' | 'has_dependents'>;

/** jobToRow maps a domain job to the named parameters of an insert. */
export function jobToRow(job: Job): JobInsertRow {
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
    webhook_format: job.webhookFormat,
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
    start_by: ms(job.startBy),
    after_jobs: text(job.after),
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

/** DeliveryRow is a `webhook_deliveries` row: times in epoch ms, `manual` as 0 or 1. */
export type DeliveryRow = DeliveryRowOf<number, number>;

/** deliveryFromRow maps a row to the domain delivery. */
export function deliveryFromRow(row: DeliveryRow): Delivery {
  return deliveryFromColumns(row, (ms) => new Date(ms));
}

/** attemptFromRow maps a `webhook_attempts` row. */
export function attemptFromRow(row: AttemptRowOf<number>): DeliveryAttempt {
  return attemptFromColumns(row, (ms) => new Date(ms));
}
