import { type Job, webhookEventFor } from '../domain/index.js';
import type { WebhookDeliveryPolicy } from '../store/index.js';

/**
 * webhookDeliveryPolicy is the service's answer to "which job changes make a webhook delivery,
 * and what does it carry", handed to the store when it is opened (the store writes the row in the
 * change's own transaction). A change makes one when webhookEventFor names an event for it; the
 * payload is `{ type, timestamp, data }` with `data` the job as `view` shows it (the API's
 * jobView, given by the runtime, so the service knows nothing of HTTP) and `timestamp` the
 * event's time. These bytes are stored and sent unchanged on every attempt.
 */
export function webhookDeliveryPolicy(view: (job: Job) => unknown): WebhookDeliveryPolicy {
  return (job, kind) => {
    const eventType = webhookEventFor(job, kind);
    if (eventType === null) return null;
    const payload = JSON.stringify({ type: eventType, timestamp: job.updatedAt.toISOString(), data: view(job) });
    return { eventType, url: job.webhookUrl!, payload };
  };
}
