/**
 * Webhooks: what sends one webhook message (the guarded sender, Standard Webhooks signatures and
 * the retry policy). The dispatcher that sends the store's deliveries is a maintenance loop
 * (src/maintenance/webhookDispatcher.ts).
 */
export { type SendParams, type SendResult, sendWebhook } from './sender.js';
export { webhookHeaders } from './signature.js';
export { type AttemptOutcome, type NextStep, nextStep, parseRetrySchedule } from './retryPolicy.js';
