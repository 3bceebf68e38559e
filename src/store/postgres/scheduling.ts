import { accountNotFound } from '../../domain/index.js';
import { type AccountQueueStat, type AccountScheduling, type LimitRow, SCHEDULING_SQL as SQL, type SchedulingChange, capChanges, schedulingFromRows } from '../scheduling.js';
import type { Db, Tx } from './db.js';

/** The fair-scheduling statements of the PostgreSQL driver (SchedulingStore, migration 0018). */

/** getScheduling reads the account's weight and caps, or null for an unknown account. */
export async function getScheduling(db: Db | Tx, accountId: string): Promise<AccountScheduling | null> {
  const account = await db.one<{ weight: number }>(SQL.weightGet, [accountId]);
  if (!account) return null;
  return schedulingFromRows(accountId, account.weight, await db.rows<LimitRow>(SQL.limits, [accountId]));
}

/**
 * setScheduling applies the change in one transaction. Before it adds a cap it takes the table's
 * SHARE ROW EXCLUSIVE lock: every write that moves a job in or out of running updates
 * account_limits (its trigger), so the lock waits for those in flight to commit, and the count
 * read after it includes their jobs; writes that come later see the new row and keep its count.
 */
export async function setScheduling(tx: Tx, p: { accountId: string; change: SchedulingChange }): Promise<AccountScheduling> {
  const weighted = await tx.one(SQL.weightSet, [p.accountId, p.change.weight ?? null]);
  if (!weighted) throw accountNotFound(p.accountId);
  const changes = capChanges(p.change);
  if (changes.some(([, max]) => max !== null)) await tx.run('LOCK TABLE account_limits IN SHARE ROW EXCLUSIVE MODE');
  for (const [type, max] of changes) {
    await tx.run(max === null ? SQL.limitDelete : SQL.limitPut, max === null ? [p.accountId, type] : [p.accountId, type, max]);
  }
  return (await getScheduling(tx, p.accountId))!;
}

/** cappedAccountIds lists the accounts with a cap. */
export async function cappedAccountIds(db: Db): Promise<string[]> {
  return (await db.rows<{ account_id: string }>(SQL.cappedAccounts)).map((r) => r.account_id);
}

/** queueAhead counts the jobs a claim takes before the pending job (see SchedulingStore.jobQueueAhead). */
export async function queueAhead(db: Db, p: { id: string; now: Date; bound: number }): Promise<number | null> {
  const row = await db.one<{ ahead: string }>(SQL.queueAhead, [p.id, p.now, p.bound]);
  return row ? Number(row.ahead) : null;
}

/** recentStarts counts the type's last starts (see SchedulingStore.jobRecentStarts). */
export async function recentStarts(db: Db, p: { type: string; since: Date; limit: number }): Promise<{ count: number; earliest: Date | null }> {
  const row = await db.one<{ count: string; earliest: Date | null }>(SQL.recentStarts, [p.type, p.since, p.limit]);
  return { count: Number(row?.count ?? 0), earliest: row?.earliest ?? null };
}

/** accountQueueStats lists the accounts with pending or running jobs (see SchedulingStore.accountQueueStats). */
export async function accountQueueStats(db: Db): Promise<AccountQueueStat[]> {
  const rows = await db.rows<{ account_id: string; pending: string; running: string }>(SQL.accountQueueStats);
  return rows.map((r) => ({ accountId: r.account_id, pending: Number(r.pending), running: Number(r.running) }));
}

/** accountOldestPending is the runAt of the account's oldest pending job, or null. */
export async function accountOldestPending(db: Db, accountId: string): Promise<Date | null> {
  return (await db.one<{ run_at: Date }>(SQL.accountOldestPending, [accountId]))?.run_at ?? null;
}
