import type { Clock, Timers } from '../domain/index.js';
import type { RenderSettings } from '../jobtypes/render/index.js';
import type { VideoConfig } from '../jobtypes/video/index.js';
import type { LoggerOptions } from '../log/index.js';
import type { ServiceConfig } from '../service/index.js';
import type { RetryPolicy } from '../worker/index.js';
import type { FilesChoice } from './openFileStore.js';

/** ListenAddress is where a listener binds. */
export interface ListenAddress {
  host: string;
  port: number;
}

/** RuntimeConfig is what every Longrun process needs, API node or worker. */
export interface RuntimeConfig {
  db: string;
  durability: 'full' | 'relaxed';
  handlers?: string;
  /**
   * dataDir holds output files (`<dataDir>/files`) unless `files` names another place; without
   * either, files go to a temporary folder removed on close (tests and `sqlite::memory:`).
   */
  dataDir?: string;
  /**
   * files picks the file store (see openFileStore): a FilesChoice (`--files local|postgres|s3`), or
   * a local location as a string (`file:PATH` or a folder). Default: the store's own database when
   * it can keep files (PostgreSQL), else the folder `<dataDir>/files`.
   */
  files?: FilesChoice | string;
  /** render tunes the render job types; DEFAULT_RENDER_SETTINGS fill in the rest. */
  render?: Partial<RenderSettings>;
  /** video picks the encoder of `video/slideshow` (default: ffmpeg on PATH, else the npm package's). */
  video?: VideoConfig;
  service?: Partial<ServiceConfig>;
  clock?: Clock;
  /** webhookConcurrency is how many deliveries a process that runs workers sends at once (default 8). */
  webhookConcurrency?: number;
  /** logLevel is the process logger's level (default `warn`); see LOG_LEVELS. */
  logLevel?: string;
  /** metricsListen gives /metrics a listener of its own (`--metrics-listen`); null: the API port serves it (a worker: none). */
  metricsListen?: ListenAddress | null;
  /** metricsToken is what a scrape of /metrics must present (`--metrics-token`); null: nothing. */
  metricsToken?: string | null;
  /** logStream receives the log as JSON lines (default stdout); tests read it. */
  logStream?: LoggerOptions['stream'];
}

/** ServeConfig is everything `startServer` needs: an API node, with or without workers. */
export interface ServeConfig extends RuntimeConfig {
  host: string;
  port: number;
  workers: number;
  graceMs: number;
  bodyLimit: number;
  adminKey: string | null;
  /** rateLimit is requests per second per key (0: off); rateBurst the bucket size. */
  rateLimit?: number;
  rateBurst?: number;
  /** sweepMs is the safety sweep of the workers, the lease reaper and the webhook dispatcher (default 1000). */
  sweepMs?: number;
  /** retentionDays is how long a finished job is kept (0 or absent: forever). */
  retentionDays?: number;
  /** timers run the event streams' pings (default Node's); tests pass a ManualClock. */
  timers?: Timers;
  /** compat names the compatibility dialects to mount (`--compat`); absent: all of them. */
  compat?: readonly string[];
  /** cleariflowRequireKey makes cleariflow's GET need the key too (`--cleariflow-require-key`). */
  cleariflowRequireKey?: boolean;
}

/** WorkerConfig is everything `startWorker` needs: workers alone, on the store an API node serves. */
export interface WorkerConfig extends RuntimeConfig {
  /** concurrency is how many jobs run at once. */
  concurrency: number;
  /** types are the job types to run (default: every registered one). */
  types?: readonly string[];
  /** graceMs is how long running jobs may finish on close before they are handed back. */
  graceMs: number;
}

/**
 * RemoteWorkerConfig is everything `startRemoteWorker` needs: workers that reach Longrun over the
 * HTTP worker protocol alone (`longrun worker --api`), with no database and no file store.
 */
export interface RemoteWorkerConfig {
  /** api is the API's base URL (`--api`). */
  api: string;
  /** workerKey is the worker key (`lrw_…`, `--worker-key`). */
  workerKey: string;
  /** concurrency is how many jobs run at once. */
  concurrency: number;
  /** types are the job types to run, all within the key's (default: every type of the key with a handler here). */
  types?: readonly string[];
  /** graceMs is how long running jobs may finish on close before they are handed back. */
  graceMs: number;
  handlers?: string;
  render?: Partial<RenderSettings>;
  /** video picks the encoder of `video/slideshow` (default: ffmpeg on PATH, else the npm package's). */
  video?: VideoConfig;
  /** allowPrivateTargets lets URL jobs reach loopback and private addresses (local development only). */
  allowPrivateTargets?: boolean;
  /** waitSeconds is how long a claim long-polls (0–20, default 20). */
  waitSeconds?: number;
  /** heartbeatMs overrides the heartbeat period (default a third of the lease the API hands out). */
  heartbeatMs?: number;
  /** retry says how a request is retried while the API is unreachable (default DEFAULT_RETRY_POLICY). */
  retry?: RetryPolicy;
  logLevel?: string;
  logStream?: LoggerOptions['stream'];
  metricsListen?: ListenAddress | null;
  metricsToken?: string | null;
}
