import { silentLogger } from '../log/index.js';
import { type PurgeOptions, type ServiceDeps, purgeExpired } from '../service/index.js';

/** RetentionSweepOptions: what to keep (see PurgeOptions) and how often to sweep. */
export interface RetentionSweepOptions extends Partial<Omit<PurgeOptions, 'retentionMs'>> {
  retentionMs: number;
  /** everyMs is the time between passes (default one minute). */
  everyMs?: number;
  /** onError is told of a pass that failed; the next pass tries again (default: logged at warn). */
  onError?: (error: unknown) => void;
}

/**
 * RetentionSweep runs retention (purgeExpired) on a timer. Several processes may sweep one store
 * at once: each deletion re-checks its rows, and PostgreSQL skips rows another sweep holds.
 */
export class RetentionSweep {
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<unknown> | null = null;
  private readonly options: PurgeOptions;

  constructor(private readonly deps: ServiceDeps, private readonly sweep: RetentionSweepOptions) {
    this.options = { batch: 500, maxBatches: 20, ...sweep };
  }

  /** start sweeps once now and then every `everyMs`. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), this.sweep.everyMs ?? 60_000);
    this.timer.unref();
    void this.runOnce();
  }

  /** runOnce runs one pass, or joins the one under way; it never throws (errors go to onError). */
  runOnce(): Promise<unknown> {
    this.pass ??= purgeExpired(this.deps, this.options)
      .catch((error: unknown) => (this.sweep.onError ?? ((e) => (this.deps.log ?? silentLogger).warn({ err: e }, 'retention: a pass failed')))(error))
      .finally(() => (this.pass = null));
    return this.pass;
  }

  /** stop ends the timer and waits for a pass under way. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.pass;
  }
}
