import { type Maintenance, startMaintenance } from '../maintenance/index.js';
import { WorkerPool } from '../worker/index.js';
import type { WorkerConfig } from './config.js';
import { type MetricsListener, startMetricsListener } from './metricsListener.js';
import { type RuntimeDeps, openRuntime } from './openRuntime.js';

/**
 * UnservableJobTypeError: a worker was asked to run a job type it has no handler for — one no
 * module registered, or a spec whose code runs elsewhere (defineJobSpec).
 */
export class UnservableJobTypeError extends Error {
  override readonly name = 'UnservableJobTypeError';
  constructor(
    readonly type: string,
    readonly runnable: readonly string[],
    specOnly: boolean,
  ) {
    super(`${type} ${specOnly ? 'has no handler in this process (its code runs elsewhere)' : 'is not a registered job type'} (this worker can run: ${runnable.join(', ')})`);
  }
}

/** RunningWorker is a started worker process's work; `close` stops it gracefully. */
export interface RunningWorker {
  deps: RuntimeDeps;
  pool: WorkerPool;
  /** maintenance is the process's lease reaper and webhook dispatcher. */
  maintenance: Maintenance;
  /** metricsUrl is where this worker serves /metrics (`--metrics-listen`), else null. */
  metricsUrl: string | null;
  close(): Promise<void>;
}

/**
 * startWorker turns a WorkerConfig into running workers without an API, on the store an API node
 * serves: the runtime, a worker pool, the lease reaper and the webhook dispatcher (deliveries are
 * claimed under leases, so any number of processes may send them). Workers hear of new and
 * cancelled jobs through the store's change feed. Throws UnservableJobTypeError for a type in
 * `types` that this process has no handler for.
 */
export async function startWorker(config: WorkerConfig): Promise<RunningWorker> {
  const runtime = await openRuntime(config);
  const { deps } = runtime;
  let pool: WorkerPool;
  let metricsListener: MetricsListener | null = null;
  try {
    for (const type of config.types ?? []) {
      const runnable = deps.registry.runnableNames();
      if (!runnable.includes(type)) throw new UnservableJobTypeError(type, runnable, deps.registry.has(type));
    }
    pool = new WorkerPool(deps, { concurrency: config.concurrency, types: config.types });
    if (config.metricsListen) {
      metricsListener = await startMetricsListener({ address: config.metricsListen, metrics: deps.metrics, token: config.metricsToken ?? null, log: deps.log });
    }
  } catch (error) {
    await runtime.close();
    throw error;
  }
  pool.start();
  const maintenance = startMaintenance(deps, { webhooks: { concurrency: config.webhookConcurrency } });
  return {
    deps,
    pool,
    maintenance,
    metricsUrl: metricsListener?.url ?? null,
    async close() {
      await pool.stop({ graceMs: config.graceMs });
      // After the pool: the jobs it finished may still have deliveries to send.
      await maintenance.stop();
      await metricsListener?.close();
      await runtime.close();
    },
  };
}
