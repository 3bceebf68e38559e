/**
 * Maintenance: the loops that keep the store healthy beside the work itself. The lease reaper
 * hands back jobs whose worker died, the sweep of unstartable jobs fails those past their
 * startBy or after a failed dependency, the retention sweep deletes old final jobs, and the
 * webhook dispatcher sends due deliveries. Each runs on a timer from injected `Timers`, has
 * `runOnce()` for tests, and goes through service use cases; the runtime starts them with
 * startMaintenance.
 */
export { LeaseReaper, type LeaseReaperOptions } from './leaseReaper.js';
export { RetentionSweep, type RetentionSweepOptions } from './retentionSweep.js';
export { UnstartableSweep, type UnstartableSweepOptions } from './unstartableSweep.js';
export { WebhookDispatcher, type WebhookDispatcherOptions } from './webhookDispatcher.js';
export { type Maintenance, type MaintenancePlan, startMaintenance } from './startMaintenance.js';
