import type { AttemptRecord, JsonValue, RemoteWorker, WorkerContact, WorkerKey } from '../../domain/index.js';
import type { Db } from './db.js';
import { type WorkerKeyRowOf, type WorkerRowOf, remoteWorkerFromColumns, workerKeyFromColumns } from '../remoteColumns.js';
import { type JobRow, PG_DECODING, jobFromRow } from './rows.js';

/**
 * The PostgreSQL driver's part of the worker protocol: worker keys, the remote workers seen, and
 * the checkpoint and last lease token a job keeps (migration 0008). SQL and row mapping only;
 * each function is one statement, atomic on its own.
 */

type WorkerKeyRow = WorkerKeyRowOf<Date, unknown>;
type WorkerRow = WorkerRowOf<Date, unknown>;
const keyFromRow = (row: WorkerKeyRow): WorkerKey => workerKeyFromColumns(row, PG_DECODING);

const SQL = {
  // $1 id, $2 name, $3 types (JSON text), $4 secret hash, $5 last4, $6 created at
  keyInsert: 'INSERT INTO worker_keys (id, name, types, secret_hash, last4, created_at) VALUES ($1, $2, $3::jsonb, $4, $5, $6)',
  // $1 id
  keyGet: 'SELECT * FROM worker_keys WHERE id = $1',
  // $1 after this id ('' sorts before every id), $2 limit
  keyList: 'SELECT * FROM worker_keys WHERE id > $1 ORDER BY id LIMIT $2',
  // $1 id, $2 revoked at; only a live key is revoked
  keyRevoke: 'UPDATE worker_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL',
  // $1 id, $2 key, $3 name, $4 host, $5 types (JSON text), $6 concurrency, $7 now. A worker id keeps
  // its first sighting; everything else is what the latest claim said.
  workerRecord: `
    INSERT INTO workers (id, key_id, name, host, types, concurrency, first_seen_at, last_seen_at)
    VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $7)
    ON CONFLICT (id) DO UPDATE SET key_id = EXCLUDED.key_id, name = EXCLUDED.name, host = EXCLUDED.host,
      types = EXCLUDED.types, concurrency = EXCLUDED.concurrency, last_seen_at = greatest(workers.last_seen_at, EXCLUDED.last_seen_at)`,
  // $1 now, $2 id
  workerSeen: 'UPDATE workers SET last_seen_at = greatest(last_seen_at, $1) WHERE id = $2',
  // $1 seen since, $2 limit. Jobs in hand: the running rows naming the worker (jobs_running_worker).
  workerList: `
    SELECT w.*, (SELECT count(*) FROM jobs j WHERE j.status = 'running' AND j.worker = w.id)::int AS jobs_in_hand
    FROM workers w WHERE w.last_seen_at >= $1 ORDER BY w.last_seen_at DESC, w.id LIMIT $2`,
  // $1 ids
  attemptRecords: 'SELECT * FROM jobs WHERE id = ANY($1::text[])',
} as const;

/** insertWorkerKey stores a worker key. */
export async function insertWorkerKey(db: Db, k: WorkerKey): Promise<WorkerKey> {
  await db.rows(SQL.keyInsert, [k.id, k.name, JSON.stringify(k.types), k.secretHash, k.last4, k.createdAt]);
  return k;
}

/** getWorkerKey reads one worker key. */
export async function getWorkerKey(db: Db, id: string): Promise<WorkerKey | null> {
  const row = await db.one<WorkerKeyRow>(SQL.keyGet, [id]);
  return row ? keyFromRow(row) : null;
}

/** listWorkerKeys reads one page of worker keys, oldest first. */
export async function listWorkerKeys(db: Db, p: { afterId: string | null; limit: number }): Promise<WorkerKey[]> {
  return (await db.rows<WorkerKeyRow>(SQL.keyList, [p.afterId ?? '', p.limit])).map(keyFromRow);
}

/** revokeWorkerKey revokes a live worker key; false when there is none. */
export function revokeWorkerKey(db: Db, p: { id: string; now: Date }): Promise<boolean> {
  return db.tx('write', async (tx) => (await tx.run(SQL.keyRevoke, [p.id, p.now])) === 1);
}

/** recordWorker writes what a claim told of a remote worker. */
export async function recordWorker(db: Db, w: WorkerContact): Promise<void> {
  await db.rows(SQL.workerRecord, [w.id, w.keyId, w.name, w.host, JSON.stringify(w.types), w.concurrency, w.now]);
}

/** markWorkerSeen moves a worker's last contact forward. */
export async function markWorkerSeen(db: Db, p: { id: string; now: Date }): Promise<void> {
  await db.rows(SQL.workerSeen, [p.now, p.id]);
}

/** listWorkers reads the workers seen since `seenSince`, most recent first. */
export async function listWorkers(db: Db, p: { seenSince: Date; limit: number }): Promise<RemoteWorker[]> {
  return (await db.rows<WorkerRow>(SQL.workerList, [p.seenSince, p.limit])).map((row) => remoteWorkerFromColumns(row, PG_DECODING));
}

/** attemptRecords reads jobs with their checkpoint and last lease token. */
export async function attemptRecords(db: Db, ids: readonly string[]): Promise<AttemptRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db.rows<JobRow & { checkpoint: JsonValue | null; last_lease_token: string | null }>(SQL.attemptRecords, [ids]);
  return rows.map((row) => ({ job: jobFromRow(row), checkpoint: row.checkpoint, lastLeaseToken: row.last_lease_token }));
}
