import type { WebhookDeliveryPolicy } from '../types.js';

/**
 * WriteContext is what the PostgreSQL driver's job writes are given besides their transaction:
 * the store instance's id (the origin of the events they write) and the webhook delivery policy.
 */
export interface WriteContext {
  readonly origin: string;
  readonly webhookDeliveries: WebhookDeliveryPolicy;
}
