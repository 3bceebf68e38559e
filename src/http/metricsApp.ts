import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { NotFoundError } from '../domain/index.js';
import { type Logger, silentLogger } from '../log/index.js';
import type { ProcessMetrics } from '../metrics/index.js';
import { metricsRoute } from './metrics.js';
import { errorHandler, sendProblem } from './problem.js';

/**
 * buildMetricsApp is the app behind `--metrics-listen`: `GET /metrics` alone, on an address of its
 * own (a private interface, say) so the API's port never shows it. Workers run it too, since their
 * webhook and browser metrics live in their own process.
 */
export async function buildMetricsApp(p: { metrics: ProcessMetrics; token: string | null; log?: Logger }): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: (p.log ?? silentLogger) as FastifyBaseLogger });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => sendProblem(reply, new NotFoundError(`No route ${request.method} ${request.url.split('?')[0]}: this address serves GET /metrics only`)));
  metricsRoute(app, p.metrics, p.token);
  return app;
}
