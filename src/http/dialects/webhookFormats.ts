/**
 * The dialects' webhook formats, by dialect name: a job created through vydra or productai gets
 * its document's payload (and productai's signature header) through the same delivery log,
 * retries and redelivery. The dialect's create sets the job's `webhookFormat` to its name.
 */
import type { WebhookFormats } from '../../service/index.js';
import { productai } from './productai/index.js';
import { productaiSignatureHeaders, productaiWebhook } from './productai/webhook.js';
import { vydra } from './vydra/index.js';
import { vydraWebhook } from './vydra/view.js';

/** DIALECT_WEBHOOK_FORMATS are handed to the webhook delivery policy and to the service by the runtime. */
export const DIALECT_WEBHOOK_FORMATS: WebhookFormats = {
  [vydra.name]: { payload: vydraWebhook },
  [productai.name]: { payload: productaiWebhook, headers: productaiSignatureHeaders },
};
