/** The embedded SQLite driver. */
export { openSqlite, SqliteStore, type SqliteOptions, type SqliteDurability } from './sqliteStore.js';
