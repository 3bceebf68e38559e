/**
 * productai's webhooks (seed 003): the document's `job.completed` payload, its failed
 * counterpart, and the `X-ProductAI-Signature` header each attempt carries.
 */
import { createHmac } from 'node:crypto';
import type { Job, WebhookEvent } from '../../../domain/index.js';
import { webhookImages } from './images.js';
import { productaiJob } from './view.js';

/**
 * productaiWebhook is the body of a productai job's webhook: on completion the document's
 * `{event: "job.completed", job_id, status, images, tokens_used, completed_at}`; on failure or
 * cancel (a cancelled job is failed to productai) `{event: "job.failed", job_id, status: "failed",
 * error: {code, message}, tokens_used, failed_at}`. Other events send nothing.
 */
export function productaiWebhook(job: Job, event: WebhookEvent) {
  // The fields are the GET answer's (productaiJob), so the webhook and the GET cannot drift apart.
  if (event === 'job.completed') {
    const view = productaiJob(job, webhookImages(job));
    return { event, job_id: view.job_id, status: view.status, images: view.images, tokens_used: view.tokens_used, completed_at: view.completed_at };
  }
  if (event === 'job.failed' || event === 'job.cancelled') {
    const view = productaiJob(job, []);
    return { event: 'job.failed', job_id: view.job_id, status: view.status, error: view.error, tokens_used: view.tokens_used, failed_at: view.failed_at };
  }
  return null;
}

/**
 * productaiSignatureHeaders sign a productai webhook as the document shows:
 * `X-ProductAI-Signature: sha256=<hex HMAC-SHA256 of the raw body>`, keyed with the account's
 * current webhook secret as its text (`whsec_…`, the string `GET /v1/account` shows), which is
 * what a receiver pastes into `hmac.new(secret.encode(), body, sha256)`. One signature only: the
 * document's header has room for one, so during a rotation it is the new secret's.
 */
export function productaiSignatureHeaders(p: { body: string; secrets: readonly string[] }): Record<string, string> {
  const digest = createHmac('sha256', Buffer.from(p.secrets[0]!, 'utf8')).update(p.body, 'utf8').digest('hex');
  return { 'x-productai-signature': `sha256=${digest}` };
}
