/** SlotFillerHooks are what a SlotFiller asks of its owner. */
export interface SlotFillerHooks {
  /** free is how many slots are free now. */
  free(): number;
  /** busy is how many slots are taken (work under way). */
  busy(): number;
  /** claim takes up to `free` units of work and starts them; resolves with how many it got. */
  claim(free: number): Promise<number>;
  /** onError is told of a claim that failed; the next poke tries again. */
  onError(error: unknown): void;
}

/**
 * SlotFiller is the claim loop shared by the worker pool and the webhook dispatcher: `poke` fills
 * the free slots, pokes that arrive while a claim is under way coalesce into one more round, and
 * a round that filled every slot goes again (more may be waiting). `idle` tells when nothing runs
 * and nothing is being claimed.
 */
export class SlotFiller {
  private accepting = false;
  private filling: Promise<void> | null = null;
  private refill = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly hooks: SlotFillerHooks) {}

  /** start lets pokes claim. */
  start(): void {
    this.accepting = true;
  }

  /** stop makes pokes do nothing and resolves once a claim under way has settled. */
  async stop(): Promise<void> {
    this.accepting = false;
    await this.filling;
  }

  /** poke asks for the free slots to be filled. */
  poke(): void {
    if (!this.accepting) return;
    if (this.filling) {
      this.refill = true;
      return;
    }
    this.filling = this.fill().finally(() => {
      this.filling = null;
      this.settled();
    });
  }

  /** idle resolves once nothing runs and no claim is under way. */
  idle(): Promise<void> {
    if (this.hooks.busy() === 0 && !this.filling) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** settled is the owner's word that a unit of work ended: it may be idle now. */
  settled(): void {
    if (this.hooks.busy() > 0 || this.filling) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private async fill(): Promise<void> {
    do {
      this.refill = false;
      try {
        const free = this.hooks.free();
        if (free <= 0) return;
        if ((await this.hooks.claim(free)) === free) this.refill = true;
      } catch (error) {
        this.hooks.onError(error);
        return;
      }
    } while (this.refill && this.accepting);
  }
}
