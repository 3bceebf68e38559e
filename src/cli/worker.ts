import { type RunningWorker, UnservableJobTypeError, installShutdown, startWorker } from '../runtime/index.js';
import { type Flags, UsageError, flagHelp, parseFlags, wantsHelp } from './options.js';
import { RUNTIME_FLAGS, prepareDataDir, runtimeConfigFrom } from './runtimeFlags.js';

/** WORKER_FLAGS are `longrun worker`'s flags; each also reads an environment variable. */
export const WORKER_FLAGS: Flags = {
  ...RUNTIME_FLAGS,
  types: { env: 'LONGRUN_TYPES', kind: 'string', description: 'Comma list of job types to run (default: all registered)' },
  concurrency: { env: 'LONGRUN_CONCURRENCY', default: '4', kind: 'int', min: 1, max: 1000, description: 'Jobs run at once' },
  help: { kind: 'boolean', description: 'Show this help' },
};

/**
 * workerCommand is `longrun worker`: workers alone, in their own process, on the same store as
 * the API (src/runtime's startWorker). They hear of new and cancelled jobs through the store's change feed.
 */
export async function workerCommand(args: string[]): Promise<void> {
  if (wantsHelp(args)) {
    console.log(`Usage: longrun worker [flags]\n\n${flagHelp(WORKER_FLAGS)}`);
    return;
  }
  const flags = parseFlags(args, WORKER_FLAGS);
  const config = runtimeConfigFrom(flags);
  await prepareDataDir(flags);
  const graceMs = Number(flags['grace-ms']);
  let worker: RunningWorker;
  try {
    worker = await startWorker({
      ...config,
      concurrency: Number(flags.concurrency),
      types: flags.types === undefined ? undefined : String(flags.types).split(',').map((t) => t.trim()).filter(Boolean),
      graceMs,
    });
  } catch (error) {
    if (error instanceof UnservableJobTypeError) throw new UsageError(`--types: ${error.message}`);
    throw error;
  }
  console.log(`worker ${worker.pool.workerId} running ${worker.pool.types.join(', ')} with concurrency ${flags.concurrency}`);
  if (worker.metricsUrl) console.log(`metrics on ${worker.metricsUrl}`);
  installShutdown('worker', graceMs, () => worker.close());
}
