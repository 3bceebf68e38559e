import type Database from 'better-sqlite3';
import type { WebhookDeliveryPolicy } from '../types.js';
import type { GroupRows } from './groupRows.js';

/** Stmt is a prepared better-sqlite3 statement. */
export type Stmt = Database.Statement<unknown[], unknown>;

/**
 * SqliteContext is what the SQLite driver's reads and writes share: prepared statements, the
 * store instance's id (the origin of the events it writes) and the webhook delivery policy.
 * Every write function runs synchronously inside the WriteQueue's group transaction.
 */
export interface SqliteContext {
  /** stmt prepares `sql` once and keeps it. */
  stmt(sql: string): Stmt;
  /** origin is the store instance's id; every event a write records carries it. */
  readonly origin: string;
  readonly webhookDeliveries: WebhookDeliveryPolicy;
  /** rows takes the job_events and ledger rows that may wait for the group's multi-row INSERT. */
  readonly rows: GroupRows;
}
