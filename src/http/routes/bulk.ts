import type { FastifyPluginAsync } from 'fastify';
import { type BulkRequest, bulkJobs } from '../../service/index.js';
import type { AppDeps } from '../deps.js';
import { requireAccount } from '../auth.js';
import { bulkBodySchema, bulkResultSchema } from '../bulkSchemas.js';
import { problemResponses } from '../schemas.js';

/** bulkRoutes: cancel or rerun many of the caller's jobs, named or by filter, with a dry run. */
export const bulkRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', requireAccount(deps.service, deps.rateLimiter ?? null, { adminKey: deps.adminKey }));

  app.post<{ Body: BulkRequest }>(
    '/v1/jobs/bulk',
    {
      schema: {
        summary: 'Cancel or rerun many jobs',
        description:
          'Names jobs by `ids` or selects them by `filter` (the list’s filters; only jobs the action applies to). Each job goes through the single-job cancel or rerun. `dryRun` counts and changes nothing. At most 1,000 jobs per request; `hasMore` says to send it again.',
        tags: ['jobs'],
        body: bulkBodySchema,
        response: { 200: bulkResultSchema, ...problemResponses },
      },
    },
    async (request) => bulkJobs(deps.service, request.principal, request.body),
  );
};
