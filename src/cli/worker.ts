import {
  NothingToRunError,
  type RunningRemoteWorker,
  type RunningWorker,
  TypeOutsideKeyError,
  UnservableJobTypeError,
  WorkerKeyRefusedError,
  installShutdown,
  startRemoteWorker,
  startWorker,
} from '../runtime/index.js';
import { type Flags, type ParsedFlags, UsageError, flagHelp, parseFlags, wantsHelp } from './options.js';
import { RUNTIME_FLAGS, prepareDataDir, runtimeConfigFrom } from './runtimeFlags.js';

/** WORKER_FLAGS are `longrun worker`'s flags; each also reads an environment variable. */
export const WORKER_FLAGS: Flags = {
  ...RUNTIME_FLAGS,
  types: { env: 'LONGRUN_TYPES', kind: 'string', description: 'Comma list of job types to run (default: all registered; with --api, all of the key\'s that have a handler here)' },
  concurrency: { env: 'LONGRUN_CONCURRENCY', default: '4', kind: 'int', min: 1, max: 1000, description: 'Jobs run at once' },
  api: { env: 'LONGRUN_API_URL', kind: 'url', description: 'Run over the HTTP worker protocol of the API at this URL, with no database (needs --worker-key)' },
  'worker-key': { env: 'LONGRUN_WORKER_KEY', kind: 'string', description: 'With --api: the worker key (lrw_…; prefer the environment variable)' },
  help: { kind: 'boolean', description: 'Show this help' },
};

/**
 * STORE_ONLY_FLAGS are the flags of a worker that holds the store: given on the command line with
 * `--api` they are a usage error, since such a worker has no database, no file store and no
 * webhooks of its own (the API's settings apply). From the environment they are ignored, so one
 * environment can serve both kinds of worker.
 */
const STORE_ONLY_FLAGS = ['db', 'data-dir', 'durability', 'lease-ms', 'webhook-retry-schedule', 'webhook-concurrency', 'files', 's3-endpoint', 's3-bucket', 's3-region', 's3-access-key-id', 's3-secret-access-key', 's3-prefix', 's3-path-style', 'files-redirect'];

/**
 * workerCommand is `longrun worker`: workers alone, in their own process. Without `--api` they
 * work on the same store as the API (src/runtime's startWorker) and hear of new and cancelled jobs
 * through the store's change feed; with `--api URL --worker-key KEY` they reach the API over the
 * HTTP worker protocol only (startRemoteWorker).
 */
export async function workerCommand(args: string[]): Promise<void> {
  if (wantsHelp(args)) {
    console.log(`Usage: longrun worker [flags]\n       longrun worker --api URL --worker-key KEY [flags]\n\n${flagHelp(WORKER_FLAGS)}`);
    return;
  }
  const flags = parseFlags(args, WORKER_FLAGS);
  const remote = remoteFlags(args, flags);
  const graceMs = Number(flags['grace-ms']);
  const concurrency = Number(flags.concurrency);
  const types = flags.types === undefined ? undefined : String(flags.types).split(',').map((t) => t.trim()).filter(Boolean);
  let worker: RunningWorker | RunningRemoteWorker;
  try {
    if (remote) {
      const config = runtimeConfigFrom(flags);
      worker = await startRemoteWorker({
        ...remote,
        concurrency,
        types,
        graceMs,
        handlers: config.handlers,
        render: config.render,
        allowPrivateTargets: config.service?.allowPrivateTargets,
        logLevel: config.logLevel,
        metricsListen: config.metricsListen,
        metricsToken: config.metricsToken,
      });
    } else {
      await prepareDataDir(flags);
      worker = await startWorker({ ...runtimeConfigFrom(flags), concurrency, types, graceMs });
    }
  } catch (error) {
    if (error instanceof UnservableJobTypeError || error instanceof TypeOutsideKeyError) throw new UsageError(`--types: ${error.message}`);
    if (error instanceof NothingToRunError) throw new UsageError(`--worker-key: ${error.message}`);
    if (error instanceof WorkerKeyRefusedError) throw new UsageError(`--worker-key: ${error.message}`);
    throw error;
  }
  const over = remote ? ` over ${remote.api}` : '';
  console.log(`worker ${worker.pool.workerId} running ${worker.pool.types.join(', ')} with concurrency ${concurrency}${over}`);
  if (worker.metricsUrl) console.log(`metrics on ${worker.metricsUrl}`);
  installShutdown('worker', graceMs, () => worker.close());
}

/** remoteFlags reads `--api` and `--worker-key`: both or neither, and with them none of the store's flags. */
function remoteFlags(args: readonly string[], flags: ParsedFlags): { api: string; workerKey: string } | null {
  if (flags.api === undefined) {
    if (flags['worker-key'] !== undefined) throw new UsageError('--worker-key needs --api URL (LONGRUN_API_URL): a worker key is for the HTTP worker protocol');
    return null;
  }
  if (flags['worker-key'] === undefined || flags['worker-key'] === '') throw new UsageError('--api needs --worker-key KEY (LONGRUN_WORKER_KEY): make one with longrun keys create --worker --types …');
  const given = STORE_ONLY_FLAGS.find((name) => args.some((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`)));
  if (given) throw new UsageError(`--${given} cannot be used with --api: a worker over the HTTP protocol has no database or file store of its own (the API's apply)`);
  return { api: String(flags.api), workerKey: String(flags['worker-key']) };
}
