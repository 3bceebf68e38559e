import type { FastifyPluginAsync } from 'fastify';
import { adjustCredits, createAccount, createApiKey, listAccounts, listApiKeys, revokeApiKey } from '../../service/index.js';
import type { AppDeps } from '../deps.js';
import { fromQuery } from '../queryFields.js';
import { requireAdmin } from '../auth.js';
import { accountView, apiKeyView } from '../views.js';
import { problemResponses } from '../schemas.js';

const idParams = { type: 'object', properties: { id: { type: 'string', maxLength: 100 } }, required: ['id'] } as const;
const apiKeySchema = {
  type: 'object',
  description: 'A new API key. `key` is the secret: it is shown this once and only its hash is stored.',
  properties: { id: { type: 'string' }, key: { type: 'string' }, last4: { type: 'string' } },
} as const;

const pageQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 25 },
    cursor: { type: 'string', maxLength: 200, description: 'The `nextCursor` of the previous page.' },
  },
} as const;
const listedKeySchema = {
  type: 'object',
  description: 'An API key as listed: its id and the last four characters of its secret, never the secret.',
  properties: {
    id: { type: 'string' },
    accountId: { type: 'string' },
    last4: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;
/** pageOf is the schema of one page of a list, oldest first. */
const pageOf = (items: object) =>
  ({
    type: 'object',
    properties: { data: { type: 'array', items }, nextCursor: { type: ['string', 'null'], description: 'Pass as `cursor` for the next page; null on the last.' } },
  }) as const;

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

  app.get<{ Querystring: { limit: number; cursor?: string } }>(
    '/v1/admin/accounts',
    { schema: { summary: 'List every account, oldest first', tags: ['admin'], querystring: pageQuery, response: { 200: pageOf({ $ref: 'Account#' }), ...problemResponses } } },
    async (request) => {
      const page = await fromQuery({ cursor: 'cursor' }, () => listAccounts(service, request.query));
      return { data: page.data.map(accountView), nextCursor: page.nextCursor };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { limit: number; cursor?: string } }>(
    '/v1/admin/accounts/:id/keys',
    {
      schema: {
        summary: 'List an account’s API keys, revoked ones too, oldest first',
        tags: ['admin'],
        params: idParams,
        querystring: pageQuery,
        response: { 200: pageOf(listedKeySchema), ...problemResponses },
      },
    },
    async (request) => {
      const page = await fromQuery({ cursor: 'cursor' }, () => listApiKeys(service, { accountId: request.params.id, ...request.query }));
      return { data: page.data.map(apiKeyView), nextCursor: page.nextCursor };
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
