/**
 * The dialects' webhook payload shapes, by the name a job's metadata gives (`webhookPayload`):
 * a job created through a dialect gets its document's payload through the same delivery log.
 */
import type { WebhookPayloads } from '../../service/index.js';
import { vydraWebhook } from './vydra/view.js';

/** DIALECT_WEBHOOK_PAYLOADS are handed to the webhook delivery policy by the runtime. */
export const DIALECT_WEBHOOK_PAYLOADS: WebhookPayloads = { vydra: vydraWebhook };
