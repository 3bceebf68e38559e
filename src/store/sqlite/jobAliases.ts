import type { SqliteContext } from './context.js';

/** Job aliases of the SQLite driver (table job_aliases, migration 0012). */

const SQL = {
  insert: 'INSERT INTO job_aliases (alias, job_id, created_at) VALUES (?, ?, ?)',
  get: 'SELECT job_id FROM job_aliases WHERE alias = ?',
} as const;

/** insertJobAlias names the job by `alias` too; a taken alias is a unique violation (ConflictError). */
export function insertJobAlias(c: SqliteContext, p: { alias: string; jobId: string; now: Date }): void {
  c.stmt(SQL.insert).run(p.alias, p.jobId, p.now.getTime());
}

/** getJobAlias is the id of the job `alias` names, or null. */
export function getJobAlias(c: SqliteContext, alias: string): string | null {
  const row = c.stmt(SQL.get).get(alias) as { job_id: string } | undefined;
  return row?.job_id ?? null;
}
