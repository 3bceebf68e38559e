import type { FastifyPluginAsync } from 'fastify';
import { JOB_STATUSES } from '../../domain/index.js';
import { MAX_STATS_BUCKETS, STATS_BUCKETS, type StatsBucket, getStats } from '../../service/index.js';
import type { AppDeps } from '../deps.js';
import { requireAccount } from '../auth.js';
import { fromQuery, windowDates } from '../queryFields.js';
import { problemResponses, windowQueryProperties } from '../schemas.js';

const count = { type: 'integer' } as const;
const statusCounts = Object.fromEntries(JOB_STATUSES.map((s) => [s, { ...count, description: `Jobs created in the window that are ${s} now.` }]));
const failureRate = { type: ['number', 'null'], description: 'failed / (completed + failed); null when neither.' } as const;
const ms = { type: 'integer', description: 'Milliseconds.' } as const;

/** statsRoutes: the caller's jobs over a window in time buckets, by type, and credits per day. */
export const statsRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', requireAccount(deps.service, deps.rateLimiter ?? null, { adminKey: deps.adminKey }));

  app.get<{ Querystring: { from?: string; to?: string; bucket?: StatsBucket } }>(
    '/v1/stats',
    {
      schema: {
        summary: 'Jobs over a window in time buckets, by type (queue, wait, process time, failure rate), and credits per day',
        description: `Jobs created in \`[from, to)\` (default: the 60 buckets before now), by the status they have now. At most ${MAX_STATS_BUCKETS} buckets.`,
        tags: ['account'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...windowQueryProperties,
            bucket: { type: 'string', enum: Object.keys(STATS_BUCKETS), default: 'minute', description: 'The size of a bucket.' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              from: { type: 'string', format: 'date-time' },
              to: { type: 'string', format: 'date-time' },
              bucket: { type: 'string', enum: Object.keys(STATS_BUCKETS) },
              series: {
                type: 'array',
                description: 'One entry per bucket, oldest first, zero-filled; `start` is aligned to the bucket size (UTC).',
                items: { type: 'object', properties: { start: { type: 'string', format: 'date-time' }, ...statusCounts, failureRate } },
              },
              byType: {
                type: 'array',
                description: 'Each type with jobs in the window or in its queue now, by name.',
                items: {
                  type: 'object',
                  properties: {
                    type: { type: 'string' },
                    jobs: count,
                    ...statusCounts,
                    failureRate,
                    queue: { type: 'object', description: 'Waiting and running now, whenever created.', properties: { pending: count, running: count } },
                    avgWaitMs: { type: ['integer', 'null'], description: 'Mean ms from creation to (latest) start of the window’s started jobs.' },
                    processTime: { type: 'object', description: 'Run times of jobs that completed or failed (ms).', properties: { avg: ms, p50: ms, p95: ms } },
                  },
                },
              },
              creditsByDay: {
                type: 'array',
                items: { type: 'object', properties: { day: { type: 'string', description: 'UTC date.' }, creditsCharged: count, creditsRefunded: count } },
              },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const window = { ...windowDates(request.query), bucket: request.query.bucket };
      const stats = await fromQuery({ from: 'from', to: 'to' }, () => getStats(deps.service, request.principal, window));
      return { ...stats, from: stats.from.toISOString(), to: stats.to.toISOString(), series: stats.series.map((p) => ({ ...p, start: p.start.toISOString() })) };
    },
  );
};
