import type { DeclaredJobType, RemoteWorker, WorkerKey } from '../domain/index.js';
import type { ColumnDecoding } from './jobColumns.js';

/**
 * The rows of what remote workers bring (declared job types, worker keys, workers seen), mapped
 * in one place for both drivers as jobColumns.ts does for jobs: drivers differ only in how a time
 * (epoch ms or Date) and a JSON column (text or jsonb) come back, which `decode` says.
 */

/** JobTypeSpecRowOf is a `job_type_specs` row; `input_schema` is text in both drivers, so its key order survives. */
export interface JobTypeSpecRowOf<Time, Json> {
  type: string;
  description: string;
  input_schema: string;
  private_fields: Json;
  credit_cost: number;
  timeout_ms: number;
  max_attempts: number;
  revision: string;
  created_at: Time;
  updated_at: Time;
}

/** jobTypeSpecFromColumns maps a declared job type's row. */
export function jobTypeSpecFromColumns<Time, Json>(row: JobTypeSpecRowOf<Time, Json>, decode: ColumnDecoding<Time, Json>): DeclaredJobType {
  return {
    type: row.type,
    description: row.description,
    inputSchema: JSON.parse(row.input_schema),
    privateFields: decode.json(row.private_fields) as string[],
    creditCost: row.credit_cost,
    timeoutMs: row.timeout_ms,
    maxAttempts: row.max_attempts,
    revision: row.revision,
    createdAt: decode.time(row.created_at),
    updatedAt: decode.time(row.updated_at),
  };
}

/** WorkerKeyRowOf is a `worker_keys` row. */
export interface WorkerKeyRowOf<Time, Json> {
  id: string;
  name: string;
  types: Json;
  secret_hash: string;
  last4: string;
  created_at: Time;
  revoked_at: Time | null;
}

/** workerKeyFromColumns maps a worker key's row. */
export function workerKeyFromColumns<Time, Json>(row: WorkerKeyRowOf<Time, Json>, decode: ColumnDecoding<Time, Json>): WorkerKey {
  return {
    id: row.id,
    name: row.name,
    types: decode.json(row.types) as string[],
    secretHash: row.secret_hash,
    last4: row.last4,
    createdAt: decode.time(row.created_at),
    revokedAt: row.revoked_at === null ? null : decode.time(row.revoked_at),
  };
}

/** WorkerRowOf is a `workers` row with the count of jobs the worker holds. */
export interface WorkerRowOf<Time, Json> {
  id: string;
  key_id: string;
  name: string;
  host: string | null;
  types: Json;
  concurrency: number;
  first_seen_at: Time;
  last_seen_at: Time;
  jobs_in_hand: number;
}

/** remoteWorkerFromColumns maps a worker seen, as operators see it. */
export function remoteWorkerFromColumns<Time, Json>(row: WorkerRowOf<Time, Json>, decode: ColumnDecoding<Time, Json>): RemoteWorker {
  return {
    id: row.id,
    keyId: row.key_id,
    name: row.name,
    host: row.host,
    types: decode.json(row.types) as string[],
    concurrency: row.concurrency,
    jobsInHand: row.jobs_in_hand,
    firstSeenAt: decode.time(row.first_seen_at),
    lastSeenAt: decode.time(row.last_seen_at),
  };
}
