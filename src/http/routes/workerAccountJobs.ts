import type { FastifyPluginAsync } from 'fastify';
import { JOB_FILTER_FIELDS, type JobFilterRequest } from '../../domain/index.js';
import { MAX_ACCOUNT_JOBS_PAGE } from '../../jobtypes/index.js';
import { listRemoteAccountJobs } from '../../service/index.js';
import type { AppDeps } from '../deps.js';
import { jobIdParamsSchema, problemResponses } from '../schemas.js';
import { attemptOf, leaseHeadersSchema } from './workerLease.js';

/**
 * workerAccountJobRoutes: a remote worker reads, page by page, the jobs of its attempt's own
 * account (what `ctx.accountJobs` gives a handler, `jobs/export` its rows), fenced by the lease
 * as every call of the attempt. The account is the job's, never one the worker names.
 */
export const workerAccountJobRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  app.get<{ Params: { id: string }; Querystring: JobFilterRequest & { cursor?: string; limit: number } }>(
    '/v1/worker/jobs/:id/account-jobs',
    {
      schema: {
        summary: 'A page of the jobs of the attempt\'s own account',
        description:
          'Newest first, filtered as `GET /v1/jobs` filters (the same query parameters) and paged by `cursor` (the previous page\'s `nextCursor`). Each job is the stored job without its private input and lease; times are RFC 3339. `409 lease_lost` once the attempt no longer holds the job.',
        tags: ['worker'],
        params: jobIdParamsSchema,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...JOB_FILTER_FIELDS,
            cursor: { type: 'string', maxLength: 200, description: 'The `nextCursor` of the previous page; omitted, the first page.' },
            limit: { type: 'integer', minimum: 1, maximum: MAX_ACCOUNT_JOBS_PAGE, default: 100 },
          },
        },
        headers: leaseHeadersSchema,
        response: {
          200: {
            type: 'object',
            properties: {
              jobs: { type: 'array', items: { type: 'object', additionalProperties: true } },
              nextCursor: { type: ['string', 'null'], description: 'The next page\'s cursor; null on the last page.' },
              total: { type: 'integer', description: 'How many jobs match in all.' },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const { cursor, ...rest } = request.query;
      return listRemoteAccountJobs(deps.service, attemptOf(request), { ...rest, cursor: cursor ?? null });
    },
  );
};
