import { silentLogger } from '../log/index.js';
import { type PassOptions, PeriodicPass } from '../loops/index.js';
import { type PurgeOptions, type ServiceDeps, purgeExpired } from '../service/index.js';

/** RetentionSweepOptions: what to keep (see PurgeOptions) and how often to sweep. */
export interface RetentionSweepOptions extends Partial<Omit<PurgeOptions, 'retentionMs'>>, PassOptions {
  retentionMs: number;
  /** everyMs is the time between passes (default one minute). */
  everyMs?: number;
}

/**
 * RetentionSweep runs retention (purgeExpired) on a timer. Several processes may sweep one store
 * at once: each deletion re-checks its rows, and PostgreSQL skips rows another sweep holds.
 */
export class RetentionSweep extends PeriodicPass {
  constructor(deps: ServiceDeps, sweep: RetentionSweepOptions) {
    const { everyMs, timers, onError: told, ...purge } = sweep;
    const options: PurgeOptions = { batch: 500, maxBatches: 20, ...purge };
    const onError = told ?? ((error: unknown) => (deps.log ?? silentLogger).warn({ err: error }, 'retention: a pass failed'));
    super(() => purgeExpired(deps, options), everyMs ?? 60_000, onError, timers);
  }
}
