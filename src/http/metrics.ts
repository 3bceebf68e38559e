import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, Histogram } from 'prom-client';
import { UnauthorizedError } from '../domain/index.js';
import type { ProcessMetrics } from '../metrics/index.js';
import { secretsEqual } from '../service/index.js';
import { presentedSecret } from './auth.js';
import { NO_KEY } from './schemas.js';

/**
 * registerMetrics adds the HTTP metrics to the process's registry: requests by route and status
 * with their durations. It serves `GET /metrics` here unless `route` is null (the operator gave
 * /metrics its own listen address: see metricsApp.ts).
 */
export function registerMetrics(app: FastifyInstance, p: { metrics: ProcessMetrics; route: { token: string | null } | null }): void {
  const registry = p.metrics.registry;
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
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL, so ids do not explode the label set; unknown routes pool.
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status_code: String(reply.statusCode) });
    durations.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  if (p.route) metricsRoute(app, p.metrics, p.route.token);
}

/**
 * metricsRoute serves `GET /metrics` in the Prometheus text format. With a token
 * (LONGRUN_METRICS_TOKEN) a scrape must present it, as `Authorization: Bearer` (Prometheus'
 * `authorization` setting) or X-API-Key; anything else is 401 and reads nothing.
 */
export function metricsRoute(app: FastifyInstance, metrics: ProcessMetrics, token: string | null): void {
  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics',
        description: token === null ? 'Open to anyone who can reach it.' : 'Needs the metrics token (LONGRUN_METRICS_TOKEN) as a bearer token.',
        tags: ['ops'],
        ...(token === null ? NO_KEY : { security: [{ bearer: [] }] }),
        response: { 200: { description: 'The Prometheus text format.', content: { 'text/plain': { schema: { type: 'string' } } } } },
      },
      onRequest: async (request: FastifyRequest) => {
        if (token === null) return;
        const secret = presentedSecret(request);
        if (secret === undefined || !secretsEqual(secret, token)) {
          throw new UnauthorizedError('/metrics needs the metrics token (LONGRUN_METRICS_TOKEN): send it as Authorization: Bearer.');
        }
      },
    },
    async (_request, reply) => {
      reply.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  );
}
