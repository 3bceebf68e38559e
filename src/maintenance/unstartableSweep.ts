import { silentLogger } from '../log/index.js';
import { type PassOptions, PeriodicPass } from '../loops/index.js';
import { type ServiceDeps, expireUnstarted, failBlocked } from '../service/index.js';

/** UnstartableSweepOptions: how often to look for pending jobs that can no longer start and how many to fail per round. */
export interface UnstartableSweepOptions extends PassOptions {
  /** everyMs is the time between passes (default one second, as the lease reaper). */
  everyMs?: number;
  /** limit is how many jobs one store round fails at most (default 100); a pass runs up to 10 rounds of each kind. */
  limit?: number;
}

/**
 * UnstartableSweep fails the pending jobs that can no longer start: those past their `startBy`
 * with `expired` (expireUnstarted), and those waiting for a job that failed or was cancelled with
 * `dependency_failed` (failBlocked). The claim already never starts such a job; the sweep makes
 * it final, refunds it and sends its webhook, within about a period. Every process runs one, as
 * it runs a reaper; several may sweep one store at once (each job is failed by one of them, once).
 * A pass returns how many jobs it failed.
 */
export class UnstartableSweep extends PeriodicPass {
  constructor(deps: ServiceDeps, options: UnstartableSweepOptions = {}) {
    const onError = options.onError ?? ((error: unknown) => (deps.log ?? silentLogger).warn({ err: error }, 'unstartable jobs: a pass failed'));
    const rounds = { limit: options.limit ?? 100, maxBatches: 10 };
    const pass = async () => (await expireUnstarted(deps, rounds)) + (await failBlocked(deps, rounds));
    super(pass, options.everyMs ?? 1000, onError, options.timers);
  }
}
