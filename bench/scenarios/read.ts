// Scenario 5, read: get by id and list pages (the first page, a status filter, a deep cursor) on
// the deep store (1M jobs in the full run), one request at a time, against a bare Fastify route
// answering the very bytes Longrun answered for the same paths.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeCursor } from '../../src/service/readJobs.js';
import { runTool } from '../lib/children.js';
import { type BenchContext, freshDir } from '../lib/context.js';
import { growDeepStore } from '../lib/deepStore.js';
import { startServer } from '../lib/longrun.js';
import { type BenchResult, makeResult } from '../lib/report.js';
import { type Scenario, interleave, startBare } from '../lib/scenario.js';
import { summarize } from '../lib/stats.js';

interface Latency {
  p50: number;
  p99: number;
  rps: number;
}

export const read: Scenario = {
  name: 'read',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const depths = ctx.sizes.depths;
    const store = await growDeepStore(ctx, depths[depths.length - 1]!);
    const server = await startServer({ db: store.db, durability: 'relaxed', workers: 0, maxMs: 15 * 60_000 });
    const headers = { 'x-api-key': store.key };
    const ids = store.sampleIds;
    const deepId = ids[Math.floor(ids.length * 0.05)]!; // about 95% of the way back in history
    const shapes: Record<string, string[]> = {
      get: ids.map((id) => `/v1/jobs/${id}`),
      first: ['/v1/jobs?limit=25'],
      status: ['/v1/jobs?limit=25&status=pending'],
      deep: [`/v1/jobs?limit=25&cursor=${encodeCursor(deepId)}`],
    };
    // Record what Longrun answers, so the baseline sends the same bytes.
    const dir = freshDir(ctx, 'read-replies');
    mkdirSync(dir, { recursive: true });
    const replies: Record<string, string> = {};
    let n = 0;
    for (const path of Object.values(shapes).flat()) {
      const response = await fetch(`${server.url}${path}`, { headers });
      if (response.status !== 200) throw new Error(`GET ${path}: ${response.status}`);
      const file = join(dir, `${++n}.json`);
      writeFileSync(file, Buffer.from(await response.arrayBuffer()));
      replies[path] = file;
    }
    const bare = await startBare('fastify', replies);
    try {
      const measure = (url: string, paths: string[]) => () =>
        runTool<Latency>('latencyClient', { url, headers, paths, durationMs: ctx.sizes.loadSec * 1000, warmup: 50 }, { maxMs: 5 * 60_000 });
      const results: BenchResult[] = [];
      const p99: Record<string, number> = {};
      for (const [shape, label, limit] of [
        ['get', 'get by id', 2],
        ['first', 'list, first page', 5],
        ['status', 'list, status filter', 5],
        ['deep', 'list, deep cursor', 5],
      ] as const) {
        const runs = await interleave(ctx.sizes.rounds, { bare: measure(bare.url, shapes[shape]!), ours: measure(server.url, shapes[shape]!) });
        const ours = summarize(runs.ours.map((r) => r.p99));
        const base = summarize(runs.bare.map((r) => r.p99));
        p99[shape] = ours.median;
        results.push(
          makeResult({ name: `read: ${label} p99 (${store.pending.toLocaleString('en-US')} jobs)`, unit: 'ms', value: ours.median, spread: ours.spread, baseline: 'bare Fastify, same bytes', baselineValue: base.median, target: { on: 'value', op: '<=', limit } }),
        );
      }
      results.push(
        makeResult({ name: 'read: deep cursor vs first page p99', unit: 'ms', value: p99.deep!, baseline: 'first page', baselineValue: p99.first!, target: { on: 'ratio', op: '<=', limit: 1.5 } }),
      );
      return results;
    } finally {
      await bare.child.stop();
      await server.child.stop();
    }
  },
};
