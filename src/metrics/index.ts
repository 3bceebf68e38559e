/** Metrics: the process's Prometheus registry and the instruments the runtime feeds. */
export { ProcessMetrics, type WebhookOutcome } from './processMetrics.js';
