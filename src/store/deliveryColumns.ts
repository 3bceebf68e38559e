import {
  type Delivery,
  type DeliveryAttempt,
  type DeliveryWithAttempts,
  type Job,
  type JobEventKind,
  newId,
} from '../domain/index.js';
import type { WebhookDeliveryPolicy } from './types.js';

/**
 * Webhook delivery rows, mapped in one place for both drivers (as jobColumns.ts does for jobs):
 * the new row a job change writes, and the rows read back. Drivers differ only in how a time
 * (epoch ms or Date) and a boolean (0/1 or boolean) come back.
 */

/** DeliveryRowOf is a `webhook_deliveries` row with the driver's time and boolean types. */
export interface DeliveryRowOf<Time, Bool> {
  id: string;
  job_id: string;
  account_id: string;
  event_type: string;
  url: string;
  payload: string;
  format: string | null;
  state: string;
  attempts: number;
  next_attempt_at: Time | null;
  manual: Bool;
  lease_token: string | null;
  lease_expires_at: Time | null;
  created_at: Time;
  updated_at: Time;
}

/** AttemptRowOf is a `webhook_attempts` row with the driver's time type. */
export interface AttemptRowOf<Time> {
  delivery_id: string;
  attempt: number;
  started_at: Time;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

/** DELIVERY_COLUMNS are the columns of a new delivery row, in the order deliveryInsertValues gives them. */
export const DELIVERY_COLUMNS = [
  'id', 'job_id', 'account_id', 'event_type', 'url', 'payload', 'format', 'state', 'attempts', 'next_attempt_at', 'manual', 'created_at', 'updated_at',
] as const;

/**
 * newDeliveryFor is the delivery row a change of `job` makes, due at once, or null when `policy`
 * says the change sends no webhook. What is sent (event, url, payload) is the policy's answer;
 * this only adds the row's id, times and state. The caller writes it in the change's own transaction.
 */
export function newDeliveryFor(job: Job, kind: JobEventKind, policy: WebhookDeliveryPolicy): Delivery | null {
  const delivery = policy(job, kind);
  if (delivery === null) return null;
  const at = job.updatedAt;
  return {
    id: newId('whd', at.getTime()),
    jobId: job.id,
    accountId: job.accountId,
    eventType: delivery.eventType,
    url: delivery.url,
    payload: delivery.payload,
    format: delivery.format,
    state: 'pending',
    attempts: 0,
    nextAttemptAt: at,
    manual: false,
    leaseToken: null,
    leaseExpiresAt: null,
    createdAt: at,
    updatedAt: at,
  };
}

/** deliveryInsertValues are a new delivery's values in DELIVERY_COLUMNS order, times and booleans converted. */
export function deliveryInsertValues<Time, Bool>(d: Delivery, time: (date: Date) => Time, bool: (b: boolean) => Bool): unknown[] {
  return [d.id, d.jobId, d.accountId, d.eventType, d.url, d.payload, d.format, d.state, d.attempts, time(d.nextAttemptAt!), bool(d.manual), time(d.createdAt), time(d.updatedAt)];
}

/** deliveryFromColumns maps a delivery row; `time` turns the driver's time into a Date. */
export function deliveryFromColumns<Time, Bool>(row: DeliveryRowOf<Time, Bool>, time: (t: Time) => Date): Delivery {
  const maybe = (t: Time | null) => (t === null ? null : time(t));
  return {
    id: row.id,
    jobId: row.job_id,
    accountId: row.account_id,
    eventType: row.event_type as Delivery['eventType'],
    url: row.url,
    payload: row.payload,
    format: row.format,
    state: row.state as Delivery['state'],
    attempts: row.attempts,
    nextAttemptAt: maybe(row.next_attempt_at),
    manual: Boolean(row.manual),
    leaseToken: row.lease_token,
    leaseExpiresAt: maybe(row.lease_expires_at),
    createdAt: time(row.created_at),
    updatedAt: time(row.updated_at),
  };
}

/** attemptFromColumns maps an attempt row. */
export function attemptFromColumns<Time>(row: AttemptRowOf<Time>, time: (t: Time) => Date): DeliveryAttempt {
  return {
    deliveryId: row.delivery_id,
    attempt: row.attempt,
    startedAt: time(row.started_at),
    statusCode: row.status_code,
    error: row.error,
    durationMs: row.duration_ms,
  };
}

/** withAttempts joins deliveries with their attempts (rows of any order), attempts oldest first. */
export function withAttempts(deliveries: Delivery[], attempts: DeliveryAttempt[]): DeliveryWithAttempts[] {
  const byDelivery = new Map<string, DeliveryAttempt[]>();
  for (const a of attempts) {
    const list = byDelivery.get(a.deliveryId) ?? [];
    list.push(a);
    byDelivery.set(a.deliveryId, list);
  }
  return deliveries.map((d) => ({ ...d, attemptLog: (byDelivery.get(d.id) ?? []).sort((a, b) => a.attempt - b.attempt) }));
}
