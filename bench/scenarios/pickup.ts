// Scenario 4, pickup: create → handler start, one job at a time after a warm-up, then the same
// while a load generator keeps the server half busy (50% of the create rate it just showed).
// SQLite runs its workers in the API process; PostgreSQL runs an API node and a worker process
// that hears of new jobs through LISTEN/NOTIFY; graphile-worker is measured the same way beside it.
// A sample runs from the client stamping its request to the handler starting, so it includes the
// create itself (HTTP, validation, the durable insert).
import { type Child, runTool } from '../lib/children.js';
import { type BenchContext, freshDir, freshSchema, withSchema } from '../lib/context.js';
import { type LongrunServer, startServer, startWorker } from '../lib/longrun.js';
import { type BenchResult, makeResult } from '../lib/report.js';
import { API_KEY_LINE, type Scenario, interleave, load, startLoad } from '../lib/scenario.js';
import { summarize } from '../lib/stats.js';

const BACKGROUND_BODY = JSON.stringify({ type: 'bench/noop', input: {}, priority: -1 });

/** Pickup is the p50 and p99 of create → handler start, in ms. */
export interface Pickup {
  p50: number;
  p99: number;
}

/**
 * samplePickup runs the pickup client against a server: one sample at a time, or paced at
 * `ratePerSec` samples a second (a light load of its own).
 */
export function samplePickup(url: string, key: string, samples: number, warmup: number, ratePerSec?: number): Promise<Pickup> {
  return runTool<Pickup>('pickupClient', { url, key, samples, warmup, ratePerSec }, { maxMs: 10 * 60_000 });
}

export const pickup: Scenario = {
  name: 'pickup',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const maxMs = 20 * 60_000;
    const { rounds, pickupSamples, pickupWarmup, concurrency } = ctx.sizes;
    const perRound = Math.ceil(pickupSamples / rounds);
    const pgDb = withSchema(ctx.pgUrl, freshSchema('pickup'));
    const graphileSchema = freshSchema('graphile_pickup');
    const servers: Record<'sqliteRelaxed' | 'sqliteDurable' | 'postgres', LongrunServer> = {
      sqliteRelaxed: await startServer({ db: `sqlite:${freshDir(ctx, 'pickup-relaxed')}/longrun.db`, durability: 'relaxed', workers: 4, maxMs }),
      sqliteDurable: await startServer({ db: `sqlite:${freshDir(ctx, 'pickup-durable')}/longrun.db`, durability: 'full', workers: 4, maxMs }),
      postgres: await startServer({ db: pgDb, workers: 0, maxMs }),
    };
    let pgWorker: Child | undefined;
    try {
      pgWorker = await startWorker({ db: pgDb, concurrency: 4, types: ['bench/noop'], maxMs });
      const keys = Object.fromEntries(
        await Promise.all(Object.entries(servers).map(async ([name, s]) => [name, (await s.child.waitForLine(API_KEY_LINE))[1]!])),
      ) as Record<keyof typeof servers, string>;
      const ours = (name: keyof typeof servers) => () => samplePickup(servers[name].url, keys[name], perRound, pickupWarmup);
      const runs = await interleave(rounds, {
        sqliteRelaxed: ours('sqliteRelaxed'),
        sqliteDurable: ours('sqliteDurable'),
        postgres: ours('postgres'),
        graphile: () =>
          runTool<Pickup>('graphile', { pgUrl: ctx.pgUrl, schema: graphileSchema, concurrency: 4, mode: 'pickup', count: perRound, warmup: pickupWarmup }, { maxMs: 10 * 60_000 }),
      });

      // Under load: a stream of no-op jobs at half the rate the server takes them, measured just
      // now, at a lower priority, so each sample measures a busy server and not a queue's order.
      const loaded: Record<string, Pickup> = {};
      for (const name of ['sqliteRelaxed', 'postgres'] as const) {
        const server = servers[name];
        const headers = { 'content-type': 'application/json', 'x-api-key': keys[name] };
        const probe = await load({ url: `${server.url}/v1/jobs`, method: 'POST', headers, body: BACKGROUND_BODY, connections: ctx.sizes.connections, durationSec: 2 });
        const background = startLoad({
          url: `${server.url}/v1/jobs`, method: 'POST', headers, body: BACKGROUND_BODY, connections: ctx.sizes.connections,
          durationSec: 600, overallRate: Math.max(1, Math.round(probe.rps / 2)),
        });
        try {
          loaded[name] = await samplePickup(server.url, keys[name], perRound, pickupWarmup);
        } finally {
          await background.stop();
        }
      }

      const hop = ctx.floors.notifyHopP50 ?? Number.NaN;
      const med = (list: Pickup[], key: 'p50' | 'p99') => summarize(list.map((p) => p[key]));
      const results: BenchResult[] = [];
      for (const [name, label] of [['sqliteRelaxed', 'SQLite relaxed (in-process)'], ['sqliteDurable', 'SQLite durable (in-process)']] as const) {
        const p50 = med(runs[name], 'p50');
        const p99 = med(runs[name], 'p99');
        results.push(
          makeResult({ name: `pickup: ${label} p50`, unit: 'ms', value: p50.median, spread: p50.spread, target: { on: 'value', op: '<=', limit: 1 } }),
          makeResult({ name: `pickup: ${label} p99`, unit: 'ms', value: p99.median, spread: p99.spread, target: { on: 'value', op: '<=', limit: 5 } }),
        );
      }
      const pg50 = med(runs.postgres, 'p50');
      const pg99 = med(runs.postgres, 'p99');
      const gw50 = med(runs.graphile, 'p50');
      const gw99 = med(runs.graphile, 'p99');
      results.push(
        makeResult({ name: 'pickup: PostgreSQL (worker process) p50', unit: 'ms', value: pg50.median, spread: pg50.spread, baseline: 'graphile-worker', baselineValue: gw50.median, target: { on: 'value', op: '<=', limit: Math.round((hop + 2) * 100) / 100 }, note: 'target: the NOTIFY hop + 2 ms' }),
        makeResult({ name: 'pickup: PostgreSQL (worker process) p99', unit: 'ms', value: pg99.median, spread: pg99.spread, baseline: 'graphile-worker', baselineValue: gw99.median, target: { on: 'value', op: '<=', limit: 15 } }),
        makeResult({ name: 'pickup under 50% load: SQLite relaxed p50', unit: 'ms', value: loaded.sqliteRelaxed!.p50, baseline: 'idle', baselineValue: med(runs.sqliteRelaxed, 'p50').median }),
        makeResult({ name: 'pickup under 50% load: SQLite relaxed p99', unit: 'ms', value: loaded.sqliteRelaxed!.p99, baseline: 'idle', baselineValue: med(runs.sqliteRelaxed, 'p99').median }),
        makeResult({ name: 'pickup under 50% load: PostgreSQL p50', unit: 'ms', value: loaded.postgres!.p50, baseline: 'idle', baselineValue: pg50.median }),
        makeResult({ name: 'pickup under 50% load: PostgreSQL p99', unit: 'ms', value: loaded.postgres!.p99, baseline: 'idle', baselineValue: pg99.median }),
      );
      return results;
    } finally {
      await pgWorker?.stop();
      await Promise.all(Object.values(servers).map((s) => s.child.stop()));
    }
  },
};
