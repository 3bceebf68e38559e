/** Clock is where every use case gets the time, so tests can move it by hand. */
export interface Clock {
  now(): Date;
}

/** systemClock reads the machine's clock. */
export const systemClock: Clock = { now: () => new Date() };

/** ManualClock is a clock that only moves when told to; for tests. */
export class ManualClock implements Clock {
  private ms: number;
  constructor(start: Date | string = '2026-01-26T12:00:00.000Z') {
    this.ms = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.ms);
  }
  /** advance moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.ms += ms;
  }
  /** set puts the clock at `at`. */
  set(at: Date | string): void {
    this.ms = new Date(at).getTime();
  }
}
