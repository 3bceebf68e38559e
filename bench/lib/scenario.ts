// What a scenario is, and the helpers they share: interleaved rounds, bare servers, HTTP load.
import type { Child } from './children.js';
import { runTool, startTool } from './children.js';
import type { BenchContext } from './context.js';
import type { BenchResult } from './report.js';

/** Scenario is one part of the bench; it starts and stops its own child processes. */
export interface Scenario {
  name: string;
  run(ctx: BenchContext): Promise<BenchResult[]>;
}

/**
 * interleave runs each runner once per round, in order, for `rounds` rounds (baseline, ours,
 * baseline, ours …), so a machine that gets busier or quieter during the run shifts every
 * system alike instead of whichever ran last.
 */
export async function interleave<K extends string, T>(rounds: number, runners: Record<K, () => Promise<T>>): Promise<Record<K, T[]>> {
  const out = Object.fromEntries(Object.keys(runners).map((k) => [k, [] as T[]])) as Record<K, T[]>;
  for (let round = 0; round < rounds; round++) {
    for (const key of Object.keys(runners) as K[]) out[key].push(await runners[key]());
  }
  return out;
}

/** LoadResult is one autocannon run. */
export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
}

/** LoadParams configure one load-generator run. */
export interface LoadParams {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** paths rotates the requests through several paths of `url`'s server. */
  paths?: string[];
  connections: number;
  /** durationSec is how long the load runs; with `amount`, only a bound on the generator's life. */
  durationSec: number;
  /** amount stops the load after this many requests instead of after `durationSec`. */
  amount?: number;
  /** overallRate caps the requests per second (unset: as fast as answers come). */
  overallRate?: number;
}

/** load runs the load generator in its own process against `url`; fails when any answer was not 2xx. */
export async function load(p: LoadParams): Promise<LoadResult> {
  const result = await runTool<LoadResult>('loadgen', p, { maxMs: (p.durationSec + 60) * 1000 });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`load on ${p.url}: ${result.non2xx} non-2xx answers and ${result.errors} errors in ${result.total}`);
  }
  return result;
}

/** startLoad starts the load generator and leaves it running (background load); stop it when done. */
export function startLoad(p: LoadParams): Child {
  return startTool('loadgen', p, { maxMs: (p.durationSec + 60) * 1000 });
}

/** startBare starts a baseline server (`http` or `fastify`) and returns it with its URL. */
export async function startBare(kind: 'http' | 'fastify', replies?: Record<string, string>): Promise<{ child: Child; url: string }> {
  const maxMs = 30 * 60_000;
  const child = startTool('bareServer', { kind, replies, maxMs }, { maxMs });
  const match = await child.waitForLine(/^listening on (\S+)/, 60_000);
  return { child, url: match[1]! };
}

/** apiKeyLine matches the key a first start prints. */
export const API_KEY_LINE = /^\s+(lr_\S+)\s*$/;

/** CREATE_BODY is the ~200-byte demo/sleep body the create scenario posts. */
export const CREATE_BODY = JSON.stringify({
  type: 'demo/sleep',
  input: { durationMs: 0, steps: 1 },
  priority: 0,
  metadata: { orderId: 'bench-000042', customer: 'acme-corp', region: 'eu-west-1', note: 'a benchmark job, about 200 bytes' },
});
