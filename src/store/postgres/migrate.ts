import { readdirSync, readFileSync } from 'node:fs';
import type pg from 'pg';
import { LOCK_CLASS_MIGRATE, quoteIdent, schemaKey } from './names.js';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

/** migrationFiles lists the numbered migration files in order. */
function migrationFiles(): { version: number; name: string; sql: string }[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => ({ version: Number(name.slice(0, 4)), name, sql: readFileSync(new URL(name, MIGRATIONS_DIR), 'utf8') }));
}

/**
 * migratePostgres applies, in order and each in its own transaction, every migration file not yet
 * recorded in `<schema>.schema_migrations`, creating the schema first if needed. Migrations only
 * go forward; a fresh schema runs all. Returns the versions it applied.
 *
 * Each transaction first takes `pg_advisory_xact_lock` on (migrate, schema), so processes that
 * start at once queue up: the first applies a file, the others then find it recorded and skip it.
 * The lock is taken before `CREATE SCHEMA IF NOT EXISTS` too, which is not safe to race on its own
 * (two creators can both miss the schema and one then fails on pg_namespace's unique index).
 */
export async function migratePostgres(client: pg.ClientBase, schema: string): Promise<number[]> {
  const applied: number[] = [];
  const ident = quoteIdent(schema);
  for (const file of migrationFiles()) {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS_MIGRATE, schemaKey(schema)]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident}`);
      // SET LOCAL: the migration's unqualified names land in the schema, and functions declared
      // with `SET search_path FROM CURRENT` keep it.
      await client.query(`SET LOCAL search_path TO ${ident}`);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const done = await client.query('SELECT 1 FROM schema_migrations WHERE version = $1', [file.version]);
      if (done.rowCount === 0) {
        await client.query(file.sql); // no parameters: the simple protocol runs the whole file
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [file.version, file.name]);
        applied.push(file.version);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  }
  return applied;
}
