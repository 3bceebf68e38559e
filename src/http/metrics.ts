import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EventBus } from '../events/index.js';
import { NO_KEY } from './schemas.js';

/**
 * registerMetrics serves `GET /metrics` in the Prometheus text format: the process (memory, CPU,
 * event-loop lag), HTTP requests by route and status with their durations, and job changes this
 * process made by kind. Each app has its own registry, so several servers can share a process.
 */
export function registerMetrics(app: FastifyInstance, bus: EventBus): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'longrun_' });
  const requests = new Counter({
    name: 'longrun_http_requests_total',
    help: 'HTTP requests answered, by method, route and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'longrun_http_request_duration_seconds',
    help: 'Time to answer an HTTP request (a long-poll counts its wait).',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
    registers: [registry],
  });
  const changes = new Counter({
    name: 'longrun_job_changes_total',
    help: 'Job changes committed by this process, by kind (created, started, completed, failed, …).',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const stopCounting = bus.onAny((change) => {
    if (!change.relayed) changes.inc({ kind: change.kind });
  });
  app.addHook('onClose', async () => stopCounting());

  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL, so ids do not explode the label set; unknown routes pool.
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status_code: String(reply.statusCode) });
    durations.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  app.get('/metrics', { schema: { summary: 'Prometheus metrics', tags: ['ops'], ...NO_KEY } }, async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
}
