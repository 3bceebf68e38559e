import { type Job, type JobError, compareIds, newId } from '../../domain/index.js';
import type { WriteContext } from './context.js';
import type { Db } from './db.js';
import { addDeliveries } from './deliveryWrites.js';
import { jobChange } from './jobWriteSql.js';
import { type JobRow, jobFromRow, jsonParam } from './rows.js';

/** The deadline-to-start writes of the PostgreSQL driver (column start_by, migration 0017). */

const SQL = {
  // $1 now, $2 limit. Oldest deadline first from jobs_pending_start_by; SKIP LOCKED passes over
  // the rows another expiry (or a claim, or a cancel) holds, so API nodes never queue on each other.
  pick: `
    SELECT id, account_id FROM jobs WHERE status = 'pending' AND start_by IS NOT NULL AND start_by < $1
    ORDER BY start_by, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
  // $1 id, $2 now, $3 error, $4 origin, $5 refund's ledger id. The guard repeats the pick's, so a
  // job is failed only while it is still pending past its deadline; the refund is the ledger's
  // unique one, as for every failure.
  expire: jobChange(
    `UPDATE jobs SET status = 'failed', error = $3::jsonb, failed_at = $2, updated_at = $2,
       credits_refunded = credits_charged, event_seq = event_seq + 1
     WHERE id = $1 AND status = 'pending' AND start_by < $2`,
    'failed',
    '$4',
    { ledgerIdParam: '$5', nowParam: '$2' },
  ).full,
} as const;

/**
 * expireJobs is Store.jobExpire: one transaction that locks the due jobs, then fails each with
 * its refund and event, and writes the webhook deliveries of them all. The jobs are failed in
 * account order, so two expiries that lock accounts (for the refunds) take them in one order and
 * cannot deadlock; job rows come first, as in every job write (see jobWrites.ts, "Lock order").
 */
export function expireJobs(db: Db, p: { now: Date; limit: number; error: JobError }, c: WriteContext): Promise<Job[]> {
  if (p.limit < 1) return Promise.resolve([]);
  return db.tx('write', async (tx) => {
    const picked = await tx.rows<{ id: string; account_id: string }>(SQL.pick, [p.now, p.limit]);
    picked.sort((a, b) => compareIds(a.account_id, b.account_id) || compareIds(a.id, b.id));
    const expired: Job[] = [];
    for (const { id } of picked) {
      const row = await tx.one<JobRow>(SQL.expire, [id, p.now, jsonParam(p.error), c.origin, newId('led', p.now.getTime())]);
      if (row) expired.push(jobFromRow(row));
    }
    await addDeliveries(tx, expired, 'failed', c.webhookDeliveries);
    return expired;
  });
}
