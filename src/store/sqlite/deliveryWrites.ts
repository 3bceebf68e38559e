import { type Delivery, type DeliveryWithAttempts, DeliveryInProgressError, NotFoundError, compareDeliveryOrder } from '../../domain/index.js';
import { withAttempts } from '../deliveryColumns.js';
import type { DeliveryRecordParams } from '../types.js';
import type { SqliteContext } from './context.js';
import { SQL } from './queries.js';
import { type DeliveryRow, attemptFromRow, deliveryFromRow } from './rows.js';

/**
 * The webhook delivery statements of the SQLite driver (a job write adds new deliveries itself,
 * see jobWrites.ts recordChange). Writes run inside the WriteQueue's transaction.
 */

/** claimDeliveries leases up to `limit` due deliveries (see Store.deliveryClaim). */
export function claimDeliveries(c: SqliteContext, p: { now: Date; leaseMs: number; limit: number }): Delivery[] {
  const now = p.now.getTime();
  const rows = c.stmt(SQL.deliveryClaim).all({ now, lease_until: now + p.leaseMs, limit: p.limit }) as DeliveryRow[];
  // RETURNING keeps no order; hand them out in delivery order (domain/claimOrder.ts).
  return rows.map(deliveryFromRow).sort(compareDeliveryOrder);
}

/** recordDelivery writes an attempt of a held delivery and moves it on; null when the lease is stale. */
export function recordDelivery(c: SqliteContext, p: DeliveryRecordParams): Delivery | null {
  const row = c.stmt(SQL.deliveryRecord).get({
    id: p.id,
    token: p.leaseToken,
    state: p.next.state,
    next_attempt_at: p.next.state === 'pending' ? p.next.at.getTime() : null,
    now: p.now.getTime(),
  }) as DeliveryRow | undefined;
  if (!row) return null;
  const a = p.attempt;
  c.stmt(SQL.attemptInsert).run(p.id, row.attempts, a.startedAt.getTime(), a.statusCode, a.error, a.durationMs);
  return deliveryFromRow(row);
}

/** listDeliveries reads the job's deliveries with their attempts. */
export function listDeliveries(c: SqliteContext, p: { jobId: string }): DeliveryWithAttempts[] {
  const deliveries = (c.stmt(SQL.deliveryListByJob).all(p.jobId) as DeliveryRow[]).map(deliveryFromRow);
  const attempts = (c.stmt(SQL.attemptListByJob).all(p.jobId) as Parameters<typeof attemptFromRow>[0][]).map(attemptFromRow);
  return withAttempts(deliveries, attempts);
}

/** redeliver makes a delivery of the job due now (see Store.deliveryRedeliver). */
export function redeliver(c: SqliteContext, p: { id: string; jobId: string; now: Date }): Delivery {
  const row = c.stmt(SQL.deliveryRedeliver).get({ id: p.id, job: p.jobId, now: p.now.getTime() }) as DeliveryRow | undefined;
  if (row) return deliveryFromRow(row);
  if (c.stmt(SQL.deliveryGet).get(p.id, p.jobId)) throw new DeliveryInProgressError(p.id);
  throw new NotFoundError(`Delivery ${p.id} not found`);
}
