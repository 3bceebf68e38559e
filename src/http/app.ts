import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { InvalidRequestError, MAX_JSON_DEPTH, NotFoundError, jsonTextTooDeep, ulid } from '../domain/index.js';
import { silentLogger } from '../log/index.js';
import { ProcessMetrics } from '../metrics/index.js';
import type { ServiceDeps } from '../service/index.js';
import type { AppDeps } from './deps.js';
import { answerInDialect, dialectsNamed, mountDialects } from './dialects/index.js';
import { registerMetrics } from './metrics.js';
import { namedWildcards } from './openapiPaths.js';
import { errorHandler, sendProblem, toLongrunError } from './problem.js';
import { accountRoutes } from './routes/account.js';
import { adminRoutes } from './routes/admin.js';
import { adminWorkerRoutes } from './routes/adminWorkers.js';
import { bulkRoutes } from './routes/bulk.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { eventRoutes } from './routes/events.js';
import { fileLinkRoutes } from './routes/fileLinks.js';
import { fileRoutes } from './routes/files.js';
import { batchRoutes } from './routes/batch.js';
import { jobRoutes } from './routes/jobs.js';
import { jobTypeRoutes } from './routes/jobTypes.js';
import { opsRoutes } from './routes/ops.js';
import { statsRoutes } from './routes/stats.js';
import { webhookRoutes } from './routes/webhooks.js';
import { workerRoutes } from './routes/worker.js';
import { SHARED_SCHEMAS } from './schemas.js';
import { clientErrorAnswer, connectAnswer } from './socketProblems.js';

export type { AppDeps } from './deps.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * buildApp makes the Fastify app: problem+json errors, X-Request-Id, strict body validation,
 * query coercion, OpenAPI from the route schemas, and the routes.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // Typed as Fastify's base logger so the app stays a plain FastifyInstance for the route plugins.
    loggerInstance: (deps.log ?? silentLogger) as FastifyBaseLogger,
    bodyLimit: deps.bodyLimit ?? 10 * 1024 * 1024,
    // Honour a caller's well-formed X-Request-Id so traces join up; otherwise make one.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : `req_${ulid()}`;
    },
    requestIdHeader: false,
    // Errors the router meets before any hook runs still answer as problems, with a request id.
    clientErrorHandler: clientErrorAnswer,
    frameworkErrors: (error, request, reply) => {
      reply.header('x-request-id', request.id);
      // An over-long path segment can only be an id that does not exist.
      const mapped = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? new NotFoundError('Not found') : toLongrunError(error);
      if (answerInDialect(app, request.url, reply, mapped)) return reply;
      return sendProblem(reply, mapped);
    },
  });
  app.server.on('connect', connectAnswer);
  // Only JSON bodies: a text/plain body is 415, not a string that fails the schema.
  app.removeContentTypeParser('text/plain');

  // Bodies are JSON and must match exactly: no coercion, no silently dropped fields.
  // Query strings are text, so numbers and booleans there are coerced.
  // verbose: errors carry their schema, where PATTERN_MESSAGE words a pattern (domain/schemaProblem.ts).
  const bodyAjv = addFormats.default(new Ajv({ allErrors: true, coerceTypes: false, useDefaults: true, removeAdditional: false, strict: false, verbose: true }));
  const queryAjv = addFormats.default(new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true, removeAdditional: false, strict: false, verbose: true }));
  for (const schema of SHARED_SCHEMAS) {
    bodyAjv.addSchema(schema);
    queryAjv.addSchema(schema);
  }
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : queryAjv).compile(schema));

  // An empty body is no body (clients often send Content-Type: application/json on a bare POST).
  // Nesting is bounded before parsing, so nothing recursive ever sees a deep body (see jsonLimits).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    const tooDeep = jsonTextTooDeep(text);
    if (tooDeep !== null) return done(InvalidRequestError.field(tooDeep, `nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels (the body is the first)`), undefined);
    parseJson(request, text, done);
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => sendProblem(reply, new NotFoundError(`No route ${request.method} ${request.url.split('?')[0]}`)));

  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Longrun',
        version: deps.version ?? '0.1.0',
        description: 'A self-hosted Jobs API for long-running generation work. Errors are application/problem+json.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ apiKey: [] }, { bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    transform: namedWildcards,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  registerMetrics(app, { metrics: deps.service.metrics ?? standaloneMetrics(app, deps.service), route: deps.metrics?.separate ? null : { token: deps.metrics?.token ?? null } });
  await app.register(opsRoutes, { deps });
  await app.register(jobRoutes, { deps });
  await app.register(batchRoutes, { deps });
  await app.register(accountRoutes, { deps });
  await app.register(eventRoutes, { deps });
  await app.register(webhookRoutes, { deps });
  await app.register(fileRoutes, { deps });
  await app.register(fileLinkRoutes, { deps });
  await app.register(adminRoutes, { deps });
  await app.register(adminWorkerRoutes, { deps });
  await app.register(workerRoutes, { deps });
  await app.register(jobTypeRoutes, { deps });
  await app.register(bulkRoutes, { deps });
  await app.register(statsRoutes, { deps });
  await app.register(dashboardRoutes, { deps });
  await mountDialects(app, deps, dialectsNamed(deps.compat));
  return app;
}

/** standaloneMetrics is a registry for an app built without a runtime's (which counts job changes itself). */
function standaloneMetrics(app: FastifyInstance, service: ServiceDeps): ProcessMetrics {
  const metrics = new ProcessMetrics();
  const stop = metrics.countJobChanges(service.bus, service.registry.names());
  app.addHook('onClose', async () => stop());
  return metrics;
}
