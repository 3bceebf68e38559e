// Scenario 10, deployments: the one-machine default against the README's scale-out recipe, under
// the same load, deployed fresh for each round and interleaved (one machine, scale-out, …).
// - One machine (the baseline): `longrun serve` on a fresh SQLite file, the default durability,
//   4 in-process workers.
// - Scale-out: a fresh PostgreSQL schema, an API node `longrun serve --workers 0` and two
//   `longrun worker --concurrency 8` processes.
// - Mixed load: `deploymentClients` HTTP clients create N demo/sleep jobs (`durationMs: 0`) while
//   the workers run them. End to end is N over first create → last completion and creates
//   accepted is N over first create → last create, both read from the jobs' own timestamps.
// - Then pickup at a light load on the same deployment: bench/noop jobs created at a steady pace
//   (pickupClient with a rate), from the client stamping its request to the handler starting.
import type { Child } from '../lib/children.js';
import { type BenchContext, freshDir, freshSchema, withSchema } from '../lib/context.js';
import { type BurnRates, burnRates, openJobReader, startServer, startWorker, waitForBurn } from '../lib/longrun.js';
import { type BenchResult, makeResult } from '../lib/report.js';
import { API_KEY_LINE, type Scenario, interleave, load } from '../lib/scenario.js';
import { type Target, summarize } from '../lib/stats.js';
import { samplePickup } from './pickup.js';

const MAX_MS = 10 * 60_000;
const MIXED_TYPE = 'demo/sleep';
const MIXED_BODY = JSON.stringify({ type: MIXED_TYPE, input: { durationMs: 0 } });
const BASELINE = 'one machine (SQLite)';

type Kind = 'oneMachine' | 'scaleOut';

/** Deployment is one running deployment: where to send requests, its key, its store and its processes. */
interface Deployment {
  url: string;
  key: string;
  db: string;
  children: Child[];
}

/** Figures are one round's measurements of one deployment. */
interface Figures extends BurnRates {
  pickupP50: number;
  pickupP99: number;
}

async function stopAll(children: Child[]): Promise<void> {
  await Promise.all(children.map((child) => child.stop()));
}

/** deploy starts one deployment on a fresh store and waits until it runs. */
async function deploy(ctx: BenchContext, kind: Kind): Promise<Deployment> {
  const db = kind === 'oneMachine' ? `sqlite:${freshDir(ctx, 'deployments-one-machine')}/longrun.db` : withSchema(ctx.pgUrl, freshSchema('deployments'));
  const children: Child[] = [];
  try {
    const server = await startServer({ db, workers: kind === 'oneMachine' ? 4 : 0, maxMs: MAX_MS });
    children.push(server.child);
    const key = (await server.child.waitForLine(API_KEY_LINE))[1]!;
    // The workers start after the API node, which made the schema on its first start.
    if (kind === 'scaleOut') {
      for (let i = 0; i < 2; i++) children.push(await startWorker({ db, concurrency: 8, maxMs: MAX_MS }));
    }
    return { url: server.url, key, db, children };
  } catch (error) {
    await stopAll(children);
    throw error;
  }
}

/** measure runs the mixed load, waits for its jobs to complete, then samples pickup at the light load. */
async function measure(ctx: BenchContext, deployment: Deployment): Promise<Figures> {
  const { deploymentJobs: count, deploymentClients, deploymentPickupRate, deploymentPickupSamples, pickupWarmup } = ctx.sizes;
  const reader = await openJobReader(deployment.db);
  try {
    const headers = { 'content-type': 'application/json', 'x-api-key': deployment.key };
    await load({ url: `${deployment.url}/v1/jobs`, method: 'POST', headers, body: MIXED_BODY, connections: deploymentClients, amount: count, durationSec: 180 });
    const tally = await waitForBurn(reader, { type: MIXED_TYPE, since: 0, count, maxMs: 4 * 60_000 });
    const pickup = await samplePickup(deployment.url, deployment.key, deploymentPickupSamples, pickupWarmup, deploymentPickupRate);
    return { ...burnRates(tally, count), pickupP50: pickup.p50, pickupP99: pickup.p99 };
  } finally {
    await reader.close();
  }
}

async function round(ctx: BenchContext, kind: Kind): Promise<Figures> {
  const deployment = await deploy(ctx, kind);
  try {
    return await measure(ctx, deployment);
  } finally {
    await stopAll(deployment.children);
  }
}

export const deployments: Scenario = {
  name: 'deployments',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const runs = await interleave(ctx.sizes.rounds, {
      oneMachine: () => round(ctx, 'oneMachine'),
      scaleOut: () => round(ctx, 'scaleOut'),
    });
    const { deploymentJobs: n, deploymentClients: clients, deploymentPickupRate: rate } = ctx.sizes;
    const figure = (name: string, unit: string, key: keyof Figures, extra: { target?: Target; note?: string } = {}) => {
      const scaleOut = summarize(runs.scaleOut.map((f) => f[key]));
      const oneMachine = summarize(runs.oneMachine.map((f) => f[key]));
      return makeResult({ name: `deployments: scale-out, ${name}`, unit, value: scaleOut.median, spread: scaleOut.spread, baseline: BASELINE, baselineValue: oneMachine.median, ...extra });
    };
    return [
      figure(`end to end (${n.toLocaleString('en-US')} jobs, ${clients} clients)`, 'jobs/s', 'endToEnd', {
        target: { on: 'ratio', op: '>=', limit: 0.7 },
        note: 'scale-out: PostgreSQL, an API node with --workers 0 and two `longrun worker --concurrency 8`; one machine: SQLite (default durability), 4 in-process workers',
      }),
      figure('creates accepted under the mixed load', 'jobs/s', 'createsPerSec'),
      figure(`pickup at ${rate} jobs/s p50`, 'ms', 'pickupP50', { target: { on: 'value', op: '<=', limit: 3 } }),
      figure(`pickup at ${rate} jobs/s p99`, 'ms', 'pickupP99'),
    ];
  },
};
