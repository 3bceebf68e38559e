import { silentLogger } from '../log/index.js';
import { type PassOptions, PeriodicPass } from '../loops/index.js';
import { type ServiceDeps, expireUnstarted } from '../service/index.js';

/** StartDeadlineSweepOptions: how often to look for jobs past their deadline to start and how many to fail per pass. */
export interface StartDeadlineSweepOptions extends PassOptions {
  /** everyMs is the time between passes (default one second, as the lease reaper). */
  everyMs?: number;
  /** limit is how many jobs one store round fails at most (default 100); a pass runs up to 10 rounds. */
  limit?: number;
}

/**
 * StartDeadlineSweep fails the pending jobs whose `startBy` passed with `expired` (expireUnstarted).
 * The claim already never starts such a job; the sweep makes it final, refunds it and sends its
 * webhook, within about a period of its deadline. Every process runs one, as it runs a reaper;
 * several may sweep one store at once (each job is failed by one of them, once).
 */
export class StartDeadlineSweep extends PeriodicPass {
  constructor(deps: ServiceDeps, options: StartDeadlineSweepOptions = {}) {
    const onError = options.onError ?? ((error: unknown) => (deps.log ?? silentLogger).warn({ err: error }, 'start deadlines: a pass failed'));
    super(() => expireUnstarted(deps, { limit: options.limit ?? 100, maxBatches: 10 }), options.everyMs ?? 1000, onError, options.timers);
  }
}
