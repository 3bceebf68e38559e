/**
 * Webhook deliveries: one POST of one job event to the job's `webhookUrl`, retried until it is
 * answered with a 2xx, refused for good (410), or out of retries. Each try is an attempt.
 */
import type { Job, JobEventKind, WebhookEvent } from './job.js';

/**
 * DeliveryState is where a delivery stands.
 * - pending: waiting for its `nextAttemptAt`. Moved in by the job change that made it, a retry
 *   or a redelivery; moved to delivering by a dispatcher's claim.
 * - delivering: a dispatcher holds its lease and is sending. Moved out by that dispatcher's
 *   record of the attempt (or taken again by a claim once the lease ran out: the sender died).
 * - succeeded, failed: no attempt is planned; a redelivery moves it back to pending.
 */
export type DeliveryState = 'pending' | 'delivering' | 'succeeded' | 'failed';

/** DELIVERY_STATES lists every state. */
export const DELIVERY_STATES: readonly DeliveryState[] = ['pending', 'delivering', 'succeeded', 'failed'];

/** Delivery is one webhook message of one job event, as the store keeps it. */
export interface Delivery {
  /** id is `whd_…`, sent as `webhook-id`: the same on every attempt, so receivers can deduplicate. */
  id: string;
  jobId: string;
  accountId: string;
  eventType: WebhookEvent;
  /** url is the job's webhookUrl when the event happened. */
  url: string;
  /** payload is the exact request body, fixed when the event was committed. */
  payload: string;
  /** format is the job's webhookFormat when the event was committed: which extra headers each attempt adds; null for none. */
  format: string | null;
  state: DeliveryState;
  /** attempts counts the attempts recorded so far. */
  attempts: number;
  /** nextAttemptAt is when the next attempt is due; set exactly while pending. */
  nextAttemptAt: Date | null;
  /** manual marks a redelivery of a finished delivery: one attempt, no automatic retries. */
  manual: boolean;
  /** leaseToken fences the dispatcher sending it; set exactly while delivering. */
  leaseToken: string | null;
  leaseExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** DeliveryAttempt is one try of a delivery: when, what came back (or why nothing did), how long. */
export interface DeliveryAttempt {
  deliveryId: string;
  /** attempt numbers the tries of a delivery from 1. */
  attempt: number;
  startedAt: Date;
  /** statusCode is the receiver's answer; null when there was none. */
  statusCode: number | null;
  /** error says why the attempt failed (a timeout, a refused target, a redirect…); null on success. */
  error: string | null;
  durationMs: number;
}

/** DeliveryWithAttempts is a delivery and its attempts, oldest first. */
export interface DeliveryWithAttempts extends Delivery {
  attemptLog: DeliveryAttempt[];
}

const EVENT_OF_KIND: Partial<Record<JobEventKind, WebhookEvent>> = {
  started: 'job.started',
  progress: 'job.progress',
  completed: 'job.completed',
  failed: 'job.failed',
  cancelled: 'job.cancelled',
};

/**
 * webhookEventFor names the webhook event a change of `job` sends, or null when it sends none:
 * the job has no webhookUrl, the change has no webhook event (created, retrying, released), or the
 * job did not ask for that event.
 */
export function webhookEventFor(job: Job, kind: JobEventKind): WebhookEvent | null {
  const event = EVENT_OF_KIND[kind];
  if (!event || job.webhookUrl === null || !job.webhookEvents.includes(event)) return null;
  return event;
}
