import type { FastifyInstance } from 'fastify';
import type { Timers } from '../domain/index.js';
import { buildApp } from '../http/app.js';
import { RateLimiter } from '../http/rateLimit.js';
import { type ServiceDeps, ensureDefaultAccount } from '../service/index.js';
import type { Store } from '../store/index.js';
import { WebhookDispatcher } from '../webhooks/index.js';
import { LeaseReaper, RetentionSweep, WorkerPool } from '../worker/index.js';
import { type MetricsListener, startMetricsListener } from './metricsListener.js';
import { packageVersion } from './version.js';
import { type Flags, flagHelp, parseFlags, wantsHelp } from './options.js';
import { RUNTIME_FLAGS, type RuntimeConfig, installShutdown, openRuntime, prepareDataDir, runtimeConfigFrom } from './runtime.js';

/** SERVE_FLAGS are `longrun serve`'s flags; each also reads an environment variable. */
export const SERVE_FLAGS: Flags = {
  host: { env: 'LONGRUN_HOST', default: '127.0.0.1', kind: 'string', description: 'Address to listen on' },
  port: { env: 'PORT', default: '8080', kind: 'int', min: 0, max: 65535, description: 'Port; 0 picks a free one' },
  ...RUNTIME_FLAGS,
  workers: { env: 'LONGRUN_WORKERS', default: '4', kind: 'int', min: 0, max: 1000, description: 'In-process workers; 0 serves the API alone' },
  'rate-limit': { env: 'LONGRUN_RATE_LIMIT', default: '100', kind: 'int', min: 0, max: 1_000_000, description: 'Requests per second per API key; 0 turns the limit off' },
  'rate-burst': { env: 'LONGRUN_RATE_BURST', default: '200', kind: 'int', min: 1, max: 10_000_000, description: 'Requests a key may send at once before the rate applies' },
  'retention-days': {
    env: 'LONGRUN_RETENTION_DAYS',
    default: '30',
    kind: 'int',
    min: 0,
    max: 36_500,
    description: 'Days a finished job (and its files) is kept; 0 keeps jobs forever',
  },
  'body-limit': { env: 'LONGRUN_BODY_LIMIT', default: String(10 * 1024 * 1024), kind: 'int', min: 1024, max: 1024 * 1024 * 1024, description: 'Largest request body, in bytes' },
  help: { kind: 'boolean', description: 'Show this help' },
};

/** ServeConfig is everything `startServer` needs. */
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
  /** sweepMs is the safety sweep of the workers, or of the lease reaper on a node without workers (default 1000). */
  sweepMs?: number;
  /** retentionDays is how long a finished job is kept (0 or absent: forever). */
  retentionDays?: number;
  /** timers run the event streams' pings (default Node's); tests pass a ManualClock. */
  timers?: Timers;
}

/** RunningServer is a started server; `close` stops it gracefully. */
export interface RunningServer {
  app: FastifyInstance;
  deps: ServiceDeps;
  pool: WorkerPool | null;
  /** reaper hands back jobs whose worker stopped heartbeating, on an API node without workers (worker pools reap in their own sweep). */
  reaper: LeaseReaper | null;
  /** webhooks sends webhook deliveries; it runs wherever workers run (null with `--workers 0`). */
  webhooks: WebhookDispatcher | null;
  store: Store;
  url: string;
  /** metricsUrl is where /metrics is served when it has its own listener (`--metrics-listen`), else null. */
  metricsUrl: string | null;
  /** firstStart holds the default account's key when this start created it. */
  firstStart: { accountId: string; key: string } | null;
  /** needsAccount is true when an admin key is set and the store has no account yet: the operator makes the first. */
  needsAccount: boolean;
  close(): Promise<void>;
}

/** startServer opens the store, makes the first account if needed, serves the API and starts workers. */
export async function startServer(config: ServeConfig): Promise<RunningServer> {
  const runtime = await openRuntime(config);
  const { deps } = runtime;
  const store = deps.store;
  let app: FastifyInstance | undefined;
  let metricsListener: MetricsListener | null = null;
  try {
    const created = await ensureDefaultAccount(deps, { adminKeyConfigured: config.adminKey !== null });
    // Without an admin key the first start made the default account (created); with one, say how to make it.
    const needsAccount = config.adminKey !== null && (await store.accountCount()) === 0;
    app = await buildApp({
      service: deps,
      adminKey: config.adminKey,
      bodyLimit: config.bodyLimit,
      rateLimiter: config.rateLimit ? new RateLimiter(store, deps.clock, config.rateLimit, Math.max(1, config.rateBurst ?? config.rateLimit * 2)) : null,
      log: deps.log,
      metrics: { token: config.metricsToken ?? null, separate: Boolean(config.metricsListen) },
      timers: config.timers,
      version: packageVersion(),
    });
    if (config.metricsListen) {
      metricsListener = await startMetricsListener({ address: config.metricsListen, metrics: deps.metrics, token: config.metricsToken ?? null, log: deps.log });
    }
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    const pool = config.workers > 0 ? new WorkerPool(deps, { concurrency: config.workers, sweepMs: config.sweepMs }) : null;
    pool?.start();
    const reaper = pool ? null : new LeaseReaper(deps, { everyMs: config.sweepMs });
    reaper?.start();
    const retention = config.retentionDays ? new RetentionSweep(deps, { retentionMs: config.retentionDays * 86_400_000 }) : null;
    retention?.start();
    const webhooks = config.workers > 0 ? new WebhookDispatcher(deps, { concurrency: config.webhookConcurrency, sweepMs: config.sweepMs }) : null;
    webhooks?.start();
    const server = app;
    return {
      app: server,
      deps,
      pool,
      reaper,
      webhooks,
      store,
      url: `http://${host}:${port}`,
      metricsUrl: metricsListener?.url ?? null,
      firstStart: created ? { accountId: created.account.id, key: created.apiKey.key } : null,
      needsAccount,
      async close() {
        await pool?.stop({ graceMs: config.graceMs });
        // After the pool: the jobs it finished may still have deliveries to send.
        await webhooks?.stop();
        await retention?.stop();
        await reaper?.stop();
        await server.close();
        await metricsListener?.close();
        await runtime.close();
      },
    };
  } catch (error) {
    await metricsListener?.close();
    await app?.close();
    await runtime.close();
    throw error;
  }
}

/** serveCommand is `longrun serve`: parse flags, start, print how to use it, stop on SIGTERM/SIGINT. */
export async function serveCommand(args: string[]): Promise<void> {
  if (wantsHelp(args)) {
    console.log(`Usage: longrun serve [flags]\n\n${flagHelp(SERVE_FLAGS)}`);
    return;
  }
  const flags = parseFlags(args, SERVE_FLAGS);
  await prepareDataDir(flags);
  const server = await startServer({
    ...runtimeConfigFrom(flags),
    host: String(flags.host),
    port: Number(flags.port),
    workers: Number(flags.workers),
    graceMs: Number(flags['grace-ms']),
    bodyLimit: Number(flags['body-limit']),
    rateLimit: Number(flags['rate-limit']),
    rateBurst: Number(flags['rate-burst']),
    retentionDays: Number(flags['retention-days']),
    adminKey: process.env.LONGRUN_ADMIN_KEY || null,
  });
  console.log(`listening on ${server.url}`);
  if (server.metricsUrl) console.log(`metrics on ${server.metricsUrl}`);
  if (server.firstStart) printFirstStart(server.url, server.firstStart.key);
  if (server.needsAccount) printNoAccount(server.url);

  installShutdown('server', Number(flags['grace-ms']), () => server.close());
}

/** printNoAccount says how to make the first account when the admin key kept the default one from being made. */
function printNoAccount(url: string): void {
  console.log(
    [
      '',
      'No account yet (LONGRUN_ADMIN_KEY is set, so no "default" account was made). Make the first one and its API key:',
      '',
      '  longrun keys create --account NAME --create-account',
      '',
      "(on this machine, with this server's --db or --data-dir if you gave one), or through the admin API:",
      '',
      `  curl -s ${url}/v1/admin/accounts -H "X-API-Key: $LONGRUN_ADMIN_KEY" -H 'Content-Type: application/json' -d '{"name":"NAME"}'`,
      '',
    ].join('\n'),
  );
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
