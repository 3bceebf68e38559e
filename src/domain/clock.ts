/** Clock is where every use case gets the time, so tests can move it by hand. */
export interface Clock {
  now(): Date;
}

/** systemClock reads the machine's clock. */
export const systemClock: Clock = { now: () => new Date() };

/**
 * Timers start timeouts that tests control: code that must give up after a while (a webhook
 * that never answers) asks them instead of calling setTimeout, so a test moves a ManualClock
 * past the deadline instead of waiting for it.
 */
export interface Timers {
  /** setTimeout calls `fn` once after `ms`; the returned function cancels it. */
  setTimeout(fn: () => void, ms: number): () => void;
}

/** systemTimers are Node's timers; they never hold the process open. */
export const systemTimers: Timers = {
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/** ManualClock is a clock that only moves when told to, and fires its timers as it passes them; for tests. */
export class ManualClock implements Clock, Timers {
  private ms: number;
  private timers: { at: number; fn: () => void }[] = [];
  constructor(start: Date | string = '2026-01-26T12:00:00.000Z') {
    this.ms = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.ms);
  }
  /** advance moves the clock forward by `ms` milliseconds, firing the timers that come due. */
  advance(ms: number): void {
    this.set(new Date(this.ms + ms));
  }
  /** set puts the clock at `at`, firing the timers that come due, earliest first. */
  set(at: Date | string): void {
    this.ms = new Date(at).getTime();
    const due = this.timers.filter((t) => t.at <= this.ms).sort((a, b) => a.at - b.at);
    this.timers = this.timers.filter((t) => t.at > this.ms);
    for (const timer of due) timer.fn();
  }
  setTimeout(fn: () => void, ms: number): () => void {
    const timer = { at: this.ms + ms, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }
  /** pendingTimers counts timers not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.timers.length;
  }
}
