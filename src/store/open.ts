import { makeDirectorySync } from '../files/makeDirectory.js';
import { dirname, resolve } from 'node:path';
import { DEFAULT_SCHEMA } from './postgres/names.js';
import { openSqlite, type SqliteDurability } from './sqlite/index.js';
import type { PostgresOptions } from './postgres/postgresStore.js';
import type { Store, StoreOptions } from './types.js';

/** DbTarget is a parsed `--db` value. */
export type DbTarget = { driver: 'sqlite'; path: string } | { driver: 'postgres'; url: string };

/**
 * parseDbUrl reads a `--db` value: `sqlite:PATH` (or a bare path ending in .db), `sqlite::memory:`,
 * or a `postgres://` URL. Throws with a one-line reason otherwise.
 */
export function parseDbUrl(value: string): DbTarget {
  if (value.startsWith('postgres://') || value.startsWith('postgresql://')) return { driver: 'postgres', url: value };
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') throw new Error(`--db ${value}: a SQLite URL needs a path, as in sqlite:./data/longrun.db`);
    return { driver: 'sqlite', path };
  }
  if (value.endsWith('.db') || value.endsWith('.sqlite')) return { driver: 'sqlite', path: value };
  throw new Error(`--db ${value}: expected sqlite:PATH or postgres://…`);
}

/**
 * OpenStoreOptions give every driver its webhook delivery policy, and choose how durable the
 * embedded store is and who hears of PostgreSQL's LISTEN connection.
 */
export interface OpenStoreOptions extends StoreOptions {
  durability?: SqliteDurability;
  /** onListenerState is told when PostgreSQL's LISTEN connection listens and when it is lost. */
  onListenerState?: PostgresOptions['onListenerState'];
}

/**
 * splitPostgresUrl takes Longrun's own `?schema=` parameter off a PostgreSQL URL (default
 * `longrun`); the rest of the URL goes to node-postgres as it is.
 */
export function splitPostgresUrl(value: string): { url: string; schema: string } {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new Error(`--db ${redactUrl(value)}: not a valid URL`);
  }
  const schema = parsed.searchParams.get('schema');
  if (schema === null) return { url: value, schema: DEFAULT_SCHEMA };
  parsed.searchParams.delete('schema');
  return { url: parsed.toString(), schema };
}

/** redactUrl hides the password of a database URL, for messages. */
function redactUrl(value: string): string {
  return value.replace(/^(postgres(?:ql)?:\/\/[^:/@]*:)[^@]*@/, '$1***@');
}

/**
 * openStore opens the store a `--db` value names, creating the SQLite file's folder if needed,
 * or connecting to PostgreSQL and migrating the schema named by `?schema=` (default `longrun`).
 * Throws with a one-line reason when it cannot.
 */
export async function openStore(db: string, options: OpenStoreOptions): Promise<Store> {
  const target = parseDbUrl(db);
  if (target.driver === 'postgres') {
    const { url, schema } = splitPostgresUrl(target.url);
    try {
      // Loaded on demand: a SQLite deployment never loads node-postgres.
      const { openPostgres } = await import('./postgres/index.js');
      return await openPostgres(url, { schema, webhookDeliveries: options.webhookDeliveries, onListenerState: options.onListenerState });
    } catch (error) {
      // A translated error keeps the driver's reason as its cause; the operator wants that one.
      const reason = ((error as Error).cause as Error | undefined)?.message ?? (error as Error).message;
      throw new Error(`cannot open the database ${redactUrl(target.url)}: ${reason}`);
    }
  }
  if (target.path !== ':memory:') {
    const path = resolve(target.path);
    try {
      makeDirectorySync(dirname(path));
      return openSqlite(path, options);
    } catch (error) {
      throw new Error(`cannot open the database ${path}: ${(error as Error).message}`);
    }
  }
  return openSqlite(':memory:', options);
}
