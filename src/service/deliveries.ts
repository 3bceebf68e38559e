import { type Account, type Delivery, type DeliveryWithAttempts, NotFoundError, isId } from '../domain/index.js';
import { newWebhookSecret } from './accounts.js';
import type { Principal, ServiceDeps } from './deps.js';
import { getJob } from './readJobs.js';

/** listDeliveries returns the webhook deliveries of the caller's job, oldest first, with their attempts. */
export async function listDeliveries(deps: ServiceDeps, principal: Principal, jobId: string): Promise<DeliveryWithAttempts[]> {
  const job = await getJob(deps, principal, jobId);
  return deps.store.deliveryListByJob({ jobId: job.id });
}

/**
 * redeliver sends a delivery of the caller's job again, now, under the same delivery id (so the
 * receiver can recognise it): a pending one is moved forward and keeps its retries; a succeeded or
 * failed one gets one more attempt, without automatic retries. Throws DeliveryInProgressError
 * while it is being sent, NotFoundError when the job has no such delivery.
 */
export async function redeliver(deps: ServiceDeps, principal: Principal, jobId: string, deliveryId: string): Promise<Delivery> {
  const job = await getJob(deps, principal, jobId);
  if (!isId('whd', deliveryId)) throw new NotFoundError(`Delivery ${deliveryId} not found`);
  const delivery = await deps.store.deliveryRedeliver({ id: deliveryId, jobId: job.id, now: deps.clock.now() });
  deps.bus.deliveriesDue();
  return delivery;
}

/**
 * rotateWebhookSecret gives the caller's account a new webhook secret; the one it replaces keeps
 * signing alongside (a second signature) for `graceMs` (default the configured grace, 24 h), so
 * receivers can switch without missing a message.
 */
export async function rotateWebhookSecret(
  deps: ServiceDeps,
  principal: Principal,
  p: { graceMs?: number } = {},
): Promise<{ account: Account; previousSecretExpiresAt: Date }> {
  const previousSecretExpiresAt = new Date(deps.clock.now().getTime() + (p.graceMs ?? deps.config.webhookSecretGraceMs));
  const account = await deps.store.accountRotateWebhookSecret({ accountId: principal.accountId, secret: newWebhookSecret(), previousExpiresAt: previousSecretExpiresAt });
  return { account, previousSecretExpiresAt };
}
