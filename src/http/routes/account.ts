import type { FastifyPluginAsync } from 'fastify';
import { getAccount, getUsage, listJobTypes } from '../../service/index.js';
import { listedJobTypeSchema, listedJobTypeView } from '../jobTypeView.js';
import type { AppDeps } from '../deps.js';
import { fromQuery, windowDates } from '../queryFields.js';
import { requireAccount } from '../auth.js';
import { accountView } from '../views.js';
import { problemResponses, windowQueryProperties } from '../schemas.js';

const totals = {
  jobs: { type: 'integer' },
  completed: { type: 'integer' },
  failed: { type: 'integer' },
  cancelled: { type: 'integer' },
  creditsCharged: { type: 'integer' },
  creditsRefunded: { type: 'integer' },
  bytes: { type: 'integer' },
} as const;
const processTime = {
  type: 'object',
  description: 'Run time in ms of jobs that completed or failed: mean, median, 95th percentile.',
  properties: { avg: { type: 'integer' }, p50: { type: 'integer' }, p95: { type: 'integer' } },
} as const;

/** accountRoutes: the caller's account, usage, and the job types it can create. */
export const accountRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const service = deps.service;
  app.addHook('onRequest', requireAccount(service, deps.rateLimiter ?? null, { adminKey: deps.adminKey }));

  app.get(
    '/v1/account',
    { schema: { summary: 'The caller’s account', tags: ['account'], response: { 200: { $ref: 'Account#' }, ...problemResponses } } },
    async (request) => {
      return accountView(await getAccount(service, request.principal.accountId));
    },
  );

  app.get<{ Querystring: { from?: string; to?: string } }>(
    '/v1/usage',
    {
      schema: {
        summary: 'Usage over a window (default: the last 30 days)',
        tags: ['account'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...windowQueryProperties,
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              from: { type: 'string', format: 'date-time' },
              to: { type: 'string', format: 'date-time' },
              totals: { type: 'object', properties: { ...totals, processTime } },
              byType: { type: 'array', items: { type: 'object', properties: { type: { type: 'string' }, ...totals, processTime } } },
              byDay: { type: 'array', items: { type: 'object', properties: { day: { type: 'string' }, ...totals } } },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const usage = await fromQuery({ from: 'from', to: 'to' }, () => getUsage(service, request.principal, windowDates(request.query)));
      return { ...usage, from: usage.from.toISOString(), to: usage.to.toISOString() };
    },
  );

  app.get(
    '/v1/job-types',
    {
      schema: {
        summary: 'The job types this server accepts: run by its own workers, or declared for remote ones',
        tags: ['account'],
        response: { 200: { type: 'array', items: listedJobTypeSchema }, ...problemResponses },
      },
    },
    async () => (await listJobTypes(service)).map(listedJobTypeView),
  );
};
