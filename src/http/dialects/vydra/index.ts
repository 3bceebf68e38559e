/**
 * vydra's Jobs API (seed 004) under `/compat/vydra`: create (`workflow` is a Longrun job type),
 * list, get and cancel with refund, with `Authorization: Bearer`.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { JsonObject } from '../../../domain/index.js';
import { cancelJob, createJob, getJob, listJobs } from '../../../service/index.js';
import { requireAccount } from '../../auth.js';
import type { AppDeps } from '../../deps.js';
import type { Dialect } from '../dialect.js';
import { idParamsSchema } from '../idParams.js';
import { requestOrigin } from '../../origin.js';
import { type PageQuery, pageQuerySchema } from '../paging.js';
import { VYDRA_STATUSES, vydraCreated, vydraErrorCode, vydraJob, vydraJobSchema, vydraRefund } from './view.js';

const createBody = {
  type: 'object',
  additionalProperties: false,
  required: ['workflow'],
  properties: {
    workflow: { type: 'string', minLength: 1, maxLength: 200, description: 'The Longrun job type to run (GET /v1/job-types).' },
    input: { type: 'object', description: 'The job type’s input.' },
    webhookUrl: { type: 'string', minLength: 1, maxLength: 2048, description: 'Told when the job completes, fails or is cancelled.' },
  },
} as const;
const errorSchema = { type: 'object', description: 'An error.', properties: { error: { type: 'object', properties: { message: { type: 'string' }, code: { type: 'string' } } } } } as const;
const errors = { 400: errorSchema, 401: errorSchema, 404: errorSchema };

interface CreateBody {
  workflow: string;
  input?: JsonObject;
  webhookUrl?: string;
}

const routes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const service = deps.service;
  app.addHook('onRequest', requireAccount(service, deps.rateLimiter ?? null));
  const selfLink = (origin: string, id: string) => `${origin}/compat/vydra/api/v1/jobs/${id}`;

  app.post<{ Body: CreateBody }>(
    '/api/v1/jobs',
    {
      schema: { summary: 'Create a job', body: createBody },
      config: { responses: { 201: { type: 'object', description: 'The job, with absolute links.' }, ...errors } },
    },
    async (request, reply) => {
      const { job } = await createJob(
        service,
        request.principal,
        { type: request.body.workflow, input: request.body.input, webhookUrl: request.body.webhookUrl },
        { webhookFormat: vydra.name },
      );
      const self = selfLink(requestOrigin(request), job.id);
      return reply.code(201).header('location', self).send(vydraCreated(job, self));
    },
  );

  app.get<{ Querystring: PageQuery }>(
    '/api/v1/jobs',
    {
      schema: { summary: 'List your jobs, newest first', querystring: pageQuerySchema({ defaultLimit: 20, maxLimit: 100, statuses: VYDRA_STATUSES }) },
      config: { responses: { 200: { type: 'object', description: '{data, pagination: {limit, offset, count}}; count is the jobs in this page.', properties: { data: { type: 'array', items: vydraJobSchema } } }, ...errors } },
    },
    async (request) => {
      const q = request.query;
      const page = await listJobs(service, request.principal, { limit: q.limit, offset: q.offset, status: q.status });
      return { data: page.jobs.map(vydraJob), pagination: { limit: q.limit, offset: q.offset, count: page.jobs.length } };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/jobs/:id',
    { schema: { summary: 'Get job status', params: idParamsSchema() }, config: { responses: { 200: vydraJobSchema, ...errors } } },
    async (request) => vydraJob(await getJob(service, request.principal, request.params.id)),
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/jobs/:id',
    {
      schema: { summary: 'Cancel a job; its credits are refunded', params: idParamsSchema() },
      config: { responses: { 200: { type: 'object', description: '{success: true, message: "Job cancelled", refund: {applied, creditsRefunded}}' }, ...errors, 409: errorSchema } },
    },
    async (request) => {
      const job = await cancelJob(service, request.principal, request.params.id);
      return { success: true, message: 'Job cancelled', refund: vydraRefund(job) };
    },
  );
};

/** vydra is the vydra workflow-jobs dialect. */
export const vydra: Dialect = {
  name: 'vydra',
  prefix: '/compat/vydra',
  title: 'Longrun: vydra Jobs API',
  description: 'vydra’s Jobs API over Longrun’s jobs: a workflow is a Longrun job type. Send the key as Authorization: Bearer (see docs/compat.md).',
  errorBody: (error, detail) => ({ error: { message: detail, code: vydraErrorCode(error.code) } }),
  routes,
};
