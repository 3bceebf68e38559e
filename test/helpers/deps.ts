// Service deps for tests that drive use cases, workers or loops directly, without HTTP: an
// in-memory SQLite store, a hand-moved clock, the API's links and the default config.
import { ManualClock } from '../../src/domain/index.js';
import { EventBus } from '../../src/events/index.js';
import { apiLinks } from '../../src/http/links.js';
import { BUILTIN_JOB_TYPES, JobTypeRegistry } from '../../src/jobtypes/index.js';
import { type ServiceConfig, type ServiceDeps, defaultServiceConfig } from '../../src/service/index.js';
import { openSqlite } from '../../src/store/sqlite/index.js';
import { webhookDeliveries } from './store.js';

/** MemoryDepsOptions replace parts of the deps; `config` is laid over defaultServiceConfig. */
export type MemoryDepsOptions = Partial<Omit<ServiceDeps, 'config' | 'clock'>> & { clock?: ManualClock; config?: Partial<ServiceConfig> };

/**
 * memoryDeps builds ServiceDeps on a fresh `:memory:` SQLite store (with the service's webhook
 * delivery policy) and a ManualClock, serving the built-in job types unless `registry` says
 * otherwise. The caller closes `deps.store`.
 */
export function memoryDeps(options: MemoryDepsOptions = {}): ServiceDeps & { clock: ManualClock } {
  const { config, ...rest } = options;
  return {
    store: openSqlite(':memory:', { webhookDeliveries }),
    clock: new ManualClock(),
    registry: new JobTypeRegistry(BUILTIN_JOB_TYPES),
    bus: new EventBus(),
    links: apiLinks,
    ...rest,
    config: { ...defaultServiceConfig, ...config },
  };
}
