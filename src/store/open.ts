import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { openSqlite, type SqliteDurability } from './sqlite/index.js';
import type { Store } from './types.js';

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

/** OpenStoreOptions choose how durable the embedded store is. */
export interface OpenStoreOptions {
  durability?: SqliteDurability;
}

/**
 * openStore opens the store a `--db` value names, creating the SQLite file's folder if needed.
 * Throws with a one-line reason when it cannot.
 */
export async function openStore(db: string, options: OpenStoreOptions = {}): Promise<Store> {
  const target = parseDbUrl(db);
  if (target.driver === 'postgres') {
    throw new Error('--db postgres://…: the PostgreSQL driver is not part of this build yet; use sqlite:PATH');
  }
  if (target.path !== ':memory:') {
    const path = resolve(target.path);
    try {
      mkdirSync(dirname(path), { recursive: true });
      return openSqlite(path, options);
    } catch (error) {
      throw new Error(`cannot open the database ${path}: ${(error as Error).message}`);
    }
  }
  return openSqlite(':memory:', options);
}
