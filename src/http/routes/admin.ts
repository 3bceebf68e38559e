import type { FastifyPluginAsync } from 'fastify';
import {
  adjustCredits,
  createAccount,
  createApiKey,
  getAccount,
  getAccountScheduling,
  listAccounts,
  MAX_CONCURRENCY_CAP,
  MAX_WEIGHT,
  listApiKeys,
  revokeApiKey,
  setAccountScheduling,
} from '../../service/index.js';
import type { AccountScheduling, SchedulingChange } from '../../store/index.js';
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
const capSchema = (what: string) => ({ type: ['integer', 'null'], minimum: 0, maximum: MAX_CONCURRENCY_CAP, description: what }) as const;
const schedulingSchema = {
  type: 'object',
  description: 'The account\'s share of the queue and its caps on running jobs (fair scheduling; see docs/api.md "Claim order").',
  properties: {
    weight: { type: 'number', description: 'Turns the account gets within a priority level, relative to others (default 1).' },
    maxConcurrency: capSchema('At most this many of the account\'s jobs run at once; null: no cap.'),
    maxConcurrencyByType: { type: 'object', additionalProperties: { type: 'integer' }, description: 'Caps per job type, by type name.' },
    running: { type: ['integer', 'null'], description: 'The account\'s running jobs as its cap counts them; null without an account cap.' },
  },
} as const;
const accountWithScheduling = { type: 'object', properties: { account: { $ref: 'Account#' }, scheduling: schedulingSchema } } as const;
const schedulingView = (s: AccountScheduling) => ({ weight: s.weight, maxConcurrency: s.maxConcurrency, maxConcurrencyByType: s.maxConcurrencyByType, running: s.running });

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

  app.get<{ Params: { id: string } }>(
    '/v1/admin/accounts/:id',
    { schema: { summary: 'Get an account with its weight and caps', tags: ['admin'], params: idParams, response: { 200: accountWithScheduling, ...problemResponses } } },
    async (request) => {
      const [account, scheduling] = await Promise.all([getAccount(service, request.params.id), getAccountScheduling(service, request.params.id)]);
      return { account: accountView(account), scheduling: schedulingView(scheduling) };
    },
  );

  app.post<{ Params: { id: string }; Body: SchedulingChange }>(
    '/v1/admin/accounts/:id',
    {
      schema: {
        summary: 'Change an account\'s weight and concurrency caps',
        description:
          'Fields left out stay as they are. `maxConcurrency: null` removes the account\'s cap; a `maxConcurrencyByType` entry set to null removes that type\'s. A new cap counts the jobs running as it is set; lowered below them, it lets no more start until they finish.',
        tags: ['admin'],
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          examples: [{ weight: 2, maxConcurrency: 10, maxConcurrencyByType: { 'url/pdf': 2 } }],
          properties: {
            weight: { type: 'number', exclusiveMinimum: 0, maximum: MAX_WEIGHT, description: 'The account\'s share (default 1): weight 2 gets two turns to a weight-1 account\'s one.' },
            maxConcurrency: capSchema('At most this many of the account\'s jobs run at once; null removes the cap.'),
            maxConcurrencyByType: {
              type: 'object',
              maxProperties: 100,
              propertyNames: { maxLength: 100 },
              additionalProperties: capSchema('At most this many of the account\'s jobs of the type run at once; null removes the cap.'),
              description: 'Caps per job type, by type name; types left out keep theirs.',
            },
          },
        },
        response: { 200: accountWithScheduling, ...problemResponses },
      },
    },
    async (request) => {
      const scheduling = await setAccountScheduling(service, { accountId: request.params.id, change: request.body });
      return { account: accountView(await getAccount(service, request.params.id)), scheduling: schedulingView(scheduling) };
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
