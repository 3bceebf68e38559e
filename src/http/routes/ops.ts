import type { FastifyPluginAsync } from 'fastify';
import { ServiceUnavailableError } from '../../domain/index.js';
import type { AppDeps } from '../deps.js';
import { NO_KEY, problemResponses } from '../schemas.js';

const status = { type: 'object', properties: { status: { type: 'string' } } } as const;

/** opsRoutes: liveness, readiness and the OpenAPI document. No key needed. */
export const opsRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  app.get('/healthz', { schema: { summary: 'The process is up', tags: ['ops'], ...NO_KEY, response: { 200: status } } }, async () => ({ status: 'ok' }));

  app.get(
    '/readyz',
    { schema: { summary: 'The store is reachable', tags: ['ops'], ...NO_KEY, response: { 200: status, ...problemResponses } } },
    async () => {
      try {
        await deps.service.store.ping();
      } catch {
        throw new ServiceUnavailableError('The store is not reachable');
      }
      return { status: 'ready' };
    },
  );

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
};
