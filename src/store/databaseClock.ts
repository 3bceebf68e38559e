import type { Clock } from '../domain/index.js';
import type { Store } from './types.js';

/**
 * DatabaseClock is the database server's clock, read cheaply: it measures the offset between the
 * machine's clock and the database's (taking the midpoint of the round trip) and adds it to the
 * machine's clock, re-measuring every `resyncMs`. Every process on one PostgreSQL then judges
 * leases, expiries and `runAt` by the same clock, within half a round trip.
 */
export class DatabaseClock implements Clock {
  private offsetMs = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly store: Pick<Store, 'clockNow'>, private readonly resyncMs = 30_000) {}

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** offset is the last measured difference, database minus machine, in ms. */
  get offset(): number {
    return this.offsetMs;
  }

  /** sync measures the offset once. */
  async sync(): Promise<void> {
    const sent = Date.now();
    const database = (await this.store.clockNow()).getTime();
    const received = Date.now();
    this.offsetMs = database - (sent + received) / 2;
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
