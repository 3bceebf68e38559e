import { checkPurgeable, type Job } from '../../domain/index.js';
import type { Db } from './db.js';
import { SQL } from './queries.js';

/**
 * The PostgreSQL driver's removals: the retention sweep's reads and deletes, a client's purge of
 * one job, and the purge of expired idempotency keys. Each deletes a job with what hangs off it
 * (SQL.jobDeleteCascade) in one transaction.
 */

/** listFinishedBefore is Store.jobListFinishedBefore. */
export async function listFinishedBefore(db: Db, p: { before: Date; limit: number }): Promise<string[]> {
  return (await db.rows<{ id: string }>(SQL.jobListFinishedBefore, [p.before, p.limit])).map((r) => r.id);
}

/** deleteJobs is Store.jobDelete. */
export async function deleteJobs(db: Db, p: { ids: readonly string[]; finishedBefore: Date }): Promise<string[]> {
  if (p.ids.length === 0) return [];
  return db.tx('write', async (tx) => {
    const deleted = (await tx.rows<{ id: string }>(SQL.jobLockDeletable, [p.ids, p.finishedBefore])).map((r) => r.id);
    if (deleted.length > 0) for (const sql of SQL.jobDeleteCascade) await tx.run(sql, [deleted]);
    return deleted;
  });
}

/** purgeJob is Store.jobPurge. */
export async function purgeJob(db: Db, p: { id: string; accountId: string }): Promise<void> {
  await db.tx('write', async (tx) => {
    // Lock order: idempotency keys, then the job row, then what hangs off it (see the design).
    await tx.run(SQL.idempotencyDeleteForJob, [p.accountId, p.id]);
    const current = await tx.one<{ account_id: string; status: Job['status'] }>(SQL.jobLockForPurge, [p.id, p.accountId]);
    checkPurgeable(p.id, p.accountId, current ? { accountId: current.account_id, status: current.status } : null);
    for (const sql of SQL.jobDeleteCascade) await tx.run(sql, [[p.id]]);
  });
}

/** purgeIdempotencyKeys is Store.idempotencyPurge. */
export function purgeIdempotencyKeys(db: Db, p: { now: Date; limit: number }): Promise<number> {
  return db.tx('write', (tx) => tx.run(SQL.idempotencyPurge, [p.now, p.limit]));
}
