import { accountNotFound } from '../../domain/index.js';
import { type AccountQueueStat, type AccountScheduling, type LimitRow, SCHEDULING_SQL, type SchedulingChange, capChanges, schedulingFromRows } from '../scheduling.js';
import type { SqliteContext } from './context.js';

/** The fair-scheduling statements of the SQLite driver (SchedulingStore, migration 0018); one writer, so a cap's count cannot race. */

// The shared statements' `$1` placeholders as named ones (`@p1`), which bind by name however often they appear.
const SQL = Object.fromEntries(Object.entries(SCHEDULING_SQL).map(([name, sql]) => [name, sql.replace(/\$(\d+)/g, '@p$1')])) as Record<
  keyof typeof SCHEDULING_SQL,
  string
>;

/** args names the values `@p1`, `@p2`, … in order. */
const args = (...values: unknown[]) => Object.fromEntries(values.map((v, i) => [`p${i + 1}`, v]));

/** getScheduling reads the account's weight and caps, or null for an unknown account. */
export function getScheduling(c: SqliteContext, accountId: string): AccountScheduling | null {
  const account = c.stmt(SQL.weightGet).get(args(accountId)) as { weight: number } | undefined;
  if (!account) return null;
  return schedulingFromRows(accountId, account.weight, c.stmt(SQL.limits).all(args(accountId)) as LimitRow[]);
}

/** setScheduling applies the change inside the write's transaction. */
export function setScheduling(c: SqliteContext, p: { accountId: string; change: SchedulingChange }): AccountScheduling {
  if (!c.stmt(SQL.weightSet).get(args(p.accountId, p.change.weight ?? null))) throw accountNotFound(p.accountId);
  for (const [type, max] of capChanges(p.change)) {
    if (max === null) c.stmt(SQL.limitDelete).run(args(p.accountId, type));
    else c.stmt(SQL.limitPut).run(args(p.accountId, type, max));
  }
  return getScheduling(c, p.accountId)!;
}

/** cappedAccountIds lists the accounts with a cap. */
export function cappedAccountIds(c: SqliteContext): string[] {
  return (c.stmt(SQL.cappedAccounts).all() as Array<{ account_id: string }>).map((r) => r.account_id);
}

/** queueAhead counts the jobs a claim takes before the pending job (see SchedulingStore.jobQueueAhead). */
export function queueAhead(c: SqliteContext, p: { id: string; now: Date; bound: number }): number | null {
  const row = c.stmt(SQL.queueAhead).get(args(p.id, p.now.getTime(), p.bound)) as { ahead: number } | undefined;
  return row ? row.ahead : null;
}

/** recentStarts counts the type's last starts (see SchedulingStore.jobRecentStarts). */
export function recentStarts(c: SqliteContext, p: { type: string; since: Date; limit: number }): { count: number; earliest: Date | null } {
  const row = c.stmt(SQL.recentStarts).get(args(p.type, p.since.getTime(), p.limit)) as { count: number; earliest: number | null };
  return { count: row.count, earliest: row.earliest === null ? null : new Date(row.earliest) };
}

/** accountQueueStats lists the accounts with pending or running jobs (see SchedulingStore.accountQueueStats). */
export function accountQueueStats(c: SqliteContext): AccountQueueStat[] {
  const rows = c.stmt(SQL.accountQueueStats).all() as Array<{ account_id: string; pending: number; running: number }>;
  return rows.map((r) => ({ accountId: r.account_id, pending: r.pending, running: r.running }));
}

/** accountOldestPending is the runAt of the account's oldest pending job, or null. */
export function accountOldestPending(c: SqliteContext, accountId: string): Date | null {
  const row = c.stmt(SQL.accountOldestPending).get(args(accountId)) as { run_at: number } | undefined;
  return row ? new Date(row.run_at) : null;
}
