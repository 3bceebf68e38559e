/**
 * productai's Jobs API (seed 003) under `/compat/productai`: get and list jobs with
 * `Authorization: Bearer`, images as signed expiring links; and, since the document does not show
 * its generate call, `POST /v1/jobs {model, input, webhook_url}` where `model` is a Longrun type.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { JsonObject } from '../../../domain/index.js';
import { createJob, getJob, listJobs } from '../../../service/index.js';
import { requireAccount } from '../../auth.js';
import type { AppDeps } from '../../deps.js';
import type { Dialect } from '../dialect.js';
import { idParamsSchema } from '../idParams.js';
import { type PageQuery, pageQuerySchema } from '../paging.js';
import { jobImages } from './images.js';
import { PRODUCTAI_STATUSES, productaiJob, productaiJobSchema } from './view.js';

const createBody = {
  type: 'object',
  additionalProperties: false,
  required: ['model'],
  properties: {
    model: { type: 'string', minLength: 1, maxLength: 200, description: 'The Longrun job type to run (GET /v1/job-types).' },
    input: { type: 'object', description: 'The job type’s input.' },
    webhook_url: {
      type: 'string',
      minLength: 1,
      maxLength: 2048,
      description: 'POSTed the document’s payload when the job completes (`job.completed`) or fails or is cancelled (`job.failed`), signed in X-ProductAI-Signature.',
    },
  },
} as const;
const errorSchema = { type: 'object', description: 'An error.', properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } } } as const;
const errors = { 400: errorSchema, 401: errorSchema, 404: errorSchema };

interface CreateBody {
  model: string;
  input?: JsonObject;
  webhook_url?: string;
}

const routes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const service = deps.service;
  app.addHook('onRequest', requireAccount(service, deps.rateLimiter ?? null));

  app.post<{ Body: CreateBody }>(
    '/v1/jobs',
    { schema: { summary: 'Create a generation job', body: createBody }, config: { responses: { 201: productaiJobSchema, ...errors } } },
    async (request, reply) => {
      const body = request.body;
      const { job } = await createJob(service, request.principal, { type: body.model, input: body.input, webhookUrl: body.webhook_url }, { webhookFormat: productai.name });
      return reply.code(201).send(productaiJob(job, []));
    },
  );

  app.get<{ Params: { job_id: string } }>(
    '/v1/jobs/:job_id',
    { schema: { summary: 'Get the status and results of a generation job', params: idParamsSchema('job_id') }, config: { responses: { 200: productaiJobSchema, ...errors } } },
    async (request) => {
      const job = await getJob(service, request.principal, request.params.job_id);
      return productaiJob(job, await jobImages(service, request, job));
    },
  );

  app.get<{ Querystring: PageQuery }>(
    '/v1/jobs',
    {
      schema: { summary: 'List all jobs, newest first', querystring: pageQuerySchema({ defaultLimit: 20, maxLimit: 100, statuses: Object.keys(PRODUCTAI_STATUSES) }) },
      config: {
        responses: {
          200: { type: 'object', description: '{jobs, total, limit, offset, has_more}', properties: { jobs: { type: 'array', items: productaiJobSchema }, total: { type: 'integer' }, has_more: { type: 'boolean' } } },
          ...errors,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await listJobs(service, request.principal, { limit: q.limit, offset: q.offset, status: q.status ? PRODUCTAI_STATUSES[q.status]!.join(',') : undefined });
      const jobs = await Promise.all(page.jobs.map(async (job) => productaiJob(job, await jobImages(service, request, job))));
      return { jobs, total: page.total, limit: q.limit, offset: q.offset, has_more: page.hasMore };
    },
  );
};

/** productai is the productai image-generation dialect. */
export const productai: Dialect = {
  name: 'productai',
  prefix: '/compat/productai',
  title: 'Longrun: productai Jobs API',
  description: 'productai’s Jobs API over Longrun’s jobs: a model is a Longrun job type; images are signed, expiring links (see docs/compat.md).',
  errorBody: (error, detail) => ({ error: { code: error.code, message: detail } }),
  routes,
};
