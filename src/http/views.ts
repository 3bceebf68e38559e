import type { Account, ApiKey, Delivery, DeliveryWithAttempts } from '../domain/index.js';

/** jobView has a file of its own: the runtime hands it to the webhook delivery policy as well. */
export { jobView, jobViewInQueue, queueView } from './jobView.js';

/** accountView is an account as the API shows it (`GET /v1/account`, the admin routes). */
export function accountView(account: Account) {
  return {
    id: account.id,
    name: account.name,
    credits: { balance: account.creditBalance },
    webhookSecret: account.webhookSecret,
    createdAt: account.createdAt.toISOString(),
  };
}

/** apiKeyView is an API key as the admin API lists it: never its secret, nor the secret's hash. */
export function apiKeyView(key: ApiKey) {
  return {
    id: key.id,
    accountId: key.accountId,
    last4: key.last4,
    createdAt: key.createdAt.toISOString(),
    revokedAt: key.revokedAt === null ? null : key.revokedAt.toISOString(),
  };
}

/** deliveryView is a webhook delivery as the API shows it, with its attempts when it has them listed. */
export function deliveryView(delivery: Delivery | DeliveryWithAttempts) {
  return {
    id: delivery.id,
    jobId: delivery.jobId,
    eventType: delivery.eventType,
    url: delivery.url,
    state: delivery.state,
    attemptCount: delivery.attempts,
    nextAttemptAt: delivery.nextAttemptAt === null ? null : delivery.nextAttemptAt.toISOString(),
    createdAt: delivery.createdAt.toISOString(),
    updatedAt: delivery.updatedAt.toISOString(),
    payload: JSON.parse(delivery.payload) as unknown,
    ...('attemptLog' in delivery
      ? {
          attempts: delivery.attemptLog.map((a) => ({
            attempt: a.attempt,
            at: a.startedAt.toISOString(),
            statusCode: a.statusCode,
            error: a.error,
            durationMs: a.durationMs,
          })),
        }
      : {}),
  };
}
