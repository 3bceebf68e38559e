import Database from 'better-sqlite3';
import type { StoreOptions } from '../types.js';
import { migrateSqlite } from './migrate.js';
import { SqliteStore } from './sqliteStore.js';

/** SqliteDurability: `full` fsyncs every commit (the default); `normal` survives a process crash, not a power loss. */
export type SqliteDurability = 'full' | 'normal';

/** SqliteOptions tune the embedded store. */
export interface SqliteOptions extends StoreOptions {
  durability?: SqliteDurability;
  /** busyTimeoutMs is how long a writer waits for another process's lock. */
  busyTimeoutMs?: number;
  /** watchMs is how often `watch` checks for other processes' commits (default 10). */
  watchMs?: number;
}

/**
 * openSqlite opens (creating if needed) the database at `path`, sets WAL and durability, and
 * applies pending migrations.
 */
export function openSqlite(path: string, options: SqliteOptions): SqliteStore {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.durability === 'normal' ? 'NORMAL' : 'FULL'}`);
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    db.pragma('foreign_keys = ON');
    migrateSqlite(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return new SqliteStore(db, options.webhookDeliveries, options.watchMs ?? 10);
}
