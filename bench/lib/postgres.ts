// The bench's own PostgreSQL database: made at the start of a run, dropped at the end, so peers
// and Longrun share the server but never a table.
import pg from 'pg';

/** DEFAULT_POSTGRES_URL is the local server the bench uses unless LONGRUN_BENCH_POSTGRES_URL says otherwise. */
export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** benchDatabaseUrl is the URL of the run's own database on the same server. */
export function benchDatabaseUrl(serverUrl: string, name: string): string {
  const parsed = new URL(serverUrl);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** createBenchDatabase makes an empty database `name` (dropping a leftover one of that name). */
export async function createBenchDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
}

/** dropBenchDatabase drops the run's database, closing any session left in it. */
export async function dropBenchDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** postgresVersion is the server's short version string. */
export async function postgresVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    return `PostgreSQL ${rows[0]!.v.split(' ')[0]}`;
  } finally {
    await client.end();
  }
}

/**
 * commitCount reads how many transactions the database has committed. The statistics of other
 * sessions reach it within a second, so callers wait that long before reading.
 */
export async function commitCount(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const { rows } = await client.query<{ n: string }>(
      'SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = current_database()',
    );
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}
