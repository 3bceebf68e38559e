import type { DeclaredJobType, DeclaredJobTypeSpec } from '../../domain/index.js';
import { type JobTypeSpecRowOf, jobTypeSpecFromColumns } from '../remoteColumns.js';
import type { SqliteContext } from './context.js';
import { SQLITE_DECODING } from './rows.js';

/**
 * The declared job types of the SQLite driver (table job_type_specs, migration 0007). A put runs
 * inside the WriteQueue's transaction, so its read and its write see the same row.
 */

type JobTypeSpecRow = JobTypeSpecRowOf<number, string>;
const fromRow = (row: JobTypeSpecRow): DeclaredJobType => jobTypeSpecFromColumns(row, SQLITE_DECODING);

const SQL = {
  get: 'SELECT * FROM job_type_specs WHERE type = ?',
  list: 'SELECT * FROM job_type_specs ORDER BY type',
  insert: `
    INSERT INTO job_type_specs (type, description, input_schema, private_fields, credit_cost, timeout_ms, max_attempts, revision, created_at, updated_at)
    VALUES (@type, @description, @input_schema, @private_fields, @credit_cost, @timeout_ms, @max_attempts, @revision, @now, @now)`,
  replace: `
    UPDATE job_type_specs SET description = @description, input_schema = @input_schema, private_fields = @private_fields,
      credit_cost = @credit_cost, timeout_ms = @timeout_ms, max_attempts = @max_attempts, revision = @revision, updated_at = @now
    WHERE type = @type`,
  delete: 'DELETE FROM job_type_specs WHERE type = ?',
} as const;

/** putJobTypeSpec inserts the declared type or replaces the one of the same name. */
export function putJobTypeSpec(c: SqliteContext, p: { spec: DeclaredJobTypeSpec; revision: string; now: Date }): { jobType: DeclaredJobType; created: boolean } {
  const s = p.spec;
  const created = c.stmt(SQL.get).get(s.type) === undefined;
  c.stmt(created ? SQL.insert : SQL.replace).run({
    type: s.type,
    description: s.description,
    input_schema: JSON.stringify(s.inputSchema),
    private_fields: JSON.stringify(s.privateFields),
    credit_cost: s.creditCost,
    timeout_ms: s.timeoutMs,
    max_attempts: s.maxAttempts,
    revision: p.revision,
    now: p.now.getTime(),
  });
  return { jobType: getJobTypeSpec(c, s.type)!, created };
}

/** getJobTypeSpec returns the declared type, or null. */
export function getJobTypeSpec(c: SqliteContext, type: string): DeclaredJobType | null {
  const row = c.stmt(SQL.get).get(type) as JobTypeSpecRow | undefined;
  return row ? fromRow(row) : null;
}

/** listJobTypeSpecs returns every declared type, by name. */
export function listJobTypeSpecs(c: SqliteContext): DeclaredJobType[] {
  return (c.stmt(SQL.list).all() as JobTypeSpecRow[]).map(fromRow);
}

/** deleteJobTypeSpec deletes the declared type; false when there was none. */
export function deleteJobTypeSpec(c: SqliteContext, type: string): boolean {
  return c.stmt(SQL.delete).run(type).changes === 1;
}
