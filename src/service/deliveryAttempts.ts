import type { Delivery } from '../domain/index.js';
import type { DeliveryRecordParams } from '../store/index.js';
import { nextStep } from '../webhooks/retryPolicy.js';
import type { SendResult } from '../webhooks/sender.js';
import { webhookHeaders } from '../webhooks/signature.js';
import type { ServiceDeps } from './deps.js';
import { webhookFormatOf } from './webhookDeliveries.js';

/** RecordedDeliveryAttempt is one attempt as it was recorded, and what the delivery does next. */
export interface RecordedDeliveryAttempt {
  attempt: DeliveryRecordParams['attempt'];
  next: DeliveryRecordParams['next'];
}

/**
 * SendDelivery makes one attempt of a claimed delivery with the signed `headers` and tells what
 * came back; it never throws. The dispatcher passes the guarded sender, so the service itself
 * opens no connection.
 */
export type SendDelivery = (headers: Record<string, string>) => Promise<SendResult>;

/**
 * claimDeliveries leases up to `limit` webhook deliveries that are due now (and those whose
 * sender died holding them) to the caller for `leaseMs`.
 */
export function claimDeliveries(deps: ServiceDeps, p: { leaseMs: number; limit: number }): Promise<Delivery[]> {
  return deps.store.deliveryClaim({ now: deps.clock.now(), leaseMs: p.leaseMs, limit: p.limit });
}

/**
 * attemptDelivery makes one attempt of a delivery the caller claimed: it signs it with the
 * account's live secrets (the current one, and the previous one during its grace), stamped with
 * this attempt's time as Standard Webhooks asks so receivers can refuse replays; sends it with
 * `send`; applies the retry policy to the outcome; and records the attempt under the delivery's
 * lease. A delivery in another format (a dialect's) also carries that format's headers, such as
 * its own signature. An account with no secret fails the delivery unsent: an unsigned message must never
 * leave. Resolves with what was recorded, or null when the lease was lost meanwhile (the attempt
 * is then not the caller's to report).
 */
export async function attemptDelivery(deps: ServiceDeps, delivery: Delivery, send: SendDelivery): Promise<RecordedDeliveryAttempt | null> {
  const { store, clock, config } = deps;
  const secrets = await store.accountWebhookSecrets({ accountId: delivery.accountId, now: clock.now() });
  if (secrets.length === 0) {
    const now = clock.now();
    const unsigned: RecordedDeliveryAttempt = {
      attempt: { startedAt: now, statusCode: null, error: `account ${delivery.accountId} has no webhook secret`, durationMs: 0 },
      next: { state: 'failed' },
    };
    return (await record(deps, delivery, unsigned, now)) ? unsigned : null;
  }
  const formatHeaders = webhookFormatOf(deps.webhookFormats, delivery.format)?.headers?.({ body: delivery.payload, secrets }) ?? {};
  const standard = webhookHeaders({ id: delivery.id, timestamp: Math.floor(clock.now().getTime() / 1000), body: delivery.payload, secrets });
  const result = await send({ ...formatHeaders, ...standard });
  const step = nextStep({
    outcome: result,
    attempt: delivery.attempts + 1,
    manual: delivery.manual,
    schedule: config.webhookRetrySchedule,
    random: deps.random ?? Math.random,
  });
  const now = clock.now();
  const recorded: RecordedDeliveryAttempt = {
    attempt: { startedAt: result.startedAt, statusCode: result.statusCode, error: result.error, durationMs: result.durationMs },
    next: step.state === 'pending' ? { state: 'pending', at: new Date(now.getTime() + step.delayMs) } : step,
  };
  return (await record(deps, delivery, recorded, now)) ? recorded : null;
}

async function record(deps: ServiceDeps, delivery: Delivery, recorded: RecordedDeliveryAttempt, now: Date): Promise<boolean> {
  const written = await deps.store.deliveryRecord({ id: delivery.id, leaseToken: delivery.leaseToken!, attempt: recorded.attempt, next: recorded.next, now });
  return Boolean(written);
}
