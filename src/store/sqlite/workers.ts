import type { AttemptRecord, JsonValue, RemoteWorker, WorkerContact, WorkerKey } from '../../domain/index.js';
import type { SqliteContext } from './context.js';
import { type WorkerKeyRowOf, type WorkerRowOf, remoteWorkerFromColumns, workerKeyFromColumns } from '../remoteColumns.js';
import { type JobRow, SQLITE_DECODING, jobFromRow } from './rows.js';

/**
 * The SQLite driver's part of the worker protocol: worker keys, the remote workers seen, and the
 * checkpoint and last lease token a job keeps (migration 0008). SQL and row mapping only.
 */

type WorkerKeyRow = WorkerKeyRowOf<number, string>;
type WorkerRow = WorkerRowOf<number, string>;
const keyFromRow = (row: WorkerKeyRow): WorkerKey => workerKeyFromColumns(row, SQLITE_DECODING);

const SQL = {
  keyInsert: 'INSERT INTO worker_keys (id, name, types, secret_hash, last4, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  keyGet: 'SELECT * FROM worker_keys WHERE id = ?',
  // '' sorts before every id, so the first page needs no second query.
  keyList: 'SELECT * FROM worker_keys WHERE id > ? ORDER BY id LIMIT ?',
  keyRevoke: 'UPDATE worker_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
  // A worker id keeps its first sighting; everything else is what the latest claim said.
  workerRecord: `
    INSERT INTO workers (id, key_id, name, host, types, concurrency, first_seen_at, last_seen_at)
    VALUES (@id, @key_id, @name, @host, @types, @concurrency, @now, @now)
    ON CONFLICT (id) DO UPDATE SET key_id = excluded.key_id, name = excluded.name, host = excluded.host,
      types = excluded.types, concurrency = excluded.concurrency, last_seen_at = excluded.last_seen_at`,
  workerSeen: 'UPDATE workers SET last_seen_at = max(last_seen_at, ?) WHERE id = ?',
  // Jobs in hand: the running rows naming the worker (jobs_running_worker, only running rows).
  workerList: `
    SELECT w.*, (SELECT count(*) FROM jobs j INDEXED BY jobs_running_worker WHERE j.status = 'running' AND j.worker = w.id) AS jobs_in_hand
    FROM workers w WHERE w.last_seen_at >= ? ORDER BY w.last_seen_at DESC, w.id LIMIT ?`,
  attemptRecords: 'SELECT * FROM jobs WHERE id IN (SELECT value FROM json_each(?))',
} as const;

/** insertWorkerKey stores a worker key. */
export function insertWorkerKey(c: SqliteContext, k: WorkerKey): WorkerKey {
  c.stmt(SQL.keyInsert).run(k.id, k.name, JSON.stringify(k.types), k.secretHash, k.last4, k.createdAt.getTime());
  return k;
}

/** getWorkerKey reads one worker key. */
export function getWorkerKey(c: SqliteContext, id: string): WorkerKey | null {
  const row = c.stmt(SQL.keyGet).get(id) as WorkerKeyRow | undefined;
  return row ? keyFromRow(row) : null;
}

/** listWorkerKeys reads one page of worker keys, oldest first. */
export function listWorkerKeys(c: SqliteContext, p: { afterId: string | null; limit: number }): WorkerKey[] {
  return (c.stmt(SQL.keyList).all(p.afterId ?? '', p.limit) as WorkerKeyRow[]).map(keyFromRow);
}

/** revokeWorkerKey revokes a live worker key; false when there is none. */
export function revokeWorkerKey(c: SqliteContext, p: { id: string; now: Date }): boolean {
  return c.stmt(SQL.keyRevoke).run(p.now.getTime(), p.id).changes === 1;
}

/** recordWorker writes what a claim told of a remote worker. */
export function recordWorker(c: SqliteContext, w: WorkerContact): void {
  c.stmt(SQL.workerRecord).run({
    id: w.id,
    key_id: w.keyId,
    name: w.name,
    host: w.host,
    types: JSON.stringify(w.types),
    concurrency: w.concurrency,
    now: w.now.getTime(),
  });
}

/** markWorkerSeen moves a worker's last contact forward. */
export function markWorkerSeen(c: SqliteContext, p: { id: string; now: Date }): void {
  c.stmt(SQL.workerSeen).run(p.now.getTime(), p.id);
}

/** listWorkers reads the workers seen since `seenSince`, most recent first. */
export function listWorkers(c: SqliteContext, p: { seenSince: Date; limit: number }): RemoteWorker[] {
  return (c.stmt(SQL.workerList).all(p.seenSince.getTime(), p.limit) as WorkerRow[]).map((row) => remoteWorkerFromColumns(row, SQLITE_DECODING));
}

/** attemptRecords reads jobs with their checkpoint and last lease token. */
export function attemptRecords(c: SqliteContext, ids: readonly string[]): AttemptRecord[] {
  if (ids.length === 0) return [];
  const rows = c.stmt(SQL.attemptRecords).all(JSON.stringify(ids)) as (JobRow & { checkpoint: string | null; last_lease_token: string | null })[];
  return rows.map((row) => ({
    job: jobFromRow(row),
    checkpoint: row.checkpoint === null ? null : (JSON.parse(row.checkpoint) as JsonValue),
    lastLeaseToken: row.last_lease_token,
  }));
}
