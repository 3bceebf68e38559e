// Scenario 9, python-worker: the Python worker library (clients/python) over the HTTP worker
// protocol, beside the in-process worker in the same run, on SQLite.
// - Burn-down: N no-op jobs pre-inserted (see populate), then run by one Python worker process
//   with concurrency 8 against an API node with --workers 0, or by the API node's own 8 workers
//   (the baseline); jobs/s is N over the time from the first start to the last completion, read
//   from the jobs' own timestamps. Rounds are interleaved.
// - Pickup: one job at a time (pickupClient) to an idle Python worker waiting in its long-poll
//   claim, from the client stamping its request to the Python handler starting; the baseline is
//   the same against the in-process workers.
// Skipped, saying so, where python3 is missing.
import { spawnSync } from 'node:child_process';
import { type Child, spawnNode, spawnProgram } from '../lib/children.js';
import { type BenchContext, freshDir } from '../lib/context.js';
import { type LongrunServer, openJobReader, populate, startServer, waitForBurn } from '../lib/longrun.js';
import { type BenchResult, makeResult } from '../lib/report.js';
import { type Scenario, interleave } from '../lib/scenario.js';
import { summarize } from '../lib/stats.js';
import { samplePickup } from './pickup.js';

const PYTHON = process.env.LONGRUN_BENCH_PYTHON ?? 'python3';
const CONCURRENCY = 8;
const MAX_MS = 10 * 60_000;

type Side = 'python' | 'inProcess';

/** workerKey makes a worker key for bench/noop on the store with the CLI, as an operator would. */
async function workerKey(db: string): Promise<string> {
  const cli = spawnNode('longrun keys create --worker', ['dist/cli/index.js', 'keys', 'create', '--worker', '--types', 'bench/noop', '--db', db], { maxMs: 60_000 });
  const [, key] = await cli.waitForLine(/(lrw_\S+)/, 60_000);
  await cli.exited;
  return key!;
}

async function startPython(url: string, key: string): Promise<Child> {
  const python = spawnProgram('python worker', PYTHON, ['bench/children/pythonWorker.py'], {
    env: { LONGRUN_URL: url, LONGRUN_WORKER_KEY: key, CONCURRENCY: String(CONCURRENCY) },
    maxMs: MAX_MS,
  });
  await python.waitForLine(/^python worker running/, 60_000);
  return python;
}

/** burn pre-inserts N no-op jobs, runs them on one side, and returns jobs/s from their timestamps. */
async function burn(ctx: BenchContext, side: Side): Promise<number> {
  const count = ctx.sizes.burnJobs;
  const since = Date.now() - 1000;
  const db = `sqlite:${freshDir(ctx, `python-burn-${side}`)}/longrun.db`;
  await populate(ctx, { db, durability: 'full', count, type: 'bench/noop' });
  const key = side === 'python' ? await workerKey(db) : '';
  const reader = await openJobReader(db);
  let server: LongrunServer | undefined;
  let python: Child | undefined;
  try {
    server = await startServer({ db, workers: side === 'inProcess' ? CONCURRENCY : 0, maxMs: MAX_MS });
    if (side === 'python') python = await startPython(server.url, key);
    const tally = await waitForBurn(reader, { type: 'bench/noop', since, count, maxMs: 5 * 60_000 });
    return count / ((tally.lastCompleteMs! - tally.firstStartMs!) / 1000);
  } finally {
    await python?.stop();
    await server?.child.stop();
    await reader.close();
  }
}

/** pickup samples create → handler start, one job at a time, on one side. */
async function pickup(ctx: BenchContext, side: Side): Promise<number> {
  const db = `sqlite:${freshDir(ctx, `python-pickup-${side}`)}/longrun.db`;
  const { key } = await populate(ctx, { db, durability: 'full', count: 0, type: 'bench/noop' });
  const wkey = side === 'python' ? await workerKey(db) : '';
  const server = await startServer({ db, workers: side === 'inProcess' ? CONCURRENCY : 0, maxMs: MAX_MS });
  let python: Child | undefined;
  try {
    if (side === 'python') python = await startPython(server.url, wkey);
    return (await samplePickup(server.url, key, ctx.sizes.pickupSamples, ctx.sizes.pickupWarmup)).p50;
  } finally {
    await python?.stop();
    await server.child.stop();
  }
}

export const pythonWorker: Scenario = {
  name: 'python-worker',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    if (spawnSync(PYTHON, ['--version']).status !== 0) {
      console.log(`python-worker: skipped, because ${PYTHON} was not found (LONGRUN_BENCH_PYTHON picks another)`);
      return [];
    }
    const burns = await interleave(ctx.sizes.rounds, { inProcess: () => burn(ctx, 'inProcess'), python: () => burn(ctx, 'python') });
    const pickups = await interleave(ctx.sizes.rounds, { inProcess: () => pickup(ctx, 'inProcess'), python: () => pickup(ctx, 'python') });
    const ours = summarize(burns.python);
    const baseline = summarize(burns.inProcess);
    const oursPickup = summarize(pickups.python);
    const baselinePickup = summarize(pickups.inProcess);
    return [
      makeResult({
        name: `python worker: no-op burn-down ${ctx.sizes.burnJobs}, concurrency ${CONCURRENCY} (SQLite durable)`,
        unit: 'jobs/s', value: ours.median, spread: ours.spread, baseline: 'in-process workers', baselineValue: baseline.median,
      }),
      makeResult({
        name: 'python worker: pickup p50 through the long-poll claim',
        unit: 'ms', value: oursPickup.median, spread: oursPickup.spread, baseline: 'in-process workers', baselineValue: baselinePickup.median,
      }),
    ];
  },
};
