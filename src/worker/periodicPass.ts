/**
 * PeriodicPass runs one pass of upkeep (`run`) now and every `everyMs`, never two at once: a pass
 * asked for while one is under way joins it. A failed pass goes to `onError` and the next one
 * tries again, so a fault of the store never stops the loop. `runOnce` lets tests drive it.
 */
export class PeriodicPass {
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<unknown> | null = null;

  constructor(
    private readonly run: () => Promise<unknown>,
    private readonly everyMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** start runs a pass now and then every `everyMs`. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), this.everyMs);
    this.timer.unref();
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
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.pass;
  }
}
