/**
 * The document/crawl platform's Jobs API (seed 002) under `/compat/platform/v1/api`: get a job
 * and rerun a final one, with `Authorization: Bearer`, every answer in the envelope `{data, error}`.
 */
import type { FastifyPluginAsync } from 'fastify';
import { getJob, rerunJob } from '../../../service/index.js';
import { requireAccount } from '../../auth.js';
import type { AppDeps } from '../../deps.js';
import type { Dialect } from '../dialect.js';
import { idParamsSchema } from '../idParams.js';
import { platformErrorSchema, platformJob, platformJobSchema, platformRerun, platformRerunSchema } from './view.js';

const errors = { 400: platformErrorSchema, 401: platformErrorSchema, 404: platformErrorSchema, 409: platformErrorSchema };

const routes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const service = deps.service;
  app.addHook('onRequest', requireAccount(service, deps.rateLimiter ?? null));

  app.get<{ Params: { id: string } }>(
    '/jobs/:id',
    { schema: { summary: 'Get job status', params: idParamsSchema() }, config: { responses: { 200: platformJobSchema, ...errors } } },
    async (request) => ({ data: platformJob(await getJob(service, request.principal, request.params.id)), error: null }),
  );

  app.post<{ Params: { id: string } }>(
    '/jobs/:id/rerun',
    {
      schema: { summary: 'Rerun a completed, failed or cancelled job as a new job', params: idParamsSchema() },
      config: { responses: { 201: platformRerunSchema, ...errors } },
    },
    async (request, reply) => {
      const rerun = await rerunJob(service, request.principal, request.params.id);
      return reply.code(201).send({ data: platformRerun(rerun), error: null });
    },
  );
};

/** platform is the document/crawl platform dialect. */
export const platform: Dialect = {
  name: 'platform',
  prefix: '/compat/platform/v1/api',
  title: 'Longrun: document/crawl platform Jobs API',
  description: 'The platform’s Jobs API over Longrun’s jobs. Send the key as Authorization: Bearer. Every answer is {data, error} (see docs/compat.md).',
  errorBody: (error, detail) => ({ data: null, error: { code: error.code, message: detail } }),
  routes,
};
