import type { Job, JobEventKind } from '../../domain/index.js';
import type { Db } from './db.js';

/** Events per notification: a payload must stay under 8,000 bytes. */
const PER_NOTIFICATION = 40;

/**
 * Notifier tells other processes of the job changes this store committed, with one NOTIFY per 40
 * events on the schema's channel: {"o": origin, "e": [[job id, account id, kind, status, event
 * seq, type, priority, runAt in epoch ms, has a webhook URL, has dependents], …]} (readPayload in listener.ts
 * reads it). The changes of one event-loop turn go in one round trip, after their commits.
 *
 * Why not from the writing transaction: PostgreSQL serialises every transaction that notifies on
 * one lock of the database's notification queue, held through its commit and WAL flush, which
 * made every job write wait for every other's fsync. Here the notifying transaction writes
 * nothing and commits without waiting for the flush (synchronous_commit off for it alone), so the
 * lock is held for microseconds. A notification is a hint: one lost with a crash between the
 * write's commit and it is made up by the listeners' catch-up read.
 */
export class Notifier {
  private pending: unknown[][] = [];
  private scheduled = false;

  constructor(private readonly db: Db, private readonly channel: string, private readonly origin: string) {}

  /** changed queues the signal of each job's committed `kind` change for the next notification. */
  changed(kind: JobEventKind, jobs: readonly Job[]): void {
    for (const job of jobs) {
      this.pending.push([job.id, job.accountId, kind, job.status, job.eventSeq, job.type, job.priority, job.runAt.getTime(), job.webhookUrl !== null, job.hasDependents]);
    }
    if (this.scheduled || this.pending.length === 0) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  /** flush sends what is queued now (close calls it before the pool ends). */
  async flush(): Promise<void> {
    this.scheduled = false;
    const events = this.pending.splice(0);
    if (events.length === 0) return;
    const notifications: string[] = [];
    for (let i = 0; i < events.length; i += PER_NOTIFICATION) {
      const payload = JSON.stringify({ o: this.origin, e: events.slice(i, i + PER_NOTIFICATION) });
      notifications.push(`pg_notify(${quoteLiteral(this.channel)}, ${quoteLiteral(payload)})`);
    }
    // One simple-protocol round trip, which runs its statements as one implicit transaction (so
    // SET LOCAL holds for it, and an error ends it): parameters cannot travel with several.
    const sql = `SET LOCAL synchronous_commit TO off; SELECT ${notifications.join(', ')}`;
    await this.db.simple(sql).catch(() => undefined); // a lost hint; the catch-up covers it
  }
}

/** quoteLiteral quotes a string for SQL text (standard_conforming_strings: only quotes are special). */
function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
