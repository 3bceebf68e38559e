import type { FastifyPluginAsync } from 'fastify';
import { adjustCredits, createAccount, createApiKey, revokeApiKey } from '../../service/index.js';
import type { AppDeps } from '../app.js';
import { requireAdmin } from '../auth.js';
import { accountView } from '../views.js';
import { problemResponses } from '../schemas.js';

const idParams = { type: 'object', properties: { id: { type: 'string', maxLength: 100 } }, required: ['id'] } as const;
const apiKeySchema = {
  type: 'object',
  description: 'A new API key. `key` is the secret: it is shown this once and only its hash is stored.',
  properties: { id: { type: 'string' }, key: { type: 'string' }, last4: { type: 'string' } },
} as const;

/** adminRoutes: accounts, keys and credits; they need LONGRUN_ADMIN_KEY. */
export const adminRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const service = deps.service;
  app.addHook('onRequest', requireAdmin(service, deps.adminKey));

  app.post<{ Body: { name: string; credits?: number | null } }>(
    '/v1/admin/accounts',
    {
      schema: {
        summary: 'Create an account and its first API key',
        tags: ['admin'],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name'],
          examples: [{ name: 'acme', credits: 1000 }],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            credits: { type: ['integer', 'null'], minimum: 0, description: 'Starting balance; omitted or null means unlimited.' },
          },
        },
        response: { 201: { type: 'object', properties: { account: { $ref: 'Account#' }, apiKey: apiKeySchema } }, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { account, apiKey } = await createAccount(service, { name: request.body.name, credits: request.body.credits ?? null });
      return reply.code(201).send({
        account: accountView(account),
        apiKey,
      });
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1/admin/accounts/:id/keys',
    { schema: { summary: 'Issue another API key', tags: ['admin'], params: idParams, response: { 201: apiKeySchema, ...problemResponses } } },
    async (request, reply) => reply.code(201).send(await createApiKey(service, request.params.id)),
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/admin/keys/:id',
    { schema: { summary: 'Revoke an API key at once', tags: ['admin'], params: idParams, response: { ...problemResponses } } },
    async (request, reply) => {
      await revokeApiKey(service, request.params.id);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { id: string }; Body: { amount: number } }>(
    '/v1/admin/accounts/:id/credits',
    {
      schema: {
        summary: 'Add (or, negative, remove) credits',
        tags: ['admin'],
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['amount'],
          examples: [{ amount: 100 }],
          properties: { amount: { type: 'integer', minimum: -1_000_000_000, maximum: 1_000_000_000 } },
        },
        response: { 200: { $ref: 'Account#' }, ...problemResponses },
      },
    },
    async (request) => {
      return accountView(await adjustCredits(service, { accountId: request.params.id, amount: request.body.amount }));
    },
  );
};
