// Longrun as the bench runs it: the real CLI (`node dist/cli/index.js serve|worker`) in child
// processes, and the populate child that pre-inserts jobs through the service (createJob, the
// same code a POST runs, so rows, charges, events and counters are what the store writes).
import Database from 'better-sqlite3';
import pg from 'pg';
import { type Child, runTool, spawnNode } from './children.js';
import type { BenchContext } from './context.js';

/** HANDLERS is the module of the bench's job types (`bench/noop`, `bench/backlog`). */
export const HANDLERS = 'bench/handlers.mjs';

/** LongrunOptions say how to start one Longrun process. */
export interface LongrunOptions {
  /** db is `sqlite:PATH` or a postgres URL with `?schema=`. */
  db: string;
  durability?: 'full' | 'relaxed';
  /** dataDir is `--data-dir`, where output files go (else the CLI's default, ./data). */
  dataDir?: string;
  workers?: number;
  /** types limits a `worker` process to some job types. */
  types?: string[];
  /** maxMs bounds the process's life. */
  maxMs: number;
  nodeOptions?: string[];
}

/** LongrunServer is a running `longrun serve`. */
export interface LongrunServer {
  child: Child;
  url: string;
}

let profileDir: string | null = null;

/** profileInto makes every Longrun process from now on write a CPU profile (`--cpu-prof`) into `dir`. */
export function profileInto(dir: string): void {
  profileDir = dir;
}

function nodeOptions(o: LongrunOptions): string[] {
  return [...(o.nodeOptions ?? []), ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])];
}

function runtimeArgs(o: LongrunOptions): string[] {
  const args = ['--db', o.db, '--durability', o.durability ?? 'full', '--handlers', HANDLERS, '--grace-ms', '2000'];
  if (o.dataDir) args.push('--data-dir', o.dataDir);
  return args;
}

/** startServer runs `longrun serve` on a free port with the rate limit off and waits until it listens. */
export async function startServer(o: LongrunOptions): Promise<LongrunServer> {
  const args = ['dist/cli/index.js', 'serve', '--port', '0', '--rate-limit', '0', '--workers', String(o.workers ?? 0), ...runtimeArgs(o)];
  const child = spawnNode('longrun serve', args, { maxMs: o.maxMs, nodeOptions: nodeOptions(o) });
  const match = await child.waitForLine(/^listening on (http:\/\/\S+)/, 60_000);
  return { child, url: match[1]! };
}

/** startWorker runs `longrun worker` and waits until it runs. */
export async function startWorker(o: LongrunOptions & { concurrency: number }): Promise<Child> {
  const args = ['dist/cli/index.js', 'worker', '--concurrency', String(o.concurrency), ...runtimeArgs(o)];
  if (o.types) args.push('--types', o.types.join(','));
  const child = spawnNode('longrun worker', args, { maxMs: o.maxMs, nodeOptions: nodeOptions(o) });
  await child.waitForLine(/^worker \S+ running/, 60_000);
  return child;
}

/** PopulateResult is the account the jobs belong to and a key for it. */
export interface PopulateResult {
  accountId: string;
  key: string;
  inserted: number;
  perSec: number;
  /** sampleIds are a few of the inserted ids, spread over the run (for reads). */
  sampleIds: string[];
}

/**
 * populate pre-inserts `count` pending jobs of `type` through the service, making the account on
 * a fresh store (its key is returned) or using the account of `key`.
 */
export function populate(
  ctx: BenchContext,
  p: { db: string; durability?: 'full' | 'relaxed'; count: number; type: string; priority?: number; key?: string },
): Promise<PopulateResult> {
  return runTool<PopulateResult>('populate', { durability: 'relaxed', ...p }, { maxMs: 20 * 60_000 });
}

/** JobTally counts a store's jobs by status, and the windows in which they were created and ran. */
export interface JobTally {
  pending: number;
  running: number;
  completed: number;
  /** firstStartMs and lastCompleteMs bound the completed jobs' run (epoch ms). */
  firstStartMs: number | null;
  lastCompleteMs: number | null;
  /** firstCreateMs and lastCreateMs bound the counted jobs' creation (epoch ms). */
  firstCreateMs: number | null;
  lastCreateMs: number | null;
}

/**
 * JobReader reads a store's jobs table directly, to watch a burn-down from outside. It only
 * reads; the bench never writes SQL to Longrun's tables.
 */
export interface JobReader {
  /** queries counts the reader's own queries (each is a transaction in PostgreSQL's statistics). */
  readonly queries: number;
  tally(p: { type: string; since: number }): Promise<JobTally>;
  close(): Promise<void>;
}

/** openJobReader opens a read-only view of the store that `db` names. */
export async function openJobReader(db: string): Promise<JobReader> {
  if (db.startsWith('sqlite:')) {
    const file = new Database(db.slice('sqlite:'.length), { readonly: true });
    const stmt = file.prepare(`
      SELECT SUM(status = 'pending') AS pending, SUM(status = 'running') AS running, SUM(status = 'completed') AS completed,
        MIN(started_at) AS first, MAX(completed_at) AS last, MIN(created_at) AS firstCreate, MAX(created_at) AS lastCreate
      FROM jobs WHERE type = ? AND created_at >= ?`);
    return {
      queries: 0,
      async tally({ type, since }) {
        const row = stmt.get(type, since) as {
          pending: number | null; running: number | null; completed: number | null;
          first: number | null; last: number | null; firstCreate: number | null; lastCreate: number | null;
        };
        return {
          pending: row.pending ?? 0, running: row.running ?? 0, completed: row.completed ?? 0,
          firstStartMs: row.first, lastCompleteMs: row.last, firstCreateMs: row.firstCreate, lastCreateMs: row.lastCreate,
        };
      },
      async close() {
        file.close();
      },
    };
  }
  const url = new URL(db);
  const schema = url.searchParams.get('schema') ?? 'longrun';
  url.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  let queries = 0;
  return {
    get queries() {
      return queries;
    },
    async tally({ type, since }) {
      queries++;
      type Row = { pending: string; running: string; completed: string; first: string | null; last: string | null; first_create: string | null; last_create: string | null };
      const { rows } = await client.query<Row>(
        `SELECT count(*) FILTER (WHERE status = 'pending') AS pending, count(*) FILTER (WHERE status = 'running') AS running,
           count(*) FILTER (WHERE status = 'completed') AS completed,
           (extract(epoch FROM min(started_at)) * 1000)::float8 AS first, (extract(epoch FROM max(completed_at)) * 1000)::float8 AS last,
           (extract(epoch FROM min(created_at)) * 1000)::float8 AS first_create, (extract(epoch FROM max(created_at)) * 1000)::float8 AS last_create
         FROM "${schema}".jobs WHERE type = $1 AND created_at >= to_timestamp($2 / 1000.0)`,
        [type, since],
      );
      const row = rows[0]!;
      const ms = (value: string | null) => (value === null ? null : Number(value));
      return {
        pending: Number(row.pending),
        running: Number(row.running),
        completed: Number(row.completed),
        firstStartMs: ms(row.first),
        lastCompleteMs: ms(row.last),
        firstCreateMs: ms(row.first_create),
        lastCreateMs: ms(row.last_create),
      };
    },
    async close() {
      await client.end();
    },
  };
}

/** BurnRates are a burn's rates read from its jobs' own timestamps. */
export interface BurnRates {
  /** endToEnd is jobs/s from the first create to the last completion. */
  endToEnd: number;
  /** createsPerSec is jobs/s from the first create to the last. */
  createsPerSec: number;
}

/** burnRates turns the tally of `count` completed jobs into their rates; throws when a window is missing or empty. */
export function burnRates(tally: JobTally, count: number): BurnRates {
  const { firstCreateMs, lastCreateMs, lastCompleteMs } = tally;
  if (firstCreateMs === null || lastCreateMs === null || lastCompleteMs === null || lastCreateMs <= firstCreateMs) {
    throw new Error(`no time window in the tally: ${JSON.stringify(tally)}`);
  }
  return { endToEnd: count / ((lastCompleteMs - firstCreateMs) / 1000), createsPerSec: count / ((lastCreateMs - firstCreateMs) / 1000) };
}

/** waitForBurn polls the tally until `count` jobs since `since` completed; throws after `maxMs`. */
export async function waitForBurn(reader: JobReader, p: { type: string; since: number; count: number; maxMs: number }): Promise<JobTally> {
  const deadline = Date.now() + p.maxMs;
  for (;;) {
    const tally = await reader.tally(p);
    if (tally.completed >= p.count) return tally;
    if (Date.now() > deadline) throw new Error(`only ${tally.completed} of ${p.count} jobs completed within ${p.maxMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
