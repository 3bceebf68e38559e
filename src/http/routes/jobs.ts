import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { type CreateJobRequest, FILTER_FIELDS, type ListJobsRequest, cancelJob, createJob, jobStanding, listJobs, purgeJob, rerunJob, waitForJob, waitingForOf } from '../../service/index.js';
import type { AppDeps } from '../deps.js';
import { idempotencyKey } from '../idempotencyKey.js';
import { fromQuery } from '../queryFields.js';
import { requireAccount } from '../auth.js';
import { jobView, jobViewInQueue } from '../views.js';
import {
  createJobBodySchema,
  createJobHeadersSchema,
  jobIdParamsSchema,
  jobListSchema,
  listJobsQuerySchema,
  problemResponses,
  purgeQuerySchema,
  waitQuerySchema,
} from '../schemas.js';

const job = { $ref: 'Job#' } as const;
const MAX_WAIT_S = 60;

/** jobRoutes: create, get (long-poll), list, cancel and rerun jobs. */
export const jobRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const service = deps.service;
  // Long-polls end early when the server shuts down, so a close never waits out a 60 s wait.
  const shutdown = new AbortController();
  app.addHook('preClose', async () => shutdown.abort());
  const closed = (reply: FastifyReply) => AbortSignal.any([clientGone(reply), shutdown.signal]);
  app.addHook('onRequest', requireAccount(service, deps.rateLimiter ?? null, { adminKey: deps.adminKey }));

  app.post<{ Body: CreateJobRequest }>(
    '/v1/jobs',
    {
      schema: {
        summary: 'Create a job',
        description: 'With `Prefer: wait=N` (1–60) the answer waits until the job is final or N s pass. `Idempotency-Key` (≤ 255 chars) replays the first answer for 24 h.',
        tags: ['jobs'],
        headers: createJobHeadersSchema,
        body: createJobBodySchema,
        response: { 200: job, 201: job, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { job: created, replayed } = await createJob(service, request.principal, request.body, { idempotencyKey: idempotencyKey(request) });
      reply.header('location', `/v1/jobs/${created.id}`);
      if (replayed) reply.header('idempotent-replayed', 'true');
      const waitS = preferWait(request);
      let answer = created;
      if (waitS > 0) {
        reply.header('preference-applied', `wait=${waitS}`);
        // The job is committed and charged: from here on the answer is the job, never an error
        // the client would retry into a second job. A wait that fails answers the job as created.
        answer = await waitForJob(service, request.principal, created.id, waitS * 1000, closed(reply)).catch((error: unknown) => {
          request.log.warn({ err: error, jobId: created.id }, 'waiting for a created job failed; answering with the job as created');
          return created;
        });
      }
      return reply.code(replayed ? 200 : 201).send(jobView(answer, await waitingForOf(service, [answer])));
    },
  );

  app.get<{ Params: { id: string }; Querystring: { wait?: number } }>(
    '/v1/jobs/:id',
    {
      schema: {
        summary: 'Get a job',
        description: '`?wait=N` (1–60) holds the request until the job is final or N s pass.',
        tags: ['jobs'],
        params: jobIdParamsSchema,
        querystring: waitQuerySchema,
        response: { 200: job, ...problemResponses },
      },
    },
    async (request, reply) => {
      const waitMs = (request.query.wait ?? 0) * 1000;
      const found = await waitForJob(service, request.principal, request.params.id, waitMs, closed(reply));
      const { place, waits } = await jobStanding(service, found);
      return jobViewInQueue(found, place, waits);
    },
  );

  app.get<{ Querystring: ListJobsRequest }>(
    '/v1/jobs',
    {
      schema: {
        summary: 'List jobs, newest first',
        tags: ['jobs'],
        querystring: listJobsQuerySchema,
        response: { 200: jobListSchema, ...problemResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await fromQuery({ cursor: 'cursor', ...FILTER_FIELDS }, () => listJobs(service, request.principal, q));
      const waits = await waitingForOf(service, page.jobs);
      return {
        data: page.jobs.map((job) => jobView(job, waits)),
        pagination: { limit: q.limit, offset: q.offset, total: page.total, totalCapped: page.totalCapped, hasMore: page.hasMore, nextCursor: page.nextCursor },
      };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1/jobs/:id/cancel',
    { schema: { summary: 'Cancel a job (refunds its credits)', tags: ['jobs'], params: jobIdParamsSchema, response: { 200: job, ...problemResponses } } },
    async (request) => jobView(await cancelJob(service, request.principal, request.params.id)),
  );

  app.delete<{ Params: { id: string }; Querystring: { purge: boolean } }>(
    '/v1/jobs/:id',
    {
      schema: {
        summary: 'Cancel a job (same as POST …/cancel), or with ?purge=true delete a final job and its files now',
        tags: ['jobs'],
        params: jobIdParamsSchema,
        querystring: purgeQuerySchema,
        response: { 200: job, 204: { type: 'null', description: 'Purged' }, ...problemResponses },
      },
    },
    async (request, reply) => {
      if (!request.query.purge) return jobView(await cancelJob(service, request.principal, request.params.id));
      await purgeJob(service, request.principal, request.params.id);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1/jobs/:id/rerun',
    {
      schema: {
        summary: 'Rerun a final job as a new job',
        tags: ['jobs'],
        params: jobIdParamsSchema,
        response: { 201: job, ...problemResponses },
      },
    },
    async (request, reply) => {
      const rerun = await rerunJob(service, request.principal, request.params.id);
      return reply.code(201).header('location', `/v1/jobs/${rerun.id}`).send(jobView(rerun));
    },
  );
};

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** preferWait reads `Prefer: wait=N` (RFC 7240); a preference out of range is clamped, not refused. */
function preferWait(request: FastifyRequest): number {
  const prefer = header(request, 'prefer');
  const match = prefer ? /(?:^|[,;\s])wait=(\d+)/i.exec(prefer) : null;
  if (!match) return 0;
  return Math.min(MAX_WAIT_S, Math.max(1, Number(match[1])));
}

/** clientGone is a signal that fires when the client goes away, so a long-poll stops waiting. */
function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => controller.abort());
  return controller.signal;
}
