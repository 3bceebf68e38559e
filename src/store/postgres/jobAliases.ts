import type { Db } from './db.js';

/** Job aliases of the PostgreSQL driver (table job_aliases, migration 0012). */

const SQL = {
  insert: 'INSERT INTO job_aliases (alias, job_id, created_at) VALUES ($1, $2, $3)',
  get: 'SELECT job_id FROM job_aliases WHERE alias = $1',
} as const;

/** insertJobAlias names the job by `alias` too; a taken alias is a unique violation (ConflictError). */
export async function insertJobAlias(db: Db, p: { alias: string; jobId: string; now: Date }): Promise<void> {
  await db.rows(SQL.insert, [p.alias, p.jobId, p.now]);
}

/** getJobAlias is the id of the job `alias` names, or null. */
export async function getJobAlias(db: Db, alias: string): Promise<string | null> {
  const row = await db.one<{ job_id: string }>(SQL.get, [alias]);
  return row?.job_id ?? null;
}
