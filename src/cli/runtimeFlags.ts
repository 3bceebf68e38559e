// The flags every Longrun process takes, and how they become a RuntimeConfig. What the config
// starts is src/runtime's business; this file only reads flags and environment variables.
import { join } from 'node:path';
import { makeDirectory } from '../files/makeDirectory.js';
import { DEFAULT_RENDER_SETTINGS } from '../jobtypes/render/index.js';
import { LOG_LEVELS } from '../log/index.js';
import type { RuntimeConfig } from '../runtime/index.js';
import { parseRetrySchedule } from '../webhooks/retryPolicy.js';
import { FILE_FLAGS, filesChoiceFrom } from './fileFlags.js';
import { parseListenAddress } from './metricsListener.js';
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
  ...FILE_FLAGS,
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
    files: filesChoiceFrom(flags),
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
