/**
 * cloudlayer.io's Jobs API (seed 000): get and list jobs under `/compat/cloudlayer`, both `/v1`
 * and `/v2`, with the key in `X-API-Key`. The list is a plain array, newest first. The six v2
 * create endpoints of its render types are in create.ts.
 */
import type { FastifyPluginAsync } from 'fastify';
import { getJob, listJobs } from '../../../service/index.js';
import { requireAccount } from '../../auth.js';
import type { AppDeps } from '../../deps.js';
import type { Dialect } from '../dialect.js';
import { idParamsSchema } from '../idParams.js';
import { type PageQuery, pageQuerySchema } from '../paging.js';
import { createRoutes } from './create.js';
import { cloudlayerJob, cloudlayerJobSchema } from './view.js';

const idParams = idParamsSchema();
const errorSchema = { type: 'object', description: 'An error.', properties: { error: { type: 'string' }, code: { type: 'string' } } } as const;
const errors = { 400: errorSchema, 401: errorSchema, 404: errorSchema };

const routes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const service = deps.service;
  app.addHook('onRequest', requireAccount(service, deps.rateLimiter ?? null));
  for (const version of ['v1', 'v2']) {
    app.get<{ Params: { id: string } }>(
      `/${version}/jobs/:id`,
      { schema: { summary: 'Get a single job', params: idParams }, config: { responses: { 200: cloudlayerJobSchema, ...errors } } },
      async (request) => cloudlayerJob(await getJob(service, request.principal, request.params.id)),
    );
    app.get<{ Querystring: PageQuery }>(
      `/${version}/jobs`,
      {
        schema: { summary: 'List jobs, newest first', querystring: pageQuerySchema({ defaultLimit: 25, maxLimit: 100 }) },
        config: { responses: { 200: { type: 'array', description: 'The jobs, newest first.', items: cloudlayerJobSchema }, ...errors } },
      },
      async (request) => {
        const page = await listJobs(service, request.principal, { limit: request.query.limit, offset: request.query.offset });
        return page.jobs.map(cloudlayerJob);
      },
    );
  }
  await app.register(createRoutes(errors), { deps });
};

/** cloudlayer is the cloudlayer.io dialect. */
export const cloudlayer: Dialect = {
  name: 'cloudlayer',
  prefix: '/compat/cloudlayer',
  title: 'Longrun: cloudlayer.io Jobs API',
  description: "cloudlayer.io's Jobs API over Longrun's jobs. Send the key as X-API-Key. See docs/compat.md for the differences.",
  errorBody: (error, detail) => ({ error: detail, code: error.code }),
  routes,
};
