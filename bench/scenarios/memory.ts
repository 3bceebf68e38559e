// Scenario 7, memory: the API process's resident memory idle, with 100k jobs pending, and holding
// 10k open SSE streams (the client swarm in its own process), against bare Fastify holding the
// same streams; then one change (a cancel) and how long it takes to reach every stream.
import { rssKb, startTool } from '../lib/children.js';
import { type BenchContext, freshDir } from '../lib/context.js';
import { populate, startServer } from '../lib/longrun.js';
import { type BenchResult, makeResult } from '../lib/report.js';
import { type Scenario, startBare } from '../lib/scenario.js';

interface Swarm {
  p50: number;
  p99: number;
  reached: number;
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** holdStreams opens the swarm on a server, reads the server's RSS with the streams open, then fires the change. */
async function holdStreams(
  ctx: BenchContext,
  p: { url: string; pid: number; streamPath: string; cancelPath: string; headers: Record<string, string> },
): Promise<{ before: number; open: number; swarm: Swarm }> {
  await settle(1000);
  const before = await rssKb(p.pid);
  const swarm = startTool('sseSwarm', { ...p, streams: ctx.sizes.streams }, { maxMs: 10 * 60_000 });
  await swarm.waitForLine(/^OPEN \d+$/, 5 * 60_000);
  await settle(1000);
  const open = await rssKb(p.pid);
  swarm.send('go');
  await swarm.exited;
  const line = swarm.stdout.find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`the swarm did not finish\n${swarm.tail()}`);
  return { before, open, swarm: JSON.parse(line.slice(7)) as Swarm };
}

export const memory: Scenario = {
  name: 'memory',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const db = `sqlite:${freshDir(ctx, 'memory')}/longrun.db`;
    const { key } = await populate(ctx, { db, count: 0, type: 'bench/backlog' });
    const server = await startServer({ db, durability: 'relaxed', workers: 0, maxMs: 15 * 60_000 });
    const bare = await startBare('fastify');
    try {
      const headers = { 'x-api-key': key };
      // Idle: after a few requests, so lazily built parts (schemas, routes) are counted.
      for (let i = 0; i < 20; i++) await (await fetch(`${server.url}/v1/jobs?limit=1`, { headers })).arrayBuffer();
      await settle(1000);
      const idle = await rssKb(server.child.pid);
      const pending = ctx.sizes.memoryPending;
      await populate(ctx, { db, key, count: pending, type: 'bench/backlog' });
      await settle(2000);
      const withPending = await rssKb(server.child.pid);

      const created = await fetch(`${server.url}/v1/jobs`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'bench/backlog', input: {} }),
      });
      const job = (await created.json()) as { id: string };
      const ours = await holdStreams(ctx, { url: server.url, pid: server.child.pid, streamPath: `/v1/jobs/${job.id}/events`, cancelPath: `/v1/jobs/${job.id}/cancel`, headers });
      const base = await holdStreams(ctx, { url: bare.url, pid: bare.child.pid, streamPath: '/sse/job_1/events', cancelPath: '/sse/job_1/cancel', headers: {} });
      const streams = ctx.sizes.streams;
      const perStream = (r: { before: number; open: number }) => (r.open - r.before) / streams;
      const label = (n: number) => n.toLocaleString('en-US');
      return [
        makeResult({ name: 'memory: RSS idle', unit: 'MB', value: idle / 1024 }),
        makeResult({ name: `memory: RSS growth with ${label(pending)} pending`, unit: 'MB', value: (withPending - idle) / 1024, target: { on: 'value', op: '<=', limit: 25 } }),
        makeResult({ name: `memory: per open SSE stream (${label(streams)} streams)`, unit: 'KB', value: perStream(ours), baseline: 'bare Fastify', baselineValue: perStream(base), target: { on: 'value', op: '<=', limit: 10 } }),
        makeResult({ name: `memory: a change reaches all ${label(streams)} streams, p99`, unit: 'ms', value: ours.swarm.p99, baseline: 'bare Fastify', baselineValue: base.swarm.p99, target: { on: 'value', op: '<=', limit: 250 }, note: `${ours.swarm.reached} of ${streams} streams reached` }),
      ];
    } finally {
      await bare.child.stop();
      await server.child.stop();
    }
  },
};
