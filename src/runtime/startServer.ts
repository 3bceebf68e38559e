import type { FastifyInstance } from 'fastify';
import { buildApp } from '../http/app.js';
import { RateLimiter } from '../http/rateLimit.js';
import { type LeaseReaper, type Maintenance, type WebhookDispatcher, startMaintenance } from '../maintenance/index.js';
import { ensureDefaultAccount } from '../service/index.js';
import type { Store } from '../store/index.js';
import { WorkerPool } from '../worker/index.js';
import type { ServeConfig } from './config.js';
import { type MetricsListener, startMetricsListener } from './metricsListener.js';
import { type RuntimeDeps, openRuntime } from './openRuntime.js';
import { packageVersion } from './version.js';

/** RunningServer is a started API node; `close` stops it gracefully. */
export interface RunningServer {
  app: FastifyInstance;
  deps: RuntimeDeps;
  pool: WorkerPool | null;
  /** maintenance is this node's maintenance loops (the reaper and the start deadline sweep always; retention and webhooks as configured). */
  maintenance: Maintenance;
  /** reaper hands back jobs whose worker stopped heartbeating; every process runs one, with or without workers. */
  reaper: LeaseReaper;
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

/**
 * startServer turns a ServeConfig into a running API node: it opens the runtime, makes the first
 * account if needed, serves the API, and starts the workers and the maintenance loops. `longrun
 * serve`, the tests and the benchmark all start their servers here.
 */
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
      workerFileMaxBytes: config.render?.maxOutputBytes,
      rateLimiter: config.rateLimit ? new RateLimiter(store, deps.clock, config.rateLimit, Math.max(1, config.rateBurst ?? config.rateLimit * 2)) : null,
      log: deps.log,
      metrics: { token: config.metricsToken ?? null, separate: Boolean(config.metricsListen) },
      timers: config.timers,
      compat: config.compat,
      cleariflowRequireKey: config.cleariflowRequireKey,
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
    const maintenance = startMaintenance(deps, {
      reaper: { everyMs: config.sweepMs },
      unstartable: { everyMs: config.sweepMs },
      retention: config.retentionDays ? { retentionMs: config.retentionDays * 86_400_000 } : null,
      webhooks: pool ? { concurrency: config.webhookConcurrency, sweepMs: config.sweepMs } : null,
    });
    const server = app;
    return {
      app: server,
      deps,
      pool,
      maintenance,
      reaper: maintenance.reaper,
      webhooks: maintenance.webhooks,
      store,
      url: `http://${host}:${port}`,
      metricsUrl: metricsListener?.url ?? null,
      firstStart: created ? { accountId: created.account.id, key: created.apiKey.key } : null,
      needsAccount,
      async close() {
        await pool?.stop({ graceMs: config.graceMs });
        // After the pool: the jobs it finished may still have deliveries to send.
        await maintenance.stop();
        // A connection still busy after the grace period is cut, so a stop does not wait out the 72 s
        // keep-alive (the worker-protocol account reads suite met it).
        const cut = setTimeout(() => server.server.closeAllConnections(), config.graceMs);
        try {
          await server.close();
        } finally {
          clearTimeout(cut);
        }
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
