import type { FastifyPluginAsync } from 'fastify';
import { listDeliveries, redeliver, rotateWebhookSecret } from '../../service/index.js';
import type { AppDeps } from '../deps.js';
import { requireAccount } from '../auth.js';
import { deliveryParamsSchema, jobIdParamsSchema, problemResponses } from '../schemas.js';
import { deliveryView } from '../views.js';

/** MAX_GRACE_SECONDS bounds how long a rotated-out secret may keep signing (7 days). */
const MAX_GRACE_SECONDS = 7 * 24 * 60 * 60;

/** webhookRoutes: a job's webhook deliveries and their redelivery, and the account's secret rotation. */
export const webhookRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const service = deps.service;
  app.addHook('onRequest', requireAccount(service, deps.rateLimiter ?? null, { adminKey: deps.adminKey }));

  app.get<{ Params: { id: string } }>(
    '/v1/jobs/:id/deliveries',
    {
      schema: {
        summary: 'The job’s webhook deliveries and every attempt to send them',
        tags: ['webhooks'],
        params: jobIdParamsSchema,
        response: {
          200: { type: 'object', properties: { deliveries: { type: 'array', items: { $ref: 'Delivery#' } } } },
          ...problemResponses,
        },
      },
    },
    async (request) => ({ deliveries: (await listDeliveries(service, request.principal, request.params.id)).map(deliveryView) }),
  );

  app.post<{ Params: { id: string; deliveryId: string } }>(
    '/v1/jobs/:id/deliveries/:deliveryId/redeliver',
    {
      schema: {
        summary: 'Send a delivery again now, under the same webhook-id',
        description:
          'A pending delivery is sent now and keeps its retries; a succeeded or failed one gets one more attempt, without automatic retries. The attempt appears in the deliveries list.',
        tags: ['webhooks'],
        params: deliveryParamsSchema,
        response: { 202: { $ref: 'Delivery#' }, ...problemResponses },
      },
    },
    async (request, reply) => {
      const delivery = await redeliver(service, request.principal, request.params.id, request.params.deliveryId);
      return reply.code(202).send(deliveryView(delivery));
    },
  );

  app.post<{ Body: { gracePeriodSeconds?: number } | undefined }>(
    '/v1/account/webhook-secret/rotate',
    {
      schema: {
        summary: 'Issue a new webhook secret; the old one keeps signing alongside for a grace period',
        tags: ['webhooks'],
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          examples: [{ gracePeriodSeconds: 86400 }],
          properties: {
            gracePeriodSeconds: {
              type: 'integer',
              minimum: 0,
              maximum: MAX_GRACE_SECONDS,
              description: 'How long the old secret keeps signing (default 86400, 24 h; 0 stops it at once).',
            },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              webhookSecret: { type: 'string', description: 'The new secret (`whsec_…`); also in GET /v1/account.' },
              previousSecretExpiresAt: { type: 'string', format: 'date-time', description: 'Until then, messages carry a second signature made with the old secret.' },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const seconds = request.body?.gracePeriodSeconds;
      const rotated = await rotateWebhookSecret(service, request.principal, seconds === undefined ? {} : { graceMs: seconds * 1000 });
      return { webhookSecret: rotated.account.webhookSecret, previousSecretExpiresAt: rotated.previousSecretExpiresAt.toISOString() };
    },
  );
};
