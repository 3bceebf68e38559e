import type { Store } from '../store/index.js';
import type { EventBus } from './bus.js';

/** StoreFeedOptions tune the relay. */
export interface StoreFeedOptions {
  /** catchUpMs is the safety catch-up read, for a wakeup that never came (default 1000). */
  catchUpMs?: number;
  /** onError is told of read errors the feed survives (default: none; openRuntime logs them). */
  onError?: (error: unknown) => void;
}

const PAGE = 500;

/**
 * startStoreFeed relays the changes other processes commit to the same store onto this process's
 * bus, so a long-poll here wakes when a worker elsewhere finishes a job, and a worker here hears
 * of a job created or cancelled elsewhere. The store's `watch` is the fast hint; a slow catch-up
 * read covers a hint that never came. Returns a function that stops the relay.
 */
export async function startStoreFeed(store: Store, bus: EventBus, options: StoreFeedOptions = {}): Promise<() => void> {
  let after = await store.eventLatestId();
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
          bus.publish({ kind: event.kind, job: event.job, relayed: true });
        }
        if (events.length < PAGE) break;
      }
    } while (again && !stopped);
  };
  const read = () => {
    if (stopped) return;
    if (reading) {
      again = true;
      return;
    }
    reading = readAll()
      .catch((error) => options.onError?.(error))
      .finally(() => (reading = null));
  };

  const stopWatching = store.watch(read);
  const timer = setInterval(read, options.catchUpMs ?? 1000);
  timer.unref();
  return () => {
    stopped = true;
    stopWatching();
    clearInterval(timer);
  };
}
