import { type Delivery, type Job, type JobEventKind, DeliveryInProgressError, NotFoundError, compareDeliveryOrder } from '../../domain/index.js';
import { deliveryInsertValues, newDeliveryFor } from '../deliveryColumns.js';
import type { DeliveryRecordParams, WebhookDeliveryPolicy } from '../types.js';
import type { Tx } from './db.js';
import { SQL } from './queries.js';
import { type DeliveryRow, deliveryFromRow } from './rows.js';

/**
 * The webhook delivery writes of the PostgreSQL driver, each the body of one transaction (or, for
 * addDeliveries, a step of a job write's transaction). Lock order: these lock delivery rows only;
 * a job write inserts new delivery rows, which nobody else can hold (see 0002_webhooks.sql).
 */

/**
 * addDeliveries writes the deliveries that `kind` changes of `jobs` make (as `policy` answers),
 * inside the job write's transaction, so a committed event never lacks its delivery and a rolled
 * back one never has one.
 */
export async function addDeliveries(tx: Tx, jobs: readonly Job[], kind: JobEventKind, policy: WebhookDeliveryPolicy): Promise<void> {
  for (const job of jobs) {
    const delivery = newDeliveryFor(job, kind, policy);
    if (delivery) await tx.run(SQL.deliveryInsert, deliveryInsertValues(delivery, (d) => d, (b) => b));
  }
}

/** claimDeliveries leases up to `limit` due deliveries (see Store.deliveryClaim). */
export async function claimDeliveries(tx: Tx, p: { now: Date; leaseMs: number; limit: number }): Promise<Delivery[]> {
  const rows = await tx.rows<DeliveryRow>(SQL.deliveryClaim, [p.now, new Date(p.now.getTime() + p.leaseMs), p.limit]);
  // RETURNING keeps no order; hand them out in delivery order (domain/claimOrder.ts).
  return rows.map(deliveryFromRow).sort(compareDeliveryOrder);
}

/** recordDelivery writes an attempt of a held delivery and moves it on; null when the lease is stale. */
export async function recordDelivery(tx: Tx, p: DeliveryRecordParams): Promise<Delivery | null> {
  const a = p.attempt;
  const row = await tx.one<DeliveryRow>(SQL.deliveryRecord, [
    p.id, p.leaseToken, p.next.state, p.next.state === 'pending' ? p.next.at : null, p.now,
    a.startedAt, a.statusCode, a.error, a.durationMs,
  ]);
  return row ? deliveryFromRow(row) : null;
}

/** redeliver makes a delivery of the job due now (see Store.deliveryRedeliver). */
export async function redeliver(tx: Tx, p: { id: string; jobId: string; now: Date }): Promise<Delivery> {
  const row = await tx.one<DeliveryRow>(SQL.deliveryRedeliver, [p.id, p.jobId, p.now]);
  if (row) return deliveryFromRow(row);
  if (await tx.one(SQL.deliveryGet, [p.id, p.jobId])) throw new DeliveryInProgressError(p.id);
  throw new NotFoundError(`Delivery ${p.id} not found`);
}
