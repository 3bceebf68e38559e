/** The embedded SQLite driver. */
export { openSqlite, type SqliteOptions, type SqliteDurability } from './openSqlite.js';
export { SqliteStore } from './sqliteStore.js';
