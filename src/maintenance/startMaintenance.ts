import type { ServiceDeps } from '../service/index.js';
import { LeaseReaper, type LeaseReaperOptions } from './leaseReaper.js';
import { RetentionSweep, type RetentionSweepOptions } from './retentionSweep.js';
import { StartDeadlineSweep, type StartDeadlineSweepOptions } from './startDeadlineSweep.js';
import { WebhookDispatcher, type WebhookDispatcherOptions } from './webhookDispatcher.js';

/**
 * MaintenancePlan says which loops one process runs. The reaper and the start deadline sweep
 * always run; the runtime asks for retention where it is configured and for the dispatcher where
 * workers run.
 */
export interface MaintenancePlan {
  reaper?: LeaseReaperOptions;
  /** deadlines is the start deadline sweep's settings (it always runs: jobs past their startBy are failed). */
  deadlines?: StartDeadlineSweepOptions;
  /** retention is the retention sweep's settings; null or absent: jobs are kept forever. */
  retention?: RetentionSweepOptions | null;
  /** webhooks is the dispatcher's settings; null or absent: this process sends no webhooks. */
  webhooks?: WebhookDispatcherOptions | null;
}

/** Maintenance is the set of running maintenance loops of one process. */
export interface Maintenance {
  reaper: LeaseReaper;
  deadlines: StartDeadlineSweep;
  retention: RetentionSweep | null;
  webhooks: WebhookDispatcher | null;
  /** stop stops every loop and waits for what each has under way (webhook attempts end within their timeout). */
  stop(): Promise<void>;
}

/** startMaintenance starts the loops `plan` asks for, each with its first pass now. */
export function startMaintenance(deps: ServiceDeps, plan: MaintenancePlan): Maintenance {
  const reaper = new LeaseReaper(deps, plan.reaper);
  const deadlines = new StartDeadlineSweep(deps, plan.deadlines);
  const retention = plan.retention ? new RetentionSweep(deps, plan.retention) : null;
  const webhooks = plan.webhooks ? new WebhookDispatcher(deps, plan.webhooks) : null;
  reaper.start();
  deadlines.start();
  retention?.start();
  webhooks?.start();
  return {
    reaper,
    deadlines,
    retention,
    webhooks,
    async stop() {
      await webhooks?.stop();
      await retention?.stop();
      await reaper.stop();
      await deadlines.stop();
    },
  };
}
