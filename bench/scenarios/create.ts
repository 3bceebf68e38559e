// Scenario 2, create: POST /v1/jobs (a ~200-byte demo/sleep body, validated, durable) against a
// bare Fastify route with the same schema and body that stores nothing. Closed loop, no
// pipelining, autocannon in its own process; the servers run no workers.
import type { BenchContext } from '../lib/context.js';
import { freshDir, freshSchema, withSchema } from '../lib/context.js';
import { startServer } from '../lib/longrun.js';
import { type BenchResult, makeResult } from '../lib/report.js';
import { API_KEY_LINE, CREATE_BODY, type LoadResult, type Scenario, interleave, load, startBare } from '../lib/scenario.js';
import { summarize } from '../lib/stats.js';

const VARIANTS = [
  { key: 'sqliteDurable', label: 'SQLite durable', target: 0.5 },
  { key: 'sqliteRelaxed', label: 'SQLite relaxed', target: 0.7 },
  { key: 'postgres', label: 'PostgreSQL', target: 0.4 },
] as const;

export const create: Scenario = {
  name: 'create',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const maxMs = 20 * 60_000;
    const bare = await startBare('fastify');
    const servers = {
      sqliteDurable: await startServer({ db: `sqlite:${freshDir(ctx, 'create-durable')}/longrun.db`, durability: 'full', maxMs }),
      sqliteRelaxed: await startServer({ db: `sqlite:${freshDir(ctx, 'create-relaxed')}/longrun.db`, durability: 'relaxed', maxMs }),
      postgres: await startServer({ db: withSchema(ctx.pgUrl, freshSchema('create')), maxMs }),
    };
    try {
      const keys = Object.fromEntries(
        await Promise.all(Object.entries(servers).map(async ([name, s]) => [name, (await s.child.waitForLine(API_KEY_LINE))[1]!])),
      ) as Record<keyof typeof servers, string>;
      const post = (url: string, key?: string) => () =>
        load({
          url: `${url}/v1/jobs`,
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
          body: CREATE_BODY,
          connections: ctx.sizes.connections,
          durationSec: ctx.sizes.loadSec,
        });
      const runs = await interleave(ctx.sizes.rounds, {
        bare: post(bare.url, 'bench'),
        sqliteDurable: post(servers.sqliteDurable.url, keys.sqliteDurable),
        sqliteRelaxed: post(servers.sqliteRelaxed.url, keys.sqliteRelaxed),
        postgres: post(servers.postgres.url, keys.postgres),
      });
      const rps = (list: LoadResult[]) => summarize(list.map((r) => r.rps));
      const p99 = (list: LoadResult[]) => summarize(list.map((r) => r.p99));
      const bareRps = rps(runs.bare);
      const bareP99 = p99(runs.bare);
      const results: BenchResult[] = [];
      for (const v of VARIANTS) {
        const ours = rps(runs[v.key]);
        const oursP99 = p99(runs[v.key]);
        results.push(
          makeResult({
            name: `create: ${v.label}`,
            unit: 'req/s',
            value: ours.median,
            spread: ours.spread,
            baseline: 'bare Fastify',
            baselineValue: bareRps.median,
            target: { on: 'ratio', op: '>=', limit: v.target },
          }),
          makeResult({ name: `create: ${v.label} p99`, unit: 'ms', value: oursP99.median, spread: oursP99.spread, baseline: 'bare Fastify', baselineValue: bareP99.median }),
        );
      }
      return results;
    } finally {
      await Promise.all([bare.child.stop(), ...Object.values(servers).map((s) => s.child.stop())]);
    }
  },
};
