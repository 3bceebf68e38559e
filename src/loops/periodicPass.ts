import { type Timers, systemTimers } from '../domain/index.js';

/** PassOptions are the settings every loop built on PeriodicPass takes, besides its own. */
export interface PassOptions {
  /** everyMs is the time between passes (each loop gives its default). */
  everyMs?: number;
  /** timers run the passes (default Node's); tests pass a ManualClock. */
  timers?: Timers;
  /** onError is told of a pass that failed; the next pass tries again (default: logged at warn). */
  onError?: (error: unknown) => void;
}

/**
 * PeriodicPass runs one pass of work (`run`) now and every `everyMs`, never two at once: a pass
 * asked for while one is under way joins it. A failed pass goes to `onError` and the next one
 * tries again, so a fault of the store never stops the loop. The period comes from injected
 * `timers` (default Node's, which never hold the process open), so a test moves a ManualClock
 * instead of waiting; `runOnce` lets it drive a pass directly.
 */
export class PeriodicPass {
  private cancelTimer: (() => void) | null = null;
  private pass: Promise<unknown> | null = null;

  constructor(
    private readonly run: () => Promise<unknown>,
    private readonly everyMs: number,
    private readonly onError: (error: unknown) => void,
    private readonly timers: Timers = systemTimers,
  ) {}

  /** start runs a pass now and then every `everyMs`. */
  start(): void {
    if (this.cancelTimer) return;
    this.schedule();
    void this.runOnce();
  }

  /** runOnce runs one pass, or joins the one under way; it never throws (errors go to onError). */
  runOnce(): Promise<unknown> {
    this.pass ??= this.run()
      .catch((error: unknown) => this.onError(error))
      .finally(() => (this.pass = null));
    return this.pass;
  }

  /** stop ends the timer and waits for a pass under way. */
  async stop(): Promise<void> {
    this.cancelTimer?.();
    this.cancelTimer = null;
    await this.pass;
  }

  // Timers only offer a one-shot timeout: each tick books the next before it runs, as an
  // interval would, so a slow pass delays nothing (the tick joins it instead).
  private schedule(): void {
    this.cancelTimer = this.timers.setTimeout(() => {
      this.schedule();
      void this.runOnce();
    }, this.everyMs);
  }
}
