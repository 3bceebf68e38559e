import type Database from 'better-sqlite3';
import { translateError } from './errors.js';

interface QueuedWrite {
  run: () => unknown;
  rowsMayWait: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * DeferredRows holds rows that writes leave for the group to insert together (GroupRows). The
 * queue turns `deferring` on only while a write that allows it runs in a group without
 * savepoints, inserts what waits before any other write and before COMMIT, and discards the rows
 * of a write that fails.
 */
export interface DeferredRows {
  deferring: boolean;
  /** mark remembers what waits now; discardSinceMark drops what was added after it. */
  mark(): void;
  discardSinceMark(): void;
  /** discard drops everything waiting (the group rolled back). */
  discard(): void;
  /** insert inserts everything waiting. */
  insert(): void;
}

/** NO_DEFERRED_ROWS is for a queue whose writes leave no rows to wait. */
const NO_DEFERRED_ROWS: DeferredRows = { deferring: false, mark() {}, discardSinceMark() {}, discard() {}, insert() {} };

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * WriteQueue is group commit for SQLite. Writes asked for in the same turn of the event loop run
 * together in one `BEGIN IMMEDIATE` transaction and are acknowledged only after its single COMMIT,
 * which with `synchronous=FULL` is one fsync for the whole group instead of one per write.
 *
 * A write that fails must leave no trace while the others commit. The writes run without a
 * savepoint each: every write of this driver applies its rules (credits, idempotency, lease,
 * refusals) on what it read before its first change, so a refusal has nothing to undo. Whether a
 * failed write changed a row is read, not guessed: SQLite's `total_changes()` counts the rows of
 * completed statements only (a failing statement is undone by SQLite itself). When a write fails
 * after changing rows (a constraint or I/O error halfway through it), the group is rolled back
 * and run again with a savepoint per write, so it fails alone as before. In a group without
 * savepoints, the rows of writes that allow it wait in DeferredRows and go in with one multi-row
 * INSERT (and in the group run apart, each at once). Measured in docs/design.md ("SQLite:
 * durability and group commit").
 */
export class WriteQueue {
  private queue: QueuedWrite[] = [];
  private scheduled = false;
  private readonly sql: Record<'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackTo', Database.Statement>;
  private readonly totalChanges: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly rows: DeferredRows = NO_DEFERRED_ROWS,
    private readonly maxBatch = 256,
  ) {
    this.sql = {
      begin: db.prepare('BEGIN IMMEDIATE'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
      savepoint: db.prepare('SAVEPOINT write'),
      release: db.prepare('RELEASE write'),
      rollbackTo: db.prepare('ROLLBACK TO write'),
    };
    this.totalChanges = db.prepare('SELECT total_changes()').pluck();
  }

  /**
   * run queues `fn` to run inside the next group transaction and settles after its commit. With
   * `rowsMayWait`, the rows `fn` gives DeferredRows may be inserted later in the group: no write
   * reads them back before the next non-waiting write, which finds them inserted.
   */
  run<T>(fn: () => T, options: { rowsMayWait?: boolean } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run: fn, rowsMayWait: options.rowsMayWait === true, resolve: resolve as (v: unknown) => void, reject });
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
      let outcomes: Outcome[];
      try {
        outcomes = this.together(writes) ?? this.apart(writes);
      } catch (error) {
        // BEGIN or COMMIT failed, or SQLite gave the transaction up: nothing was written.
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

  /**
   * together runs the group with no savepoints and commits it; a write that fails having changed
   * no row is answered alone (its waiting rows dropped). Null (the transaction rolled back) when
   * one failed after a change or the waiting rows could not be inserted.
   */
  private together(writes: QueuedWrite[]): Outcome[] | null {
    try {
      return this.inTransaction(() => {
        const outcomes: Outcome[] = [];
        for (const write of writes) {
          if (!write.rowsMayWait && !this.insertWaitingRows()) return null;
          this.rows.deferring = write.rowsMayWait;
          this.rows.mark();
          const before = this.totalChanges.get();
          try {
            outcomes.push({ ok: true, value: write.run() });
          } catch (error) {
            if (!this.db.inTransaction || this.totalChanges.get() !== before) return null;
            this.rows.discardSinceMark();
            outcomes.push({ ok: false, error });
          }
        }
        return this.insertWaitingRows() ? outcomes : null;
      });
    } finally {
      this.rows.deferring = false;
      this.rows.discard();
    }
  }

  /** insertWaitingRows inserts the rows waiting; false when that failed (the group then runs apart). */
  private insertWaitingRows(): boolean {
    this.rows.deferring = false;
    try {
      this.rows.insert();
      return true;
    } catch {
      return false;
    }
  }

  /** apart runs the group with a savepoint per write, so one that fails halfway is undone alone. */
  private apart(writes: QueuedWrite[]): Outcome[] {
    return this.inTransaction(() =>
      writes.map((write): Outcome => {
        this.sql.savepoint.run();
        try {
          const value = write.run();
          this.sql.release.run();
          return { ok: true, value };
        } catch (error) {
          // An I/O error or a full disk may end the whole transaction: then the group fails.
          if (!this.db.inTransaction) throw error;
          this.sql.rollbackTo.run();
          this.sql.release.run();
          return { ok: false, error };
        }
      }),
    )!;
  }

  /** inTransaction runs `fn` in a `BEGIN IMMEDIATE` transaction: committed unless it returns null or throws. */
  private inTransaction(fn: () => Outcome[] | null): Outcome[] | null {
    this.sql.begin.run();
    try {
      const outcomes = fn();
      if (outcomes !== null) {
        this.sql.commit.run();
        return outcomes;
      }
    } catch (error) {
      if (this.db.inTransaction) this.sql.rollback.run();
      throw error;
    }
    if (this.db.inTransaction) this.sql.rollback.run();
    return null;
  }
}
