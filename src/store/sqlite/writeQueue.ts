import type Database from 'better-sqlite3';
import { translateError } from './errors.js';

interface QueuedWrite {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * WriteQueue is group commit for SQLite. Writes asked for in the same turn of the event loop run
 * together in one `BEGIN IMMEDIATE` transaction, each inside its own savepoint (so one that throws
 * is rolled back alone), and are acknowledged only after the single COMMIT, which with
 * `synchronous=FULL` is one fsync for the whole group instead of one per write.
 */
export class WriteQueue {
  private queue: QueuedWrite[] = [];
  private scheduled = false;
  private readonly batch: Database.Transaction<(writes: QueuedWrite[]) => unknown[]>;

  constructor(private readonly db: Database.Database, private readonly maxBatch = 256) {
    const outcomes: unknown[] = [];
    this.batch = db.transaction((writes: QueuedWrite[]) => {
      outcomes.length = 0;
      for (const write of writes) {
        try {
          // A nested better-sqlite3 transaction is a savepoint.
          outcomes.push({ ok: true, value: db.transaction(write.run)() });
        } catch (error) {
          outcomes.push({ ok: false, error });
        }
      }
      return outcomes.slice();
    });
  }

  /** run queues `fn` to run inside the next group transaction and settles after its commit. */
  run<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run: fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** flush commits everything queued now; also called on close. */
  flush(): void {
    this.scheduled = false;
    while (this.queue.length > 0) {
      const writes = this.queue.splice(0, this.maxBatch);
      let outcomes: { ok: boolean; value?: unknown; error?: unknown }[];
      try {
        outcomes = this.batch.immediate(writes) as typeof outcomes;
      } catch (error) {
        // BEGIN or COMMIT failed: nothing was written.
        const failure = translateError(error);
        for (const write of writes) write.reject(failure);
        continue;
      }
      writes.forEach((write, i) => {
        const outcome = outcomes[i]!;
        if (outcome.ok) write.resolve(outcome.value);
        else write.reject(translateError(outcome.error));
      });
    }
  }
}
