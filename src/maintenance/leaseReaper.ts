import { silentLogger } from '../log/index.js';
import { type PassOptions, PeriodicPass } from '../loops/index.js';
import { type ServiceDeps, reapExpired } from '../service/index.js';

/** LeaseReaperOptions: how often to look for expired leases and how many to move per pass. */
export interface LeaseReaperOptions extends PassOptions {
  /** everyMs is the time between passes (default one second, as the worker pool's sweep). */
  everyMs?: number;
  /** limit is how many expired jobs one pass moves at most (default 100). */
  limit?: number;
}

/**
 * LeaseReaper hands back the jobs whose worker stopped heartbeating (reapExpired: retried while
 * attempts remain, else failed with `lease_expired`). Every Longrun process runs one, API node
 * or worker (worker pools do not reap), so a job abandoned by a killed worker process is retried
 * even while every worker process is gone. Several processes may reap one store at once: each
 * move re-checks the lease in its own guarded update.
 */
export class LeaseReaper extends PeriodicPass {
  constructor(deps: ServiceDeps, options: LeaseReaperOptions = {}) {
    const onError = options.onError ?? ((error: unknown) => (deps.log ?? silentLogger).warn({ err: error }, 'reaper: a pass failed'));
    super(() => reapExpired(deps, { limit: options.limit ?? 100 }), options.everyMs ?? 1000, onError, options.timers);
  }
}
