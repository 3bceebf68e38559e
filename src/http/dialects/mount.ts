/**
 * mountDialects: the plumbing every dialect shares, written once. Each dialect gets its own
 * encapsulated scope under its prefix, where errors (validation, auth, not found, anything
 * thrown) answer in the dialect's shape with the error's status, its routes stay out of the
 * native /openapi.json, and `/compat/<name>/openapi.json` documents them.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type LongrunError, NotFoundError } from '../../domain/index.js';
import type { AppDeps } from '../deps.js';
import { problemDetail, toLongrunError } from '../problem.js';
import type { Dialect } from './dialect.js';
import { type DialectRoute, dialectOpenApi, dialectRoute } from './openapi.js';

const mounted = new WeakMap<FastifyInstance, readonly Dialect[]>();

/** mountDialects registers the given dialects on the app. */
export async function mountDialects(app: FastifyInstance, deps: AppDeps, dialects: readonly Dialect[]): Promise<void> {
  mounted.set(app, dialects);
  for (const dialect of dialects) {
    const routes: DialectRoute[] = [];
    const send = (reply: FastifyReply, error: LongrunError) => sendDialectError(reply, dialect, error);
    await app.register(
      async (scope) => {
        scope.addHook('onRoute', (route) => {
          // The native document describes the native API only; each dialect has its own.
          route.schema = Object.assign(route.schema ?? {}, { hide: true });
          routes.push(...dialectRoute(route));
        });
        scope.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
          const mapped = toLongrunError(error);
          if (mapped.status >= 500) request.log.error({ err: error }, 'request failed');
          return send(reply, mapped);
        });
        scope.setNotFoundHandler((request, reply) => send(reply, new NotFoundError(`No route ${request.method} ${request.url.split('?')[0]}`)));
        await scope.register(dialect.routes, { deps });
      },
      { prefix: dialect.prefix },
    );
    app.get(`/compat/${dialect.name}/openapi.json`, { schema: { hide: true } }, async () => dialectOpenApi(dialect, routes, deps.version ?? '0.1.0'));
  }
}

/**
 * answerInDialect answers an error that Fastify's router met before any scope saw the request
 * (an over-long path segment) in the shape of the dialect whose prefix the path has; false when
 * the path is no dialect's.
 */
export function answerInDialect(app: FastifyInstance, url: string, reply: FastifyReply, error: LongrunError): boolean {
  const dialect = mounted.get(app)?.find((d) => url === d.prefix || url.startsWith(`${d.prefix}/`));
  if (!dialect) return false;
  sendDialectError(reply, dialect, error);
  return true;
}

/** sendDialectError answers an error in the dialect's shape, keeping Retry-After for a 429. */
function sendDialectError(reply: FastifyReply, dialect: Dialect, error: LongrunError): FastifyReply {
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  return reply.code(error.status).type('application/json').send(dialect.errorBody(error, problemDetail(error)));
}
