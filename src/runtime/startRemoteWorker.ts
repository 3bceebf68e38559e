import { hostname } from 'node:os';
import { systemClock } from '../domain/index.js';
import { createLogger } from '../log/index.js';
import { ProcessMetrics } from '../metrics/index.js';
import { WorkerApiError, WorkerPool, type WorkerKeyInfo, fetchWorkerKey, remoteLink } from '../worker/index.js';
import type { RemoteWorkerConfig } from './config.js';
import { type MetricsListener, startMetricsListener } from './metricsListener.js';
import { openJobTypes } from './openJobTypes.js';
import { UnservableJobTypeError } from './startWorker.js';

/** TypeOutsideKeyError: a remote worker was asked to run a type its worker key may not claim. */
export class TypeOutsideKeyError extends Error {
  override readonly name = 'TypeOutsideKeyError';
  constructor(
    readonly type: string,
    readonly keyTypes: readonly string[],
  ) {
    super(`${type} is not among the worker key's types (${keyTypes.join(', ') || 'none'})`);
  }
}

/** NothingToRunError: none of the worker key's types has a handler in this process. */
export class NothingToRunError extends Error {
  override readonly name = 'NothingToRunError';
  constructor(keyTypes: readonly string[], runnable: readonly string[]) {
    super(`none of the worker key's types (${keyTypes.join(', ') || 'none'}) has a handler in this process (it can run: ${runnable.join(', ')})`);
  }
}

/** WorkerKeyRefusedError: the API does not accept the worker key (unknown, revoked, or not a worker key). */
export class WorkerKeyRefusedError extends Error {
  override readonly name = 'WorkerKeyRefusedError';
}

/** RunningRemoteWorker is a started remote worker's work; `close` stops it gracefully. */
export interface RunningRemoteWorker {
  pool: WorkerPool;
  /** key is the worker key as the API described it. */
  key: WorkerKeyInfo;
  /** metricsUrl is where this worker serves /metrics (`--metrics-listen`), else null. */
  metricsUrl: string | null;
  close(): Promise<void>;
}

/**
 * startRemoteWorker runs workers that reach Longrun only over HTTP (`longrun worker --api`): the
 * same job types as any worker (built in and `--handlers`), claimed, heartbeated and ended through
 * the worker protocol with a worker key. It opens no database and no file store: files go to the
 * API, which keeps them. It asks the API for the key's types first, so `types` outside them, or
 * without a handler here, stop it at start (TypeOutsideKeyError, UnservableJobTypeError); without
 * `types` it runs every type of the key that it has a handler for. Leases are reaped by the API nodes.
 */
export async function startRemoteWorker(config: RemoteWorkerConfig): Promise<RunningRemoteWorker> {
  const log = createLogger({ level: config.logLevel, stream: config.logStream });
  const metrics = new ProcessMetrics();
  const connection = { url: config.api, workerKey: config.workerKey, retry: config.retry, onRetry: (error: unknown, what: string, delayMs: number) => log.warn({ err: error, delayMs }, `worker: ${what} failed; trying again`) };
  const key = await fetchWorkerKey(connection).catch((error: unknown) => {
    if (error instanceof WorkerApiError && (error.status === 401 || error.status === 403)) throw new WorkerKeyRefusedError(`the API refused the worker key: ${error.message}`);
    if (error instanceof WorkerApiError) throw error;
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    throw new Error(`cannot reach the API at ${config.api}: ${(error as Error).message}${cause}`);
  });
  const jobTypes = await openJobTypes({ render: config.render, video: config.video, handlers: config.handlers, allowPrivateTargets: config.allowPrivateTargets ?? false, log, metrics });
  let metricsListener: MetricsListener | null = null;
  let pool: WorkerPool;
  try {
    const runnable = jobTypes.registry.runnableNames();
    for (const type of config.types ?? []) {
      if (!key.types.includes(type)) throw new TypeOutsideKeyError(type, key.types);
      if (!runnable.includes(type)) throw new UnservableJobTypeError(type, runnable, jobTypes.registry.has(type));
    }
    const types = config.types ?? key.types.filter((type) => runnable.includes(type));
    if (types.length === 0) throw new NothingToRunError(key.types, runnable);
    const link = remoteLink({ ...connection, waitSeconds: config.waitSeconds, concurrency: config.concurrency, host: hostname() });
    pool = new WorkerPool({ registry: jobTypes.registry, clock: systemClock, link, log }, { concurrency: config.concurrency, types, heartbeatMs: config.heartbeatMs });
    if (config.metricsListen) {
      metricsListener = await startMetricsListener({ address: config.metricsListen, metrics, token: config.metricsToken ?? null, log });
    }
  } catch (error) {
    await jobTypes.close();
    throw error;
  }
  pool.start();
  return {
    pool,
    key,
    metricsUrl: metricsListener?.url ?? null,
    async close() {
      // Running jobs finish within the grace, else they are released through the API.
      await pool.stop({ graceMs: config.graceMs });
      await metricsListener?.close();
      await jobTypes.close();
    },
  };
}
