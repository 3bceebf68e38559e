import type { Clock } from '../domain/index.js';
import type { Store } from './types.js';

/**
 * DatabaseClock is the database server's clock, read cheaply: it measures the offset between the
 * machine's clock and the database's (taking the midpoint of the round trip) and adds it to the
 * machine's clock, re-measuring every `resyncMs`. Every process on one PostgreSQL then judges
 * leases, expiries and `runAt` by the same clock, within half a round trip.
 *
 * Each measure takes `samples` readings and keeps the one with the shortest round trip, as NTP
 * does: a reading delayed on a busy machine is off by up to half its round trip, and two processes
 * whose estimates differed by a few milliseconds made a job just created by one not yet due for
 * the other (measured: pickup p50 of 45 ms on the scale-out recipe under load, single readings).
 */
export class DatabaseClock implements Clock {
  private offsetMs = 0;
  private timer: NodeJS.Timeout | null = null;

  /**
   * @param machineNow reads this machine's clock in ms (sub-millisecond, so round trips compare);
   *   tests pass their own.
   */
  constructor(
    private readonly store: Pick<Store, 'clockNow'>,
    private readonly resyncMs = 30_000,
    private readonly samples = 5,
    private readonly machineNow: () => number = () => performance.timeOrigin + performance.now(),
  ) {}

  now(): Date {
    return new Date(this.machineNow() + this.offsetMs);
  }

  /** offset is the last measured difference, database minus machine, in ms. */
  get offset(): number {
    return this.offsetMs;
  }

  /** sync measures the offset: `samples` readings, keeping the one with the shortest round trip. */
  async sync(): Promise<void> {
    let best = { roundTrip: Number.POSITIVE_INFINITY, offset: 0 };
    for (let i = 0; i < this.samples; i++) {
      const sent = this.machineNow();
      const database = (await this.store.clockNow()).getTime();
      const roundTrip = this.machineNow() - sent;
      if (roundTrip < best.roundTrip) best = { roundTrip, offset: database - (sent + roundTrip / 2) };
    }
    this.offsetMs = best.offset;
  }

  /** start measures now and then every resyncMs (a failed re-measure keeps the last offset). */
  async start(): Promise<void> {
    await this.sync();
    this.timer = setInterval(() => void this.sync().catch(() => undefined), this.resyncMs);
    this.timer.unref();
  }

  /** stop ends the re-measuring. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
