import pg from 'pg';
import type { Account, ApiKey, Delivery, DeliveryAttempt, Job } from '../../domain/index.js';
import { type AttemptRowOf, type DeliveryRowOf, attemptFromColumns, deliveryFromColumns } from '../deliveryColumns.js';
import { type ColumnDecoding, JOB_COLUMNS, type JobRowOf, jobFromColumns } from '../jobColumns.js';

/**
 * Row mapping for the PostgreSQL driver. node-postgres already turns timestamptz into Date and
 * jsonb into parsed values; bigint (int8) arrives as a string unless told otherwise, so
 * `pgTypes` parses it to a number, as SQLite's integers are.
 */

const INT8_OID = 20;

function parseInt8(text: string): number {
  const n = Number(text);
  // Counts, credits, bytes and ids stay far below 2^53; failing loudly beats a silent rounding.
  if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${text} does not fit a JavaScript number`);
  return n;
}

/** pgTypes are the type parsers every connection of the driver uses: int8 → number, the rest as pg does. */
export const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** JobRow is a `jobs` row as node-postgres returns it (with pgTypes): Dates and parsed JSON. */
export type JobRow = JobRowOf<Date, unknown>;

/** PG_DECODING: node-postgres already returns Dates and parsed jsonb. */
export const PG_DECODING: ColumnDecoding<Date, unknown> = { time: (date) => date, json: (value) => value };

/** jobFromRow maps a row to the domain job. */
export function jobFromRow(row: JobRow): Job {
  return jobFromColumns(row, PG_DECODING);
}

/**
 * jsonParam serialises a JSON value for a `$n::jsonb` parameter. Always by hand: node-postgres
 * would send a JavaScript array as a PostgreSQL array literal, not as JSON.
 */
export function jsonParam(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/**
 * jobInsertParams are the job's column values in JOB_COLUMNS order, its JSON columns as `json`
 * makes them: text for `$n::jsonb` parameters (the default), or the values themselves for a row
 * of a JSON document (see jobRecord).
 */
export function jobInsertParams(job: Job, json: (value: unknown) => unknown = jsonParam): unknown[] {
  return [
    job.id, job.accountId, job.type, job.status, job.progress, job.statusMessage, job.priority,
    json(job.input), json(job.privateInput), json(job.output), json(job.error),
    job.attempts, job.maxAttempts, job.timeoutMs, job.apiKeyId, job.apiKeyUsed, job.worker, job.size,
    job.processTime, job.creditsCharged, job.creditsRefunded, job.originalJobId, job.webhookUrl,
    json(job.webhookEvents), job.webhookFormat, json(job.metadata), job.runAt, job.createdAt, job.startedAt,
    job.completedAt, job.failedAt, job.cancelledAt, job.updatedAt, job.leaseToken, job.leaseExpiresAt,
    job.eventSeq, job.startBy, json(job.after),
  ];
}

/** AccountRow is an `accounts` row. */
export interface AccountRow {
  id: string;
  name: string;
  credit_balance: number | null;
  webhook_secret: string;
  created_at: Date;
}

/** accountFromRow maps a row to the domain account. */
export function accountFromRow(row: AccountRow): Account {
  return {
    id: row.id,
    name: row.name,
    creditBalance: row.credit_balance,
    webhookSecret: row.webhook_secret,
    createdAt: row.created_at,
  };
}

/** ApiKeyRow is an `api_keys` row. */
export interface ApiKeyRow {
  id: string;
  account_id: string;
  secret_hash: string;
  last4: string;
  created_at: Date;
  revoked_at: Date | null;
}

/** apiKeyFromRow maps a row to the domain key. */
export function apiKeyFromRow(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    accountId: row.account_id,
    secretHash: row.secret_hash,
    last4: row.last4,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

/** DeliveryRow is a `webhook_deliveries` row as node-postgres returns it. */
export type DeliveryRow = DeliveryRowOf<Date, boolean>;

/** deliveryFromRow maps a row to the domain delivery. */
export function deliveryFromRow(row: DeliveryRow): Delivery {
  return deliveryFromColumns(row, (date) => date);
}

/** attemptFromRow maps a `webhook_attempts` row. */
export function attemptFromRow(row: AttemptRowOf<Date>): DeliveryAttempt {
  return attemptFromColumns(row, (date) => date);
}

/** jobRecord is the job as one object of its columns, for `jsonb_populate_recordset(NULL::jobs, …)`. */
export function jobRecord(job: Job): Record<string, unknown> {
  const values = jobInsertParams(job, (value) => value ?? null);
  return Object.fromEntries(JOB_COLUMNS.map((column, i) => [column, values[i]]));
}
