/** The PostgreSQL driver (scale-out): `openPostgres` and its store. */
export { openPostgres } from './openPostgres.js';
export { PostgresStore, type PostgresOptions } from './postgresStore.js';
export { DEFAULT_SCHEMA } from './names.js';
