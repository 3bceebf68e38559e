import { type Job, type WebhookEvent, webhookEventFor } from '../domain/index.js';
import type { WebhookDeliveryPolicy } from '../store/index.js';

/**
 * WebhookFormat is another webhook payload shape (a compatibility dialect's document's), chosen by
 * a job's `webhookFormat`, which only that dialect's create sets.
 */
export interface WebhookFormat {
  /** payload is the body for an event, or null when this shape sends nothing for it. */
  payload(job: Job, event: WebhookEvent): unknown | null;
  /**
   * headers, when the shape has them, are added on every attempt to the Standard Webhooks ones:
   * made from the exact body and the account's live secrets (current first), as a signature is.
   */
  headers?(p: { body: string; secrets: readonly string[] }): Record<string, string>;
}

/** WebhookFormats are the other payload shapes, by the name a job's `webhookFormat` gives. */
export type WebhookFormats = Readonly<Record<string, WebhookFormat>>;

/** webhookFormatOf is the format a job's or delivery's `webhookFormat` names, or null for Longrun's own. */
export function webhookFormatOf(formats: WebhookFormats | undefined, name: string | null): WebhookFormat | null {
  return name !== null && formats !== undefined && Object.hasOwn(formats, name) ? formats[name]! : null;
}

/**
 * webhookDeliveryPolicy is the service's answer to "which job changes make a webhook delivery,
 * and what does it carry", handed to the store when it is opened (the store writes the row in the
 * change's own transaction). A change makes one when webhookEventFor names an event for it; the
 * payload is `{ type, timestamp, data }` with `data` the job as `view` shows it (the API's
 * jobView, given by the runtime, so the service knows nothing of HTTP) and `timestamp` the
 * event's time. A job whose `webhookFormat` names one of `formats` gets that shape instead (a
 * dialect's; it may send nothing for some events), and its deliveries keep the format's name so
 * each attempt adds its headers. These bytes are stored and sent unchanged on every attempt.
 */
export function webhookDeliveryPolicy(view: (job: Job) => unknown, formats: WebhookFormats = {}): WebhookDeliveryPolicy {
  return (job, kind) => {
    const eventType = webhookEventFor(job, kind);
    if (eventType === null) return null;
    const format = webhookFormatOf(formats, job.webhookFormat);
    const body = format ? format.payload(job, eventType) : { type: eventType, timestamp: job.updatedAt.toISOString(), data: view(job) };
    if (body === null) return null;
    return { eventType, url: job.webhookUrl!, payload: JSON.stringify(body), format: format ? job.webhookFormat : null };
  };
}
