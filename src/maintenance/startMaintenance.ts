import type { ServiceDeps } from '../service/index.js';
import { LeaseReaper, type LeaseReaperOptions } from './leaseReaper.js';
import { RetentionSweep, type RetentionSweepOptions } from './retentionSweep.js';
import { UnstartableSweep, type UnstartableSweepOptions } from './unstartableSweep.js';
import { WebhookDispatcher, type WebhookDispatcherOptions } from './webhookDispatcher.js';

/**
 * MaintenancePlan says which loops one process runs. The reaper and the sweep of unstartable
 * jobs always run; the runtime asks for retention where it is configured and for the dispatcher where
 * workers run.
 */
export interface MaintenancePlan {
  reaper?: LeaseReaperOptions;
  /** unstartable is the settings of the sweep that fails jobs past their startBy or after a failed dependency (it always runs). */
  unstartable?: UnstartableSweepOptions;
  /** retention is the retention sweep's settings; null or absent: jobs are kept forever. */
  retention?: RetentionSweepOptions | null;
  /** webhooks is the dispatcher's settings; null or absent: this process sends no webhooks. */
  webhooks?: WebhookDispatcherOptions | null;
}

/** Maintenance is the set of running maintenance loops of one process. */
export interface Maintenance {
  reaper: LeaseReaper;
  unstartable: UnstartableSweep;
  retention: RetentionSweep | null;
  webhooks: WebhookDispatcher | null;
  /** stop stops every loop and waits for what each has under way (webhook attempts end within their timeout). */
  stop(): Promise<void>;
}

/** startMaintenance starts the loops `plan` asks for, each with its first pass now. */
export function startMaintenance(deps: ServiceDeps, plan: MaintenancePlan): Maintenance {
  const reaper = new LeaseReaper(deps, plan.reaper);
  const unstartable = new UnstartableSweep(deps, plan.unstartable);
  const retention = plan.retention ? new RetentionSweep(deps, plan.retention) : null;
  const webhooks = plan.webhooks ? new WebhookDispatcher(deps, plan.webhooks) : null;
  reaper.start();
  unstartable.start();
  retention?.start();
  webhooks?.start();
  return {
    reaper,
    unstartable,
    retention,
    webhooks,
    async stop() {
      await webhooks?.stop();
      await retention?.stop();
      await reaper.stop();
      await unstartable.stop();
    },
  };
}
