// Scenario 3, e2e: no-op jobs enqueued → claimed → completed.
// - Burn-down: N jobs pre-inserted (through the service, see populate), then `longrun worker`
//   runs them; jobs/s is N over the time from the first start to the last completion, read from
//   the jobs' own timestamps. Baseline: the raw store loop on the same store. Peers on the same
//   PostgreSQL with the same handler, concurrency and N: graphile-worker and pg-boss.
// - Continuous: a producer keeps ~4,000 jobs pending while the workers run; jobs/s is what
//   completes in a fixed window. Baseline: the raw store loop under the same producer.
// On PostgreSQL, transactions per second (pg_stat_database) are reported beside jobs per second.
import { type Child, runTool, startTool } from '../lib/children.js';
import { type BenchContext, freshDir, freshSchema, withSchema } from '../lib/context.js';
import { type JobReader, openJobReader, populate, startWorker, waitForBurn } from '../lib/longrun.js';
import { commitCount } from '../lib/postgres.js';
import { type BenchResult, makeResult } from '../lib/report.js';
import { type Scenario, interleave } from '../lib/scenario.js';
import { summarize } from '../lib/stats.js';

type Store = 'sqliteRelaxed' | 'sqliteDurable' | 'postgres';

interface Burn {
  jobsPerSec: number;
  txPerSec?: number;
}

const LABEL: Record<Store, string> = { sqliteRelaxed: 'SQLite relaxed', sqliteDurable: 'SQLite durable', postgres: 'PostgreSQL' };
const DURABILITY: Record<Store, 'full' | 'relaxed'> = { sqliteRelaxed: 'relaxed', sqliteDurable: 'full', postgres: 'full' };
const TARGET: Record<Store, number> = { sqliteRelaxed: 20_000, sqliteDurable: 10_000, postgres: 5_000 };

/** againstRawLoop is one jobs/s figure of ours beside the raw store loop's, with the store's target. */
function againstRawLoop(name: string, store: Store, ours: { median: number; spread: number }, raw: { median: number }): BenchResult {
  return makeResult({
    name,
    unit: 'jobs/s',
    value: ours.median,
    spread: ours.spread,
    baseline: 'raw store loop',
    baselineValue: raw.median,
    target: { on: 'value', op: '>=', limit: TARGET[store] },
  });
}

function freshDb(ctx: BenchContext, store: Store): string {
  return store === 'postgres' ? withSchema(ctx.pgUrl, freshSchema('e2e')) : `sqlite:${freshDir(ctx, `e2e-${store}`)}/longrun.db`;
}

/** burnOurs pre-inserts N jobs, runs `longrun worker` until they are done, and reads the window. */
async function burnOurs(ctx: BenchContext, store: Store): Promise<Burn> {
  const db = freshDb(ctx, store);
  const since = Date.now() - 1000;
  await populate(ctx, { db, durability: DURABILITY[store], count: ctx.sizes.burnJobs, type: 'bench/noop' });
  const reader = await openJobReader(db);
  let worker: Child | undefined;
  try {
    const commitsBefore = store === 'postgres' ? await commitCount(ctx.pgUrl) : 0;
    worker = await startWorker({ db, durability: DURABILITY[store], concurrency: ctx.sizes.concurrency, types: ['bench/noop'], maxMs: 5 * 60_000 });
    const tally = await waitForBurn(reader, { type: 'bench/noop', since, count: ctx.sizes.burnJobs, maxMs: 4 * 60_000 });
    const seconds = (tally.lastCompleteMs! - tally.firstStartMs!) / 1000;
    const burn: Burn = { jobsPerSec: ctx.sizes.burnJobs / seconds };
    if (store === 'postgres') burn.txPerSec = ((await commitCount(ctx.pgUrl)) - commitsBefore - reader.queries) / seconds;
    return burn;
  } finally {
    await worker?.stop();
    await reader.close();
  }
}

/** burnRaw pre-inserts N jobs and runs the raw store loop over them. */
async function burnRaw(ctx: BenchContext, store: Store): Promise<Burn> {
  const db = freshDb(ctx, store);
  await populate(ctx, { db, durability: DURABILITY[store], count: ctx.sizes.burnJobs, type: 'bench/noop' });
  const commitsBefore = store === 'postgres' ? await commitCount(ctx.pgUrl) : 0;
  const raw = await runTool<{ jobsPerSec: number; seconds: number }>(
    'rawLoop',
    { db, durability: DURABILITY[store], concurrency: ctx.sizes.concurrency, mode: 'burn', count: ctx.sizes.burnJobs },
    { maxMs: 5 * 60_000 },
  );
  const burn: Burn = { jobsPerSec: raw.jobsPerSec };
  if (store === 'postgres') burn.txPerSec = ((await commitCount(ctx.pgUrl)) - commitsBefore) / raw.seconds;
  return burn;
}

function burnPeer(ctx: BenchContext, peer: 'graphile' | 'pgboss'): Promise<Burn> {
  const maxSeconds = ctx.mode === 'quick' ? 4 : 10;
  return runTool<Burn>(
    peer,
    { pgUrl: ctx.pgUrl, schema: freshSchema(peer), concurrency: ctx.sizes.concurrency, mode: 'burn', count: ctx.sizes.burnJobs, maxSeconds },
    { maxMs: 6 * 60_000 },
  );
}

/** continuous runs `runner` while the feeder keeps ~4,000 jobs pending; returns jobs/s. */
async function continuous(ctx: BenchContext, store: Store, runner: 'ours' | 'raw'): Promise<number> {
  const db = freshDb(ctx, store);
  const { key } = await populate(ctx, { db, durability: DURABILITY[store], count: 0, type: 'bench/noop' });
  const feeder = startTool('feeder', { db, durability: DURABILITY[store], key, target: 4000 }, { maxMs: 5 * 60_000 });
  let worker: Child | undefined;
  let reader: JobReader | undefined;
  try {
    await feeder.waitForLine(/^READY$/, 120_000);
    const windowMs = ctx.sizes.continuousSec * 1000;
    if (runner === 'raw') {
      const raw = await runTool<{ jobsPerSec: number }>(
        'rawLoop',
        { db, durability: DURABILITY[store], concurrency: ctx.sizes.concurrency, mode: 'timed', durationMs: windowMs + 1000, warmupMs: 1000 },
        { maxMs: 5 * 60_000 },
      );
      return raw.jobsPerSec;
    }
    reader = await openJobReader(db);
    worker = await startWorker({ db, durability: DURABILITY[store], concurrency: ctx.sizes.concurrency, types: ['bench/noop'], maxMs: 5 * 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const before = await reader.tally({ type: 'bench/noop', since: 0 });
    const t0 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const after = await reader.tally({ type: 'bench/noop', since: 0 });
    return ((after.completed - before.completed) / (performance.now() - t0)) * 1000;
  } finally {
    feeder.send('stop');
    await worker?.stop();
    await feeder.stop();
    await reader?.close();
  }
}

export const e2e: Scenario = {
  name: 'e2e',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const burns = await interleave(ctx.sizes.e2eRounds, {
      rawSqliteRelaxed: () => burnRaw(ctx, 'sqliteRelaxed'),
      sqliteRelaxed: () => burnOurs(ctx, 'sqliteRelaxed'),
      rawSqliteDurable: () => burnRaw(ctx, 'sqliteDurable'),
      sqliteDurable: () => burnOurs(ctx, 'sqliteDurable'),
      rawPostgres: () => burnRaw(ctx, 'postgres'),
      postgres: () => burnOurs(ctx, 'postgres'),
      graphile: () => burnPeer(ctx, 'graphile'),
      pgboss: () => burnPeer(ctx, 'pgboss'),
    });
    const jobs = (list: Burn[]) => summarize(list.map((b) => b.jobsPerSec));
    const tx = (list: Burn[]) => summarize(list.map((b) => b.txPerSec ?? Number.NaN));
    const n = ctx.sizes.burnJobs;
    const results: BenchResult[] = [];
    for (const store of ['sqliteRelaxed', 'sqliteDurable', 'postgres'] as const) {
      const raw = jobs(burns[`raw${store[0]!.toUpperCase()}${store.slice(1)}` as 'rawPostgres']);
      results.push(againstRawLoop(`e2e burn-down ${n}: ${LABEL[store]}`, store, jobs(burns[store]), raw));
    }
    const pgOurs = jobs(burns.postgres);
    const graphile = jobs(burns.graphile);
    const pgboss = jobs(burns.pgboss);
    results.push(
      makeResult({ name: `e2e burn-down ${n}: PostgreSQL vs pg-boss`, unit: 'jobs/s', value: pgOurs.median, baseline: 'pg-boss', baselineValue: pgboss.median, spread: pgboss.spread, note: 'pg-boss waits its polling interval (≥ 0.5 s) after each fetch of `concurrency` jobs, so its burn is time-boxed', target: { on: 'ratio', op: '>=', limit: 2 } }),
      makeResult({ name: `e2e burn-down ${n}: PostgreSQL vs graphile-worker`, unit: 'jobs/s', value: pgOurs.median, baseline: 'graphile-worker', baselineValue: graphile.median, spread: graphile.spread, target: { on: 'ratio', op: '>=', limit: 1 } }),
      makeResult({ name: 'e2e burn-down: PostgreSQL transactions', unit: 'tx/s', value: tx(burns.postgres).median, baseline: 'raw store loop', baselineValue: tx(burns.rawPostgres).median }),
      makeResult({ name: 'e2e burn-down: graphile-worker transactions', unit: 'tx/s', value: tx(burns.graphile).median }),
      makeResult({ name: 'e2e burn-down: pg-boss transactions', unit: 'tx/s', value: tx(burns.pgboss).median }),
    );

    const steady = await interleave(ctx.sizes.e2eRounds, {
      rawSqliteRelaxed: () => continuous(ctx, 'sqliteRelaxed', 'raw'),
      sqliteRelaxed: () => continuous(ctx, 'sqliteRelaxed', 'ours'),
      rawPostgres: () => continuous(ctx, 'postgres', 'raw'),
      postgres: () => continuous(ctx, 'postgres', 'ours'),
    });
    for (const store of ['sqliteRelaxed', 'postgres'] as const) {
      const raw = summarize(store === 'postgres' ? steady.rawPostgres : steady.rawSqliteRelaxed);
      results.push(againstRawLoop(`e2e continuous (~4,000 pending): ${LABEL[store]}`, store, summarize(steady[store]), raw));
    }
    return results;
  },
};
