// Scenario 6, depth: create, claim+complete and pickup with 1k, 100k and 1M jobs pending, each
// against its own value at 1k. SQLite (relaxed), an API node and a `longrun worker` process on
// one file; the pending jobs are a backlog of another type at a lower priority (see deepStore).
import type { Child } from '../lib/children.js';
import type { BenchContext } from '../lib/context.js';
import { growDeepStore } from '../lib/deepStore.js';
import { type LongrunServer, openJobReader, populate, startServer, startWorker, waitForBurn } from '../lib/longrun.js';
import { type BenchResult, makeResult } from '../lib/report.js';
import { CREATE_BODY, type Scenario, load } from '../lib/scenario.js';
import { samplePickup } from './pickup.js';

interface Level {
  pending: number;
  createRps: number;
  burnJobsPerSec: number;
  pickupP50: number;
  pickupP99: number;
}

async function measureLevel(ctx: BenchContext, pending: number): Promise<Level> {
  const store = await growDeepStore(ctx, pending);
  const maxMs = 10 * 60_000;
  let server: LongrunServer | undefined;
  let worker: Child | undefined;
  const reader = await openJobReader(store.db);
  try {
    server = await startServer({ db: store.db, durability: 'relaxed', workers: 0, maxMs });
    const headers = { 'content-type': 'application/json', 'x-api-key': store.key };
    const create = await load({ url: `${server.url}/v1/jobs`, method: 'POST', headers, body: CREATE_BODY, connections: ctx.sizes.connections, durationSec: ctx.sizes.loadSec });
    const since = Date.now() - 1000;
    await populate(ctx, { db: store.db, key: store.key, count: ctx.sizes.depthBurnJobs, type: 'bench/noop' });
    worker = await startWorker({ db: store.db, durability: 'relaxed', concurrency: ctx.sizes.concurrency, types: ['bench/noop'], maxMs });
    const tally = await waitForBurn(reader, { type: 'bench/noop', since, count: ctx.sizes.depthBurnJobs, maxMs: 5 * 60_000 });
    const burn = ctx.sizes.depthBurnJobs / ((tally.lastCompleteMs! - tally.firstStartMs!) / 1000);
    const pickup = await samplePickup(server.url, store.key, ctx.sizes.depthPickupSamples, 20);
    return { pending, createRps: create.rps, burnJobsPerSec: burn, pickupP50: pickup.p50, pickupP99: pickup.p99 };
  } finally {
    await worker?.stop();
    await server?.child.stop();
    await reader.close();
  }
}

export const depth: Scenario = {
  name: 'depth',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const levels: Level[] = [];
    for (const pending of ctx.sizes.depths) levels.push(await measureLevel(ctx, pending));
    const base = levels[0]!;
    const label = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);
    const results: BenchResult[] = [];
    for (const level of levels.slice(1)) {
      const at = `at ${label(level.pending)} pending`;
      const vs = `at ${label(base.pending)}`;
      results.push(
        makeResult({ name: `depth: create ${at}`, unit: 'req/s', value: level.createRps, baseline: vs, baselineValue: base.createRps, target: { on: 'ratio', op: '>=', limit: 0.8 } }),
        makeResult({ name: `depth: claim+complete ${at}`, unit: 'jobs/s', value: level.burnJobsPerSec, baseline: vs, baselineValue: base.burnJobsPerSec, target: { on: 'ratio', op: '>=', limit: 0.8 } }),
        makeResult({ name: `depth: pickup p50 ${at}`, unit: 'ms', value: level.pickupP50, baseline: vs, baselineValue: base.pickupP50, target: { on: 'ratio', op: '<=', limit: 1.25 } }),
        makeResult({ name: `depth: pickup p99 ${at}`, unit: 'ms', value: level.pickupP99, baseline: vs, baselineValue: base.pickupP99, target: { on: 'ratio', op: '<=', limit: 1.5 } }),
      );
    }
    return results;
  },
};
