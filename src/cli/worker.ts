import { WebhookDispatcher } from '../webhooks/index.js';
import { WorkerPool } from '../worker/index.js';
import { type MetricsListener, startMetricsListener } from './metricsListener.js';
import { type Flags, UsageError, flagHelp, parseFlags, wantsHelp } from './options.js';
import { RUNTIME_FLAGS, installShutdown, openRuntime, prepareDataDir, runtimeConfigFrom } from './runtime.js';

/** WORKER_FLAGS are `longrun worker`'s flags; each also reads an environment variable. */
export const WORKER_FLAGS: Flags = {
  ...RUNTIME_FLAGS,
  types: { env: 'LONGRUN_TYPES', kind: 'string', description: 'Comma list of job types to run (default: all registered)' },
  concurrency: { env: 'LONGRUN_CONCURRENCY', default: '4', kind: 'int', min: 1, max: 1000, description: 'Jobs run at once' },
  help: { kind: 'boolean', description: 'Show this help' },
};

/**
 * workerCommand is `longrun worker`: workers alone, in their own process, on the same store as
 * the API. They hear of new and cancelled jobs through the store's change feed.
 */
export async function workerCommand(args: string[]): Promise<void> {
  if (wantsHelp(args)) {
    console.log(`Usage: longrun worker [flags]\n\n${flagHelp(WORKER_FLAGS)}`);
    return;
  }
  const flags = parseFlags(args, WORKER_FLAGS);
  const config = runtimeConfigFrom(flags);
  await prepareDataDir(flags);
  const runtime = await openRuntime(config);
  let pool: WorkerPool;
  let metricsListener: MetricsListener | null = null;
  try {
    const types = flags.types === undefined ? undefined : String(flags.types).split(',').map((t) => t.trim()).filter(Boolean);
    for (const type of types ?? []) {
      if (!runtime.deps.registry.has(type)) throw new UsageError(`--types: ${type} is not a registered job type (known: ${runtime.deps.registry.names().join(', ')})`);
    }
    pool = new WorkerPool(runtime.deps, { concurrency: Number(flags.concurrency), types });
    if (config.metricsListen) {
      const { metrics, log } = runtime.deps;
      metricsListener = await startMetricsListener({ address: config.metricsListen, metrics, token: config.metricsToken ?? null, log });
    }
  } catch (error) {
    await runtime.close();
    throw error;
  }
  pool.start();
  // Processes with workers send webhooks too: deliveries are claimed under leases, so any number may.
  const webhooks = new WebhookDispatcher(runtime.deps, { concurrency: config.webhookConcurrency });
  webhooks.start();
  // The pool's timers do not hold the process open (so tests end cleanly); this does, until shutdown.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  console.log(`worker ${pool.workerId} running ${(pool.types).join(', ')} with concurrency ${flags.concurrency}`);
  if (metricsListener) console.log(`metrics on ${metricsListener.url}`);
  installShutdown('worker', Number(flags['grace-ms']), async () => {
    await pool.stop({ graceMs: Number(flags['grace-ms']) });
    await webhooks.stop();
    await metricsListener?.close();
    await runtime.close();
    clearInterval(keepAlive);
  });
}
