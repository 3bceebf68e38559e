import type { DeclaredJobType, DeclaredJobTypeSpec } from '../../domain/index.js';
import type { Db } from './db.js';
import { type JobTypeSpecRowOf, jobTypeSpecFromColumns } from '../remoteColumns.js';
import { PG_DECODING, jsonParam } from './rows.js';

/**
 * The declared job types of the PostgreSQL driver (table job_type_specs, migration 0007). Each
 * method is one statement, so a put is atomic without a transaction of its own.
 */

type JobTypeSpecRow = JobTypeSpecRowOf<Date, unknown>;
const fromRow = (row: JobTypeSpecRow): DeclaredJobType => jobTypeSpecFromColumns(row, PG_DECODING);

const SQL = {
  get: 'SELECT * FROM job_type_specs WHERE type = $1',
  list: 'SELECT * FROM job_type_specs ORDER BY type',
  // xmax = 0 only on a row this statement inserted: an updated row carries the updating
  // transaction's id there. That is how one statement tells a declaration from a replacement.
  put: `
    INSERT INTO job_type_specs AS s (type, description, input_schema, private_fields, credit_cost, timeout_ms, max_attempts, revision, created_at, updated_at)
    VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $9)
    ON CONFLICT (type) DO UPDATE SET description = EXCLUDED.description, input_schema = EXCLUDED.input_schema,
      private_fields = EXCLUDED.private_fields, credit_cost = EXCLUDED.credit_cost, timeout_ms = EXCLUDED.timeout_ms,
      max_attempts = EXCLUDED.max_attempts, revision = EXCLUDED.revision, updated_at = EXCLUDED.updated_at
    RETURNING s.*, (s.xmax = 0) AS created`,
  delete: 'DELETE FROM job_type_specs WHERE type = $1 RETURNING type',
} as const;

/** putJobTypeSpec inserts the declared type or replaces the one of the same name. */
export async function putJobTypeSpec(db: Db, p: { spec: DeclaredJobTypeSpec; revision: string; now: Date }): Promise<{ jobType: DeclaredJobType; created: boolean }> {
  const s = p.spec;
  const [row] = await db.rows<JobTypeSpecRow & { created: boolean }>(SQL.put, [
    s.type, s.description, JSON.stringify(s.inputSchema), jsonParam(s.privateFields), s.creditCost, s.timeoutMs, s.maxAttempts, p.revision, p.now,
  ]);
  return { jobType: fromRow(row!), created: row!.created };
}

/** getJobTypeSpec returns the declared type, or null. */
export async function getJobTypeSpec(db: Db, type: string): Promise<DeclaredJobType | null> {
  const row = await db.one<JobTypeSpecRow>(SQL.get, [type]);
  return row ? fromRow(row) : null;
}

/** listJobTypeSpecs returns every declared type, by name. */
export async function listJobTypeSpecs(db: Db): Promise<DeclaredJobType[]> {
  return (await db.rows<JobTypeSpecRow>(SQL.list)).map(fromRow);
}

/** deleteJobTypeSpec deletes the declared type; false when there was none. */
export async function deleteJobTypeSpec(db: Db, type: string): Promise<boolean> {
  return (await db.rows(SQL.delete, [type])).length === 1;
}
