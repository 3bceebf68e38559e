import { type Account, type DeliveryWithAttempts, NotFoundError, isId } from '../domain/index.js';
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
export async function redeliver(deps: ServiceDeps, principal: Principal, jobId: string, deliveryId: string): Promise<DeliveryWithAttempts> {
  const job = await getJob(deps, principal, jobId);
  if (!isId('whd', deliveryId)) throw new NotFoundError(`Delivery ${deliveryId} not found`);
  const delivery = await deps.store.deliveryRedeliver({ id: deliveryId, jobId: job.id, now: deps.clock.now() });
  // The attempts so far, read before the dispatcher is told, so the answer shows the delivery as
  // redelivered with its earlier attempts, as the list would; the new attempt is listed once made.
  const listed = (await deps.store.deliveryListByJob({ jobId: job.id })).find((d) => d.id === delivery.id);
  deps.bus.deliveriesDue();
  return { ...delivery, attemptLog: listed?.attemptLog ?? [] };
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
