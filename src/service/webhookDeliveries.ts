import { type Job, type WebhookEvent, webhookEventFor } from '../domain/index.js';
import type { WebhookDeliveryPolicy } from '../store/index.js';

/** WEBHOOK_PAYLOAD_KEY is the metadata key by which a job asks for another payload shape (a dialect's). */
export const WEBHOOK_PAYLOAD_KEY = 'webhookPayload';

/**
 * WebhookPayloads build other payload shapes by name (a dialect's document's), for jobs whose
 * metadata names one under WEBHOOK_PAYLOAD_KEY: the body for an event, or null when that shape
 * sends nothing for it.
 */
export type WebhookPayloads = Readonly<Record<string, (job: Job, event: WebhookEvent) => unknown | null>>;

/**
 * webhookDeliveryPolicy is the service's answer to "which job changes make a webhook delivery,
 * and what does it carry", handed to the store when it is opened (the store writes the row in the
 * change's own transaction). A change makes one when webhookEventFor names an event for it; the
 * payload is `{ type, timestamp, data }` with `data` the job as `view` shows it (the API's
 * jobView, given by the runtime, so the service knows nothing of HTTP) and `timestamp` the
 * event's time. A job whose metadata names one of `payloads` gets that shape instead (a dialect's;
 * it may send nothing for some events). These bytes are stored and sent unchanged on every attempt.
 */
export function webhookDeliveryPolicy(view: (job: Job) => unknown, payloads: WebhookPayloads = {}): WebhookDeliveryPolicy {
  return (job, kind) => {
    const eventType = webhookEventFor(job, kind);
    if (eventType === null) return null;
    const shape = job.metadata[WEBHOOK_PAYLOAD_KEY];
    const build = typeof shape === 'string' && Object.hasOwn(payloads, shape) ? payloads[shape]! : null;
    const body = build ? build(job, eventType) : { type: eventType, timestamp: job.updatedAt.toISOString(), data: view(job) };
    if (body === null) return null;
    return { eventType, url: job.webhookUrl!, payload: JSON.stringify(body) };
  };
}
