import type { FastifyPluginAsync } from 'fastify';
import type { RemoteWorker, WorkerKey } from '../../domain/index.js';
import { createWorkerKey, listWorkerKeys, listWorkers, revokeWorkerKey } from '../../service/index.js';
import { requireAdmin } from '../auth.js';
import type { AppDeps } from '../deps.js';
import { fromQuery } from '../queryFields.js';
import { problemResponses } from '../schemas.js';

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

/** workerKeyView is a worker key as the admin API lists it: never its secret, nor the secret's hash. */
function workerKeyView(key: WorkerKey) {
  return { id: key.id, name: key.name, types: key.types, last4: key.last4, createdAt: key.createdAt.toISOString(), revokedAt: iso(key.revokedAt) };
}

/** workerView is a remote worker as operators see it. */
function workerView(worker: RemoteWorker) {
  return {
    id: worker.id,
    name: worker.name,
    keyId: worker.keyId,
    host: worker.host,
    types: worker.types,
    concurrency: worker.concurrency,
    jobsInHand: worker.jobsInHand,
    firstSeenAt: worker.firstSeenAt.toISOString(),
    lastSeenAt: worker.lastSeenAt.toISOString(),
  };
}

const typesSchema = { type: 'array', items: { type: 'string' } } as const;
const listedKeySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    types: typesSchema,
    last4: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;
const workerSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string', description: 'The name of the worker key it used.' },
    keyId: { type: 'string' },
    host: { type: ['string', 'null'], description: 'What the worker said it runs on, else the address it called from.' },
    types: typesSchema,
    concurrency: { type: 'integer' },
    jobsInHand: { type: 'integer', description: 'Jobs it holds a lease on now.' },
    firstSeenAt: { type: 'string', format: 'date-time' },
    lastSeenAt: { type: 'string', format: 'date-time', description: 'Its last claim or heartbeat.' },
  },
} as const;

/** adminWorkerRoutes: worker keys and the remote workers seen; they need LONGRUN_ADMIN_KEY. */
export const adminWorkerRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const service = deps.service;
  app.addHook('onRequest', requireAdmin(service, deps.adminKey));
  const tags = ['admin'];

  app.post<{ Body: { name: string; types: string[] } }>(
    '/v1/admin/worker-keys',
    {
      schema: {
        summary: 'Issue a worker key',
        description: 'A worker key may use the worker API (/v1/worker/*) only, and claim only jobs of its `types`, for every account. `key` is the secret: shown this once, only its hash is stored.',
        tags,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'types'],
          examples: [{ name: 'gpu fleet', types: ['py/reverse'] }],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            types: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'string', maxLength: 100 }, description: 'Exact job type names.' },
          },
        },
        response: {
          201: {
            type: 'object',
            properties: { id: { type: 'string' }, key: { type: 'string' }, name: { type: 'string' }, types: typesSchema, createdAt: { type: 'string', format: 'date-time' } },
          },
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const created = await createWorkerKey(service, request.body);
      return reply.code(201).send({ ...created, createdAt: created.createdAt.toISOString() });
    },
  );

  app.get<{ Querystring: { limit: number; cursor?: string } }>(
    '/v1/admin/worker-keys',
    {
      schema: {
        summary: 'List worker keys, revoked ones too, oldest first',
        tags,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 100, default: 25 },
            cursor: { type: 'string', maxLength: 200, description: 'The `nextCursor` of the previous page.' },
          },
        },
        response: { 200: { type: 'object', properties: { data: { type: 'array', items: listedKeySchema }, nextCursor: { type: ['string', 'null'] } } }, ...problemResponses },
      },
    },
    async (request) => {
      const page = await fromQuery({ cursor: 'cursor' }, () => listWorkerKeys(service, request.query));
      return { data: page.data.map(workerKeyView), nextCursor: page.nextCursor };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/admin/worker-keys/:id',
    {
      schema: {
        summary: 'Revoke a worker key at once',
        description: 'Its next request is refused (401); leases it holds run out and their jobs are retried.',
        tags,
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 100 } }, required: ['id'] },
        response: { ...problemResponses },
      },
    },
    async (request, reply) => {
      await revokeWorkerKey(service, request.params.id);
      return reply.code(204).send();
    },
  );

  app.get<{ Querystring: { seenWithinSeconds: number; limit: number } }>(
    '/v1/admin/workers',
    {
      schema: {
        summary: 'List the remote workers seen recently',
        description: 'Every worker that claimed or heartbeat within `seenWithinSeconds`, most recent contact first; the same on every API node.',
        tags,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            seenWithinSeconds: { type: 'integer', minimum: 1, maximum: 604_800, default: 3600 },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
        response: { 200: { type: 'object', properties: { data: { type: 'array', items: workerSchema } } }, ...problemResponses },
      },
    },
    async (request) => ({ data: (await listWorkers(service, request.query)).map(workerView) }),
  );
};
