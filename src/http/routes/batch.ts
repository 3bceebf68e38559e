import type { FastifyPluginAsync } from 'fastify';
import { type CreateJobRequest, MAX_BATCH_JOBS, createJobs, waitingForOf } from '../../service/index.js';
import { requireAccount } from '../auth.js';
import type { AppDeps } from '../deps.js';
import { idempotencyKey } from '../idempotencyKey.js';
import { createJobHeadersSchema, createJobsBodySchema, problemResponses } from '../schemas.js';
import { jobView } from '../views.js';

const batchAnswer = {
  type: 'object',
  properties: { data: { type: 'array', items: { $ref: 'Job#' }, description: 'The jobs created, in the order of the request\'s `jobs`.' } },
} as const;

/** batchRoutes: create many jobs in one request, all or nothing. */
export const batchRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', requireAccount(deps.service, deps.rateLimiter ?? null, { adminKey: deps.adminKey }));

  app.post<{ Body: { jobs: CreateJobRequest[] } }>(
    '/v1/jobs/batch',
    {
      schema: {
        summary: 'Create many jobs at once, all or nothing',
        description:
          `Up to ${MAX_BATCH_JOBS} jobs, each checked as \`POST /v1/jobs\` checks one (a problem names its field as \`/jobs/<index>/…\`), ` +
          'then all committed in one transaction, each charged its own cost; when one is refused, or the account cannot pay for all, none is created. ' +
          '`Idempotency-Key` stands for the whole batch: the same key and body within 24 h replays the jobs (200, `Idempotent-Replayed: true`).',
        tags: ['jobs'],
        headers: createJobHeadersSchema,
        body: createJobsBodySchema(MAX_BATCH_JOBS),
        response: { 200: batchAnswer, 201: batchAnswer, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { jobs, replayed } = await createJobs(deps.service, request.principal, request.body.jobs, { idempotencyKey: idempotencyKey(request) });
      if (replayed) reply.header('idempotent-replayed', 'true');
      const waits = await waitingForOf(deps.service, jobs);
      return reply.code(replayed ? 200 : 201).send({ data: jobs.map((job) => jobView(job, waits)) });
    },
  );
};
