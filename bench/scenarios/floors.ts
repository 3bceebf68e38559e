// Scenario 1, the floors: what this machine can do at all. Every later figure is read against
// these: the disk's fsyncs per second bound durable commits, bare node:http and bare Fastify
// bound requests per second, `SELECT 1` and the NOTIFY hop bound anything on PostgreSQL.
import { runTool } from '../lib/children.js';
import type { BenchContext } from '../lib/context.js';
import { type BenchResult, makeResult } from '../lib/report.js';
import { type Scenario, interleave, load, startBare } from '../lib/scenario.js';
import { summarize } from '../lib/stats.js';

interface FloorsOutput {
  fsyncPerSec: number;
  select1: { p50: number; p99: number };
  notifyHop: { p50: number; p99: number };
}

export const floors: Scenario = {
  name: 'floors',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const measured = await runTool<FloorsOutput>(
      'floors',
      { dataDir: ctx.dataDir, pgUrl: ctx.pgUrl, fsyncMs: ctx.mode === 'quick' ? 1000 : 3000, samples: ctx.mode === 'quick' ? 300 : 1000 },
      { maxMs: 120_000 },
    );
    ctx.floors.fsyncPerSec = measured.fsyncPerSec;
    ctx.floors.select1P50 = measured.select1.p50;
    ctx.floors.notifyHopP50 = measured.notifyHop.p50;

    const http = await startBare('http');
    const fastify = await startBare('fastify');
    try {
      const runs = await interleave(ctx.sizes.rounds, {
        http: () => load({ url: `${http.url}/`, connections: ctx.sizes.connections, durationSec: ctx.sizes.loadSec }),
        fastify: () => load({ url: `${fastify.url}/`, connections: ctx.sizes.connections, durationSec: ctx.sizes.loadSec }),
      });
      const httpRps = summarize(runs.http.map((r) => r.rps));
      const fastifyRps = summarize(runs.fastify.map((r) => r.rps));
      ctx.floors.httpRps = httpRps.median;
      ctx.floors.fastifyRps = fastifyRps.median;
      return [
        makeResult({ name: 'floor: fsync of the data disk', unit: '/s', value: measured.fsyncPerSec }),
        makeResult({ name: 'floor: bare node:http GET', unit: 'req/s', value: httpRps.median, spread: httpRps.spread }),
        makeResult({
          name: 'floor: bare Fastify GET',
          unit: 'req/s',
          value: fastifyRps.median,
          spread: fastifyRps.spread,
          baseline: 'node:http',
          baselineValue: httpRps.median,
        }),
        makeResult({ name: 'floor: PostgreSQL SELECT 1 p50', unit: 'ms', value: measured.select1.p50 }),
        makeResult({ name: 'floor: NOTIFY→LISTEN hop p50', unit: 'ms', value: measured.notifyHop.p50 }),
        makeResult({ name: 'floor: NOTIFY→LISTEN hop p99', unit: 'ms', value: measured.notifyHop.p99 }),
      ];
    } finally {
      await http.child.stop();
      await fastify.child.stop();
    }
  },
};
