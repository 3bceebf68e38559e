import type { ChangeSignal, Store } from '../store/index.js';
import type { EventBus } from './bus.js';

/** StoreFeedOptions tune the relay. */
export interface StoreFeedOptions {
  /** catchUpMs is the safety catch-up read, for a note that never came (default 5000). */
  catchUpMs?: number;
  /** onError is told of read errors the feed survives (default: none; openRuntime logs them). */
  onError?: (error: unknown) => void;
}

const PAGE = 500;
const SEEN_MAX = 20_000;

/**
 * startStoreFeed relays the changes other processes commit to the same store onto this process's
 * bus, so a long-poll here wakes when a worker elsewhere finishes a job, and a worker here hears
 * of a job created or cancelled elsewhere.
 *
 * Two paths. When the store's `watch` says what changed (PostgreSQL's NOTIFY payloads), each
 * signal goes on the bus at once, with no read: an idle worker claims from it; only the jobs that
 * someone here follows (a long-poll, a stream, a running attempt) are read, by id, to publish the
 * change with the job. When it says to catch up (a lost connection, a store whose watch cannot
 * say what changed) or the slow safety timer fires, the feed is read from the settled cursor,
 * skipping events already relayed from signals (and a signal of an event a catch-up read already
 * published is skipped too). Returns a function that stops the relay.
 */
export async function startStoreFeed(store: Store, bus: EventBus, options: StoreFeedOptions = {}): Promise<() => void> {
  let after = await store.eventLatestId();
  /**
   * The events published lately, by job and sequence (`job_…#7`), from either path, so the other
   * does not publish them again; the oldest are forgotten past SEEN_MAX.
   */
  const seen = new Set<string>();
  const firstSight = (jobId: string, seq: number) => {
    const key = `${jobId}#${seq}`;
    if (seen.has(key)) return false;
    seen.add(key);
    if (seen.size > SEEN_MAX) seen.delete(seen.values().next().value!);
    return true;
  };
  let reading: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  const readAll = async () => {
    do {
      again = false;
      for (;;) {
        const events = await store.eventFeed({ afterId: after, limit: PAGE });
        for (const event of events) {
          after = event.id;
          if (firstSight(event.job.id, event.seq)) bus.publish({ kind: event.kind, job: event.job, relayed: true });
        }
        if (events.length < PAGE) break;
      }
    } while (again && !stopped);
  };
  const catchUp = () => {
    if (stopped) return;
    if (reading) {
      again = true;
      return;
    }
    reading = readAll()
      .catch((error) => options.onError?.(error))
      .finally(() => (reading = null));
  };
  const relay = (signals: readonly ChangeSignal[]) => {
    const followed: ChangeSignal[] = [];
    for (const signal of signals) {
      if (!firstSight(signal.jobId, signal.eventSeq)) continue; // a catch-up read already published it
      bus.signal({ ...signal, relayed: true });
      if (bus.follows(signal.jobId, signal.accountId)) followed.push(signal);
    }
    if (followed.length > 0) void publishFollowed(followed).catch((error) => options.onError?.(error));
  };
  // The job as it is now, read by id (once, however many of its changes came together): the same
  // view of it a catch-up read gives.
  const publishFollowed = async (signals: readonly ChangeSignal[]) => {
    const ids = [...new Set(signals.map((s) => s.jobId))];
    const jobs = new Map(await Promise.all(ids.map(async (id) => [id, await store.jobGet({ id })] as const)));
    for (const s of signals) {
      const job = jobs.get(s.jobId);
      if (job && !stopped) bus.publish({ kind: s.kind, job, relayed: true }, { signalled: true });
    }
  };

  const stopWatching = store.watch((note) => {
    if ('signals' in note) return relay(note.signals);
    if ('keyRevoked' in note) return bus.keyRevoked(note.keyRevoked);
    // Anything may have changed unheard, revocations included: forget verified keys, read the feed.
    bus.keysChanged();
    catchUp();
  });
  const timer = setInterval(catchUp, options.catchUpMs ?? 5000);
  timer.unref();
  return () => {
    stopped = true;
    stopWatching();
    clearInterval(timer);
  };
}
