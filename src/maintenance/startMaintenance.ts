import type { ServiceDeps } from '../service/index.js';
import { LeaseReaper, type LeaseReaperOptions } from './leaseReaper.js';
import { RetentionSweep, type RetentionSweepOptions } from './retentionSweep.js';
import { WebhookDispatcher, type WebhookDispatcherOptions } from './webhookDispatcher.js';

/**
 * MaintenancePlan says which loops one process runs. The reaper always runs; the runtime asks for
 * retention where it is configured and for the dispatcher where workers run.
 */
export interface MaintenancePlan {
  reaper?: LeaseReaperOptions;
  /** retention is the retention sweep's settings; null or absent: jobs are kept forever. */
  retention?: RetentionSweepOptions | null;
  /** webhooks is the dispatcher's settings; null or absent: this process sends no webhooks. */
  webhooks?: WebhookDispatcherOptions | null;
}

/** Maintenance is the set of running maintenance loops of one process. */
export interface Maintenance {
  reaper: LeaseReaper;
  retention: RetentionSweep | null;
  webhooks: WebhookDispatcher | null;
  /** stop stops every loop and waits for what each has under way (webhook attempts end within their timeout). */
  stop(): Promise<void>;
}

/** startMaintenance starts the loops `plan` asks for, each with its first pass now. */
export function startMaintenance(deps: ServiceDeps, plan: MaintenancePlan): Maintenance {
  const reaper = new LeaseReaper(deps, plan.reaper);
  const retention = plan.retention ? new RetentionSweep(deps, plan.retention) : null;
  const webhooks = plan.webhooks ? new WebhookDispatcher(deps, plan.webhooks) : null;
  reaper.start();
  retention?.start();
  webhooks?.start();
  return {
    reaper,
    retention,
    webhooks,
    async stop() {
      await webhooks?.stop();
      await retention?.stop();
      await reaper.stop();
    },
  };
}
