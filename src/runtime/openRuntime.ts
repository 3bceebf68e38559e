import { join } from 'node:path';
import { systemClock } from '../domain/index.js';
import { EventBus, logJobChanges, startStoreFeed } from '../events/index.js';
import type { FileStore } from '../files/index.js';
import { DIALECT_WEBHOOK_FORMATS } from '../http/dialects/webhookFormats.js';
import { jobView } from '../http/jobView.js';
import { apiLinks } from '../http/links.js';
import { type Logger, createLogger } from '../log/index.js';
import { ProcessMetrics } from '../metrics/index.js';
import { ApiKeyCache, type ServiceDeps, defaultServiceConfig, webhookDeliveryPolicy } from '../service/index.js';
import { DatabaseClock, openStore } from '../store/index.js';
import type { RuntimeConfig } from './config.js';
import { openJobTypes } from './openJobTypes.js';
import { type FilesChoice, openFileStore } from './openFileStore.js';

/** RuntimeDeps are the service's deps as a process runs them: always with a logger and metrics. */
export type RuntimeDeps = ServiceDeps & { log: Logger; metrics: ProcessMetrics };

/** Runtime is an open store with its registry, file store, bus and the relay of other processes' changes. */
export interface Runtime {
  deps: RuntimeDeps;
  /** close stops the relay, closes the browsers, the store and the file store. */
  close(): Promise<void>;
}

/**
 * openRuntime loads the job types, opens the store and the file store, and starts relaying
 * changes that other processes on the same store commit, so this process's bus hears of every
 * change. It starts no workers, loops or listeners: startServer and startWorker add those, and
 * the store commands (`keys`, `accounts`) use it as it is.
 */
export async function openRuntime(config: RuntimeConfig): Promise<Runtime> {
  const serviceConfig = { ...defaultServiceConfig, ...config.service };
  const log = createLogger({ level: config.logLevel, stream: config.logStream });
  const metrics = new ProcessMetrics();
  const jobTypes = await openJobTypes({ render: config.render, video: config.video, handlers: config.handlers, allowPrivateTargets: serviceConfig.allowPrivateTargets, log, metrics });
  const { registry } = jobTypes;
  const store = await openStore(config.db, {
    durability: config.durability === 'relaxed' ? 'normal' : 'full',
    webhookDeliveries: webhookDeliveryPolicy(jobView, DIALECT_WEBHOOK_FORMATS),
    onListenerState: (state) => {
      if (state.listening) log.info({ reconnected: state.reconnected }, 'store: listening for other processes\' changes');
      else log.warn({ err: state.error }, 'store: lost the connection that hears of other processes\' changes; reconnecting');
    },
  });
  // Processes that share a database server agree on its clock; an embedded one is this machine's.
  let clock = config.clock ?? systemClock;
  let databaseClock: DatabaseClock | null = null;
  let files: FileStore | null = null;
  let stopFeed: (() => void) | null = null;
  const undo: (() => unknown)[] = [];
  try {
    if (!config.clock && store.capabilities.sharedClock) {
      databaseClock = new DatabaseClock(store);
      await databaseClock.start();
      clock = databaseClock;
    }
    files = config.files === undefined ? (store.databaseFiles() ?? (await openFileStore(localFolderOf(config)))) : await openFileStore(localChoice(config.files, config), store);
    metrics.watchQueue(store, clock, registry.names());
    const bus = new EventBus();
    const deps: RuntimeDeps = {
      log, metrics, store, clock, registry, bus, apiKeys: new ApiKeyCache(bus), links: apiLinks, config: serviceConfig, files, webhookFormats: DIALECT_WEBHOOK_FORMATS,
    };
    undo.push(logJobChanges(deps.bus, log), metrics.countJobChanges(deps.bus, registry.names()));
    stopFeed = await startStoreFeed(store, deps.bus, { onError: (error) => log.warn({ err: error }, 'reading other processes\' job changes failed') });
    return {
      deps,
      async close() {
        stopFeed?.();
        for (const stop of undo) stop();
        databaseClock?.stop();
        await jobTypes.close();
        await store.close();
        await files?.close();
      },
    };
  } catch (error) {
    for (const stop of undo) stop();
    databaseClock?.stop();
    await store.close();
    await files?.close();
    throw error;
  }
}

/** localFolderOf is the default local folder, `<dataDir>/files`, or null (a temporary one) without a data dir. */
function localFolderOf(config: RuntimeConfig): string | null {
  return config.dataDir === undefined ? null : join(config.dataDir, 'files');
}

/** localChoice fills in the folder of a `local` choice that names none. */
function localChoice(choice: FilesChoice | string, config: RuntimeConfig): FilesChoice | string | null {
  if (typeof choice === 'string' || choice.kind !== 'local' || choice.folder !== undefined) return choice;
  return localFolderOf(config);
}
