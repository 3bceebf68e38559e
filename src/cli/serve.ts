import type { FastifyInstance } from 'fastify';
import { type Clock, systemClock } from '../domain/index.js';
import { EventBus } from '../events/index.js';
import { buildApp } from '../http/app.js';
import { BUILTIN_JOB_TYPES, JobTypeRegistry } from '../jobtypes/index.js';
import { type ServiceConfig, type ServiceDeps, defaultServiceConfig, ensureDefaultAccount } from '../service/index.js';
import { type Store, openStore } from '../store/index.js';
import { WorkerPool } from '../worker/index.js';
import { loadHandlers } from './handlers.js';
import { type Flags, flagHelp, parseFlags } from './options.js';

/** SERVE_FLAGS are `longrun serve`'s flags; each also reads an environment variable. */
export const SERVE_FLAGS: Flags = {
  host: { env: 'LONGRUN_HOST', default: '127.0.0.1', kind: 'string', description: 'Address to listen on' },
  port: { env: 'PORT', default: '8080', kind: 'int', min: 0, max: 65535, description: 'Port; 0 picks a free one' },
  'data-dir': { env: 'LONGRUN_DATA_DIR', default: './data', kind: 'string', description: 'Where the database and output files go' },
  db: { env: 'LONGRUN_DB', kind: 'string', description: 'sqlite:PATH or postgres://… (default sqlite:<data-dir>/longrun.db)' },
  durability: {
    env: 'LONGRUN_DURABILITY',
    default: 'full',
    kind: 'string',
    choices: ['full', 'relaxed'],
    description: 'full fsyncs every commit; relaxed survives a process crash, not a power loss',
  },
  workers: { env: 'LONGRUN_WORKERS', default: '4', kind: 'int', min: 0, max: 1000, description: 'In-process workers; 0 serves the API alone' },
  handlers: { env: 'LONGRUN_HANDLERS', kind: 'string', description: 'A module that exports more job types' },
  'lease-ms': { env: 'LONGRUN_LEASE_MS', default: '30000', kind: 'int', min: 1000, max: 3_600_000, description: 'How long a claim lasts without a heartbeat' },
  'grace-ms': {
    env: 'LONGRUN_SHUTDOWN_GRACE_MS',
    default: '10000',
    kind: 'int',
    min: 0,
    max: 3_600_000,
    description: 'On SIGTERM, how long running jobs may finish before they are handed back',
  },
  'body-limit': { env: 'LONGRUN_BODY_LIMIT', default: String(10 * 1024 * 1024), kind: 'int', min: 1024, max: 1024 * 1024 * 1024, description: 'Largest request body, in bytes' },
  'log-level': { env: 'LONGRUN_LOG_LEVEL', default: 'warn', kind: 'string', choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], description: 'Log level' },
  help: { kind: 'boolean', description: 'Show this help' },
};

/** ServeConfig is everything `startServer` needs. */
export interface ServeConfig {
  host: string;
  port: number;
  db: string;
  durability: 'full' | 'relaxed';
  workers: number;
  handlers?: string;
  graceMs: number;
  bodyLimit: number;
  logLevel: string;
  adminKey: string | null;
  service?: Partial<ServiceConfig>;
  clock?: Clock;
  /** sweepMs is the workers' safety sweep (default 1000). */
  sweepMs?: number;
}

/** RunningServer is a started server; `close` stops it gracefully. */
export interface RunningServer {
  app: FastifyInstance;
  deps: ServiceDeps;
  pool: WorkerPool | null;
  store: Store;
  url: string;
  /** firstStart holds the default account's key when this start created it. */
  firstStart: { accountId: string; key: string } | null;
  close(): Promise<void>;
}

/** startServer opens the store, makes the first account if needed, serves the API and starts workers. */
export async function startServer(config: ServeConfig): Promise<RunningServer> {
  const registry = new JobTypeRegistry(BUILTIN_JOB_TYPES);
  if (config.handlers) for (const definition of await loadHandlers(config.handlers)) registry.register(definition);
  const store = await openStore(config.db, { durability: config.durability === 'relaxed' ? 'normal' : 'full' });
  const deps: ServiceDeps = {
    store,
    clock: config.clock ?? systemClock,
    registry,
    bus: new EventBus(),
    config: { ...defaultServiceConfig, ...config.service },
  };
  let app: FastifyInstance | undefined;
  try {
    const created = await ensureDefaultAccount(deps, { adminKeyConfigured: config.adminKey !== null });
    app = await buildApp({
      service: deps,
      adminKey: config.adminKey,
      bodyLimit: config.bodyLimit,
      logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    });
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    const pool = config.workers > 0 ? new WorkerPool(deps, { concurrency: config.workers, sweepMs: config.sweepMs }) : null;
    pool?.start();
    const server = app;
    return {
      app: server,
      deps,
      pool,
      store,
      url: `http://${host}:${port}`,
      firstStart: created ? { accountId: created.account.id, key: created.apiKey.key } : null,
      async close() {
        await pool?.stop({ graceMs: config.graceMs });
        await server.close();
        await store.close();
      },
    };
  } catch (error) {
    await app?.close();
    await store.close();
    throw error;
  }
}

/** serveCommand is `longrun serve`: parse flags, start, print how to use it, stop on SIGTERM/SIGINT. */
export async function serveCommand(args: string[]): Promise<void> {
  const flags = parseFlags(args, SERVE_FLAGS);
  if (flags.help) {
    console.log(`Usage: longrun serve [flags]\n\n${flagHelp(SERVE_FLAGS)}`);
    return;
  }
  const dataDir = String(flags['data-dir']);
  const server = await startServer({
    host: String(flags.host),
    port: Number(flags.port),
    db: flags.db === undefined ? `sqlite:${dataDir.replace(/\/$/, '')}/longrun.db` : String(flags.db),
    durability: flags.durability as 'full' | 'relaxed',
    workers: Number(flags.workers),
    handlers: flags.handlers === undefined ? undefined : String(flags.handlers),
    graceMs: Number(flags['grace-ms']),
    bodyLimit: Number(flags['body-limit']),
    logLevel: String(flags['log-level']),
    adminKey: process.env.LONGRUN_ADMIN_KEY || null,
    service: { leaseMs: Number(flags['lease-ms']) },
  });
  console.log(`listening on ${server.url}`);
  if (server.firstStart) printFirstStart(server.url, server.firstStart.key);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      console.error(`longrun: ${signal} again, exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    console.log(`longrun: ${signal}: stopping (running jobs get ${flags['grace-ms']} ms to finish)`);
    server.close().then(
      () => process.exit(0),
      (error) => {
        console.error(`longrun: shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

function printFirstStart(url: string, key: string): void {
  const body = JSON.stringify({ type: 'demo/sleep', input: { durationMs: 2000, steps: 4 } });
  console.log(
    [
      '',
      'First start: created the account "default" (unlimited credits). Its API key, shown this once:',
      '',
      `  ${key}`,
      '',
      'Create a job and wait for it to finish:',
      '',
      `  curl -s ${url}/v1/jobs -H 'X-API-Key: ${key}' -H 'Content-Type: application/json' -H 'Prefer: wait=10' -d '${body}'`,
      '',
    ].join('\n'),
  );
}
