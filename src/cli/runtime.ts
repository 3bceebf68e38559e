import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Clock, systemClock } from '../domain/index.js';
import { EventBus, logJobChanges, startStoreFeed } from '../events/index.js';
import { LocalFileStore } from '../files/index.js';
import { makeDirectory } from '../files/makeDirectory.js';
import { BUILTIN_JOB_TYPES, JobTypeRegistry } from '../jobtypes/index.js';
import { ProcessMetrics } from '../metrics/index.js';
import { LOG_LEVELS, type Logger, type LoggerOptions, createLogger } from '../log/index.js';
import { DEFAULT_RENDER_SETTINGS, type RenderSettings, renderEnvironment, renderJobTypes } from '../jobtypes/render/index.js';
import { type ServiceConfig, type ServiceDeps, defaultServiceConfig, webhookDeliveryPolicy } from '../service/index.js';
import { jobView } from '../http/jobView.js';
import { DatabaseClock, openStore } from '../store/index.js';
import { parseRetrySchedule } from '../webhooks/retryPolicy.js';
import { loadHandlers } from './handlers.js';
import { type ListenAddress, parseListenAddress } from './metricsListener.js';
import { type Flags, type ParsedFlags, UsageError } from './options.js';

/** RUNTIME_FLAGS are the flags every Longrun process takes, API node or worker. */
export const RUNTIME_FLAGS: Flags = {
  'data-dir': { env: 'LONGRUN_DATA_DIR', default: './data', kind: 'string', description: 'Where the database and output files go' },
  db: { env: 'LONGRUN_DB', kind: 'string', description: 'sqlite:PATH or postgres://… (default sqlite:<data-dir>/longrun.db)' },
  durability: {
    env: 'LONGRUN_DURABILITY',
    default: 'full',
    kind: 'string',
    choices: ['full', 'relaxed'],
    description: 'full fsyncs every commit; relaxed survives a process crash, not a power loss',
  },
  handlers: { env: 'LONGRUN_HANDLERS', kind: 'string', description: 'A module that exports more job types' },
  'lease-ms': { env: 'LONGRUN_LEASE_MS', default: '30000', kind: 'int', min: 100, max: 3_600_000, description: 'How long a claim lasts without a heartbeat' },
  'allow-private-targets': {
    env: 'LONGRUN_ALLOW_PRIVATE_TARGETS',
    kind: 'boolean',
    description: 'Let webhooks and URL jobs reach loopback and private addresses (local development only)',
  },
  'webhook-retry-schedule': {
    env: 'LONGRUN_WEBHOOK_RETRY_SCHEDULE',
    default: '5s,5m,30m,2h,5h,10h,10h',
    kind: 'string',
    description: 'Delays before each webhook retry (units s, m, h, d; 1s to 7d each)',
  },
  'webhook-concurrency': {
    env: 'LONGRUN_WEBHOOK_CONCURRENCY',
    default: '8',
    kind: 'int',
    min: 1,
    max: 1000,
    description: 'Webhook deliveries sent at once by a process that runs workers',
  },
  chromium: { env: 'LONGRUN_CHROMIUM', kind: 'string', description: 'The Chromium render jobs run (default: the one in the @sparticuz/chromium npm package)' },
  'render-max-bytes': {
    env: 'LONGRUN_RENDER_MAX_BYTES',
    default: String(DEFAULT_RENDER_SETTINGS.maxOutputBytes),
    kind: 'int',
    min: 1024,
    max: 2 ** 40,
    description: 'Largest file a render job may produce, in bytes (else output_too_large)',
  },
  'render-max-pages': {
    env: 'LONGRUN_RENDER_MAX_PAGES',
    default: String(DEFAULT_RENDER_SETTINGS.maxPdfPages),
    kind: 'int',
    min: 1,
    max: 1_000_000,
    description: 'Most pages a rendered PDF may have (else output_too_large)',
  },
  'render-recycle-after': {
    env: 'LONGRUN_RENDER_RECYCLE_AFTER',
    default: String(DEFAULT_RENDER_SETTINGS.recycleAfter),
    kind: 'int',
    min: 1,
    max: 1_000_000,
    description: 'Renders a browser serves before it is replaced by a fresh one',
  },
  'grace-ms': {
    env: 'LONGRUN_SHUTDOWN_GRACE_MS',
    default: '10000',
    kind: 'int',
    min: 0,
    max: 3_600_000,
    description: 'On SIGTERM, how long running jobs may finish before they are handed back',
  },
  'metrics-listen': {
    env: 'LONGRUN_METRICS_LISTEN',
    kind: 'string',
    description: 'Serve /metrics only on this HOST:PORT (not on the API port); a worker serves its own there',
  },
  'metrics-token': {
    env: 'LONGRUN_METRICS_TOKEN',
    kind: 'string',
    description: 'A scrape of /metrics must send this as Authorization: Bearer (default: /metrics is open)',
  },
  'log-level': {
    env: 'LONGRUN_LOG_LEVEL',
    default: 'warn',
    kind: 'string',
    choices: LOG_LEVELS,
    description: 'warn: failures and faults; info: also each job change and request; debug: also progress',
  },
};

/** STORE_FLAGS are the flags of the commands that work straight on the store (`keys`, `accounts`). */
export const STORE_FLAGS: Flags = {
  'data-dir': RUNTIME_FLAGS['data-dir']!,
  db: RUNTIME_FLAGS.db!,
  durability: RUNTIME_FLAGS.durability!,
};

/** storeConfigFrom reads the store's flags (`--db`, `--data-dir`, `--durability`) out of parsed RUNTIME_FLAGS. */
export function storeConfigFrom(flags: ParsedFlags): Pick<RuntimeConfig, 'db' | 'durability' | 'dataDir'> {
  const dataDir = String(flags['data-dir']).replace(/\/$/, '');
  return {
    db: flags.db === undefined ? `sqlite:${dataDir}/longrun.db` : String(flags.db),
    durability: flags.durability as 'full' | 'relaxed',
    dataDir,
  };
}

/** runtimeConfigFrom turns parsed RUNTIME_FLAGS into a RuntimeConfig. */
export function runtimeConfigFrom(flags: ParsedFlags): RuntimeConfig {
  return {
    ...storeConfigFrom(flags),
    handlers: flags.handlers === undefined ? undefined : String(flags.handlers),
    service: {
      leaseMs: Number(flags['lease-ms']),
      allowPrivateTargets: flags['allow-private-targets'] === true,
      webhookRetrySchedule: retryScheduleFlag(String(flags['webhook-retry-schedule'])),
    },
    webhookConcurrency: Number(flags['webhook-concurrency']),
    logLevel: String(flags['log-level']),
    metricsListen: flags['metrics-listen'] === undefined ? null : parseListenAddress(String(flags['metrics-listen'])),
    metricsToken: flags['metrics-token'] === undefined || flags['metrics-token'] === '' ? null : String(flags['metrics-token']),
    render: {
      chromiumPath: flags.chromium === undefined ? undefined : String(flags.chromium),
      maxOutputBytes: Number(flags['render-max-bytes']),
      maxPdfPages: Number(flags['render-max-pages']),
      recycleAfter: Number(flags['render-recycle-after']),
    },
  };
}

function retryScheduleFlag(text: string): number[] {
  try {
    return parseRetrySchedule(text);
  } catch (error) {
    throw new UsageError(`--webhook-retry-schedule (LONGRUN_WEBHOOK_RETRY_SCHEDULE): ${(error as Error).message}`);
  }
}

/** RuntimeConfig is what every Longrun process needs, API node or worker. */
export interface RuntimeConfig {
  db: string;
  durability: 'full' | 'relaxed';
  handlers?: string;
  /**
   * dataDir holds output files (`<dataDir>/files`); without one, files go to a temporary folder
   * removed on close (tests and `sqlite::memory:`).
   */
  dataDir?: string;
  /** render tunes the render job types; DEFAULT_RENDER_SETTINGS fill in the rest. */
  render?: Partial<RenderSettings>;
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

/** Runtime is an open store with its registry, bus and the relay of other processes' changes. */
export interface Runtime {
  deps: ServiceDeps & { log: Logger; metrics: ProcessMetrics };
  /** close stops the relay, closes the browsers and closes the store. */
  close(): Promise<void>;
}

/**
 * openRuntime loads the job types, opens the store and starts relaying changes that other
 * processes on the same store commit, so this process's bus hears of every change.
 */
export async function openRuntime(config: RuntimeConfig): Promise<Runtime> {
  const serviceConfig = { ...defaultServiceConfig, ...config.service };
  const log = createLogger({ level: config.logLevel, stream: config.logStream });
  // The browser launches on the first render job, not here.
  const metrics = new ProcessMetrics();
  const onLaunch: RenderSettings['onLaunch'] = (outcome) => {
    metrics.browserLaunch(outcome);
    if (!outcome.ok) log.warn({ err: outcome.error, durationMs: outcome.durationMs }, 'render: Chromium would not start');
    else log.info({ durationMs: outcome.durationMs }, 'render: Chromium started');
  };
  const render = renderEnvironment({ ...DEFAULT_RENDER_SETTINGS, ...config.render, onLaunch }, { allowPrivateTargets: serviceConfig.allowPrivateTargets });
  const registry = new JobTypeRegistry([...BUILTIN_JOB_TYPES, ...renderJobTypes(render)]);
  if (config.handlers) for (const definition of await loadHandlers(config.handlers)) registry.register(definition);
  const store = await openStore(config.db, {
    webhookDeliveries: webhookDeliveryPolicy(jobView),
    durability: config.durability === 'relaxed' ? 'normal' : 'full',
    onListenerState: (state) => {
      if (state.listening) log.info({ reconnected: state.reconnected }, 'store: listening for other processes\' changes');
      else log.warn({ err: state.error }, 'store: lost the connection that hears of other processes\' changes; reconnecting');
    },
  });
  // Processes that share a database server agree on its clock; an embedded one is this machine's.
  let clock = config.clock ?? systemClock;
  let databaseClock: DatabaseClock | null = null;
  if (!config.clock && store.capabilities.sharedClock) {
    databaseClock = new DatabaseClock(store);
    try {
      await databaseClock.start();
    } catch (error) {
      await store.close();
      throw error;
    }
    clock = databaseClock;
  }
  const temporaryFiles = config.dataDir === undefined ? await mkdtemp(join(tmpdir(), 'longrun-files-')) : null;
  metrics.watchQueue(store, clock, registry.names());
  const deps: ServiceDeps & { log: Logger; metrics: ProcessMetrics } = {
    log,
    metrics,
    store,
    clock,
    registry,
    bus: new EventBus(),
    config: serviceConfig,
    files: new LocalFileStore(temporaryFiles ?? join(config.dataDir!, 'files')),
  };
  const stopJobLog = logJobChanges(deps.bus, log);
  const stopCounting = metrics.countJobChanges(deps.bus, registry.names());
  let stopFeed: () => void;
  try {
    stopFeed = await startStoreFeed(store, deps.bus, { onError: (error) => log.warn({ err: error }, 'reading other processes\' job changes failed') });
  } catch (error) {
    stopJobLog();
    stopCounting();
    await store.close();
    throw error;
  }
  return {
    deps,
    async close() {
      stopFeed();
      stopJobLog();
      stopCounting();
      databaseClock?.stop();
      await render.pool.close();
      await store.close();
      if (temporaryFiles) await rm(temporaryFiles, { recursive: true, force: true });
    },
  };
}

/**
 * prepareDataDir makes the data folder the operator named (`--data-dir`, LONGRUN_DATA_DIR) and its
 * `files` folder when a process that runs or serves jobs starts, so an unusable one stops it at
 * once with its reason, not at the first output file. The default `./data` is left to be made
 * when first used, so a process on a database elsewhere leaves no empty folder where it started.
 */
export async function prepareDataDir(flags: ParsedFlags): Promise<void> {
  const dataDir = String(flags['data-dir']);
  if (dataDir === RUNTIME_FLAGS['data-dir']!.default) return;
  await makeDirectory(join(dataDir, 'files')).catch((error: Error) => {
    throw new Error(`--data-dir (LONGRUN_DATA_DIR) ${dataDir}: ${error.message}`);
  });
}

/** installShutdown stops `close` on the first SIGTERM/SIGINT and exits 0; a second signal exits 1 at once. */
export function installShutdown(what: string, graceMs: number, close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      console.error(`longrun: ${signal} again, exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    console.log(`longrun: ${signal}: stopping the ${what} (running jobs get ${graceMs} ms to finish)`);
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`longrun: shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
