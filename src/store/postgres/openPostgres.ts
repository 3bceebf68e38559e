import pg from 'pg';
import { translateError, watchConnections } from './db.js';
import { migratePostgres } from './migrate.js';
import { DEFAULT_SCHEMA, checkSchema, connectionConfig } from './names.js';
import { type PostgresOptions, PostgresStore } from './postgresStore.js';
import { pgTypes } from './rows.js';

/**
 * openPostgres connects to the database at `url`, creates and migrates the schema (once, however
 * many processes start together), and returns the store. Throws when it cannot.
 */
export async function openPostgres(url: string, options: PostgresOptions): Promise<PostgresStore> {
  const schema = checkSchema(options.schema ?? DEFAULT_SCHEMA);
  const config: pg.PoolConfig = {
    // Every session resolves the driver's unqualified names in the schema (see queries.ts).
    ...connectionConfig(url, schema),
    max: options.poolSize ?? 10,
    types: pgTypes,
    application_name: 'longrun',
    // Idle pooled connections never hold the process open; close() ends them all anyway.
    allowExitOnIdle: true,
  };
  const pool = new pg.Pool(config);
  watchConnections(pool);
  try {
    const client = await pool.connect();
    try {
      await migratePostgres(client, schema);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => {});
    throw translateError(error);
  }
  return new PostgresStore(pool, config, schema, options);
}
