// PostgreSQL test plumbing: schemas of their own, the contract's shared schema emptied per test,
// store pairs on one schema, and waits for LISTEN and watch signals (each bounded, never a sleep).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type PostgresStore, openPostgres } from '../../src/store/postgres/index.js';
import type { ListenerState } from '../../src/store/postgres/listener.js';
import { type StorePair, webhookDeliveries } from './store.js';

/** postgresFixtures gives the helpers for the database at `url` (undefined: the tests are skipped). */
export function postgresFixtures(url: string | undefined) {
  /** freshSchema names a schema no other test uses. */
  const freshSchema = () => `longrun_test_${randomBytes(6).toString('hex')}`;

  /** connect opens a plain client, optionally with `search_path` set to `schema`. */
  async function connect(schema?: string): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: url, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
    await client.connect();
    return client;
  }

  /** dropSchema drops `schema` with everything in it. */
  async function dropSchema(schema: string): Promise<void> {
    const client = await connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await client.end();
    }
  }

  /**
   * The contract's stores share one schema, migrated once (by the first open) and emptied before
   * each test: every row deleted, children first, and the sequences restarted, which leaves it as a
   * fresh migration would. Migrating a schema per test (and dropping it) made this file most of the
   * suite's time; DELETE beats TRUNCATE here too, on tables this small (measured: ~3 ms against
   * ~180 ms for TRUNCATE, ~116 ms for a migrated schema, on a loaded 2-core machine).
   * The schema is dropped after the file's tests.
   */
  let contractSchema: string | undefined;
  let emptyingSql: string | undefined;

  /** openFresh opens a store on the contract's schema, emptied first. */
  async function openFresh(): Promise<PostgresStore> {
    if (contractSchema === undefined) {
      contractSchema = freshSchema();
      return openPostgres(url!, { schema: contractSchema, webhookDeliveries });
    }
    const client = await connect(contractSchema);
    try {
      emptyingSql ??= await emptyingStatements(client, contractSchema);
      await client.query(emptyingSql);
    } finally {
      await client.end();
    }
    return openPostgres(url!, { schema: contractSchema, webhookDeliveries });
  }

  /**
   * emptyingStatements builds the DELETEs that empty every table of `schema` but its migration
   * record, each table after those whose foreign keys point at it, then restarts every sequence.
   * Found from the catalog, so a table a later migration adds is emptied too.
   */
  async function emptyingStatements(client: pg.Client, schema: string): Promise<string> {
    const tables = (await client.query<{ name: string }>(
      "SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 AND tablename <> 'schema_migrations'",
      [schema],
    )).rows.map((r) => r.name);
    const references = (await client.query<{ child: string; parent: string }>(
      `SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE k.contype = 'f' AND n.nspname = $1 AND c.relname <> p.relname`,
      [schema],
    )).rows;
    const ordered: string[] = [];
    const pending = new Set(tables);
    while (pending.size > 0) {
      // A table is emptied once no table still pending points at it.
      const next = [...pending].filter((t) => !references.some((r) => r.parent === t && pending.has(r.child)));
      assert.ok(next.length > 0, 'foreign keys form a cycle');
      for (const t of next.sort()) (ordered.push(t), pending.delete(t));
    }
    const sequences = (await client.query<{ name: string }>('SELECT sequencename AS name FROM pg_sequences WHERE schemaname = $1', [schema])).rows;
    const ident = (name: string) => `"${schema}"."${name}"`;
    const deletes = ordered.map((t) => `DELETE FROM ${ident(t)};`);
    // Twice: deleting jobs fires the trigger that counts them into job_counters (emptied earlier).
    return [...deletes, ...deletes, ...sequences.map((s) => `SELECT setval('${ident(s.name)}', 1, false);`)].join(' ');
  }

  /**
   * openPair opens two stores on a new schema of their own, as two processes sharing it; `watching`
   * settles once the second store's LISTEN connection listens.
   */
  async function openPair(): Promise<StorePair> {
    const schema = freshSchema();
    const listener = listening();
    const first = await openPostgres(url!, { schema, webhookDeliveries });
    const second = await openPostgres(url!, { schema, webhookDeliveries, onListenerState: listener.onState });
    return {
      first,
      second,
      watching: () => listener.up,
      close: async () => {
        await first.close();
        await second.close();
        await dropSchema(schema);
      },
    };
  }

  /** listening gives an onListenerState option and a promise that settles when a LISTEN connection first listens. */
  function listening() {
    let onState!: (state: ListenerState) => void;
    const up = new Promise<void>((resolve) => (onState = (state) => state.listening && resolve()));
    return { onState, up };
  }

  /** dropContractSchema drops the contract's shared schema, once its tests are done. */
  async function dropContractSchema(): Promise<void> {
    if (contractSchema !== undefined) await dropSchema(contractSchema);
  }

  return { connect, dropSchema, freshSchema, listening, openFresh, openPair, dropContractSchema };
}
