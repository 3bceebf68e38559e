// What every scenario gets: the mode and its sizes, where to put data, and the PostgreSQL to use.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_ROOT } from './children.js';

/** Sizes are the counts and times of one mode (quick or full). */
export interface Sizes {
  /** rounds is how many times each baseline/ours pair runs, interleaved. */
  rounds: number;
  /** e2eRounds is the rounds of the e2e scenario, the longest. */
  e2eRounds: number;
  /** loadSec is one load-generator run, in seconds. */
  loadSec: number;
  connections: number;
  /** burnJobs is N for the e2e burn-down; continuousSec how long the continuous mode runs. */
  burnJobs: number;
  continuousSec: number;
  concurrency: number;
  pickupSamples: number;
  pickupWarmup: number;
  /** depths are the pending counts of the depth scenario; the last is also the read scenario's store. */
  depths: number[];
  depthBurnJobs: number;
  depthPickupSamples: number;
  memoryPending: number;
  streams: number;
  /** renderJobs is N html/pdf jobs per render round; renderWorkers the render concurrency of both sides. */
  renderJobs: number;
  renderWorkers: number;
  /** deploymentJobs is N demo/sleep jobs the deployments scenario's mixed load creates, from deploymentClients HTTP clients. */
  deploymentJobs: number;
  deploymentClients: number;
  /** deploymentPickupRate is the light load (jobs/s) of its pickup samples; deploymentPickupSamples how many per round. */
  deploymentPickupRate: number;
  deploymentPickupSamples: number;
  /** fairnessAccounts is the active accounts of the fairness scenario, each with fairnessJobsPerAccount pending jobs. */
  fairnessAccounts: number;
  fairnessJobsPerAccount: number;
  /** fairnessClaims is the claims of one throughput run; fairnessCostSamples the claims of one latency run. */
  fairnessClaims: number;
  fairnessCostSamples: number;
}

/** QUICK is a smoke check under 3 minutes; FULL is the real run, 10–15 minutes on 2 cores. */
export const SIZES: Record<'quick' | 'full', Sizes> = {
  quick: {
    rounds: 2, e2eRounds: 1, loadSec: 2, connections: 20, burnJobs: 1000, continuousSec: 2, concurrency: 16,
    pickupSamples: 100, pickupWarmup: 20, depths: [1000, 10_000], depthBurnJobs: 500, depthPickupSamples: 100,
    memoryPending: 10_000, streams: 1000, renderJobs: 10, renderWorkers: 2,
    deploymentJobs: 500, deploymentClients: 32, deploymentPickupRate: 50, deploymentPickupSamples: 100,
    fairnessAccounts: 1000, fairnessJobsPerAccount: 5, fairnessClaims: 1000, fairnessCostSamples: 100,
  },
  full: {
    rounds: 3, e2eRounds: 2, loadSec: 4, connections: 20, burnJobs: 5000, continuousSec: 4, concurrency: 16,
    pickupSamples: 1000, pickupWarmup: 100, depths: [1000, 100_000, 1_000_000], depthBurnJobs: 2000, depthPickupSamples: 300,
    memoryPending: 100_000, streams: 10_000, renderJobs: 40, renderWorkers: 2,
    deploymentJobs: 2000, deploymentClients: 32, deploymentPickupRate: 50, deploymentPickupSamples: 500,
    fairnessAccounts: 1000, fairnessJobsPerAccount: 10, fairnessClaims: 2000, fairnessCostSamples: 300,
  },
};

/** BenchContext is passed to every scenario. */
export interface BenchContext {
  mode: 'quick' | 'full';
  sizes: Sizes;
  /** dataDir holds this run's SQLite files (deleted at the end). */
  dataDir: string;
  /** pgUrl is the database the bench made for this run; peers and Longrun each get a schema in it. */
  pgUrl: string;
  /** values measured by earlier scenarios (the NOTIFY hop, the fsync rate) that later targets use. */
  floors: Record<string, number>;
  log(message: string): void;
}

let counter = 0;

/** freshDir makes an empty folder under the run's data folder. */
export function freshDir(ctx: BenchContext, name: string): string {
  const dir = join(ctx.dataDir, `${name}-${++counter}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** freshSchema names a new PostgreSQL schema for one system in this run. */
export function freshSchema(name: string): string {
  return `${name.replace(/[^a-z0-9]/g, '_')}_${++counter}`;
}

/** withSchema adds Longrun's `?schema=` to the run's database URL. */
export function withSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('schema', schema);
  return parsed.toString();
}

/** DEFAULT_DATA_DIR is where a run's SQLite files go (git-ignored). */
export const DEFAULT_DATA_DIR = join(BENCH_ROOT, 'bench', '.data');
