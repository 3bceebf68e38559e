import type Database from 'better-sqlite3';
import { SQL } from './queries.js';
import type { DeferredRows } from './writeQueue.js';

type Prepare = (sql: string) => Database.Statement<unknown[], unknown>;

/** The most rows one multi-row INSERT carries (9 values a row: 576 parameters for events). */
const MAX_ROWS_PER_INSERT = 64;

/** A table whose rows a group may insert together: its one-row INSERT and the rows waiting. */
class WaitingRows {
  readonly values: unknown[] = [];
  private readonly sqlByRows: string[] = [];
  private readonly head: string;
  private readonly tuple: string;

  constructor(readonly oneRowSql: string, readonly width: number) {
    const at = oneRowSql.lastIndexOf('VALUES') + 'VALUES'.length;
    this.head = oneRowSql.slice(0, at);
    this.tuple = oneRowSql.slice(at).trim();
  }

  /** insert inserts the waiting rows, up to MAX_ROWS_PER_INSERT a statement, and forgets them. */
  insert(stmt: Prepare): void {
    const rows = this.values.length / this.width;
    for (let from = 0; from < rows; from += MAX_ROWS_PER_INSERT) {
      const n = Math.min(MAX_ROWS_PER_INSERT, rows - from);
      stmt(this.sql(n)).run(this.values.slice(from * this.width, (from + n) * this.width));
    }
    this.values.length = 0;
  }

  private sql(rows: number): string {
    return (this.sqlByRows[rows] ??= `${this.head} ${Array(rows).fill(this.tuple).join(', ')}`);
  }
}

/**
 * GroupRows takes the job_events and ledger rows a create writes. In a group that runs without
 * savepoints (see WriteQueue) they wait and go in with one multi-row INSERT per table, just before
 * the next write that is not a create and before COMMIT; otherwise each is inserted at once.
 * Only rows nobody reads back in the same write wait: a refund's ledger row is inserted at once,
 * because whether it went in decides the refund (see jobWrites.ts refund).
 */
export class GroupRows implements DeferredRows {
  deferring = false;
  private readonly events = new WaitingRows(SQL.eventInsert, 9);
  private readonly ledger = new WaitingRows(SQL.ledgerInsert, 6);
  private marks: [number, number] = [0, 0];

  constructor(private readonly stmt: Prepare) {}

  /** event records a job event (the values of SQL.eventInsert), now or with the group's. */
  event(...values: [string, number, string, string, string, number, string | null, string, number]): void {
    this.add(this.events, values);
  }

  /** ledgerEntry records a ledger row (the values of SQL.ledgerInsert) nobody reads back, now or with the group's. */
  ledgerEntry(...values: [string, string, string | null, string, number, number]): void {
    this.add(this.ledger, values);
  }

  mark(): void {
    this.marks = [this.events.values.length, this.ledger.values.length];
  }

  discardSinceMark(): void {
    this.events.values.length = this.marks[0];
    this.ledger.values.length = this.marks[1];
  }

  discard(): void {
    this.events.values.length = 0;
    this.ledger.values.length = 0;
  }

  insert(): void {
    // Events first: their ids (AUTOINCREMENT) follow the order the writes ran in.
    this.events.insert(this.stmt);
    this.ledger.insert(this.stmt);
  }

  private add(table: WaitingRows, values: unknown[]): void {
    if (this.deferring) table.values.push(...values);
    else this.stmt(table.oneRowSql).run(values);
  }
}
