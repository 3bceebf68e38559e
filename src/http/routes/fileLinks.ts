import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { FILE_LINK_DEFAULT_SECONDS, FILE_LINK_MAX_SECONDS, type FileLink, openSignedJobFile, signJobFileLink } from '../../service/index.js';
import { requireAccount } from '../auth.js';
import type { AppDeps } from '../deps.js';
import { requestOrigin } from '../origin.js';
import { fileResponses, problemResponses, rangeHeadersSchema } from '../schemas.js';
import { requestedRange, sendJobFile } from './files.js';

const fileParamsSchema = {
  type: 'object',
  properties: { id: { type: 'string', maxLength: 100 }, name: { type: 'string', maxLength: 200 } },
  required: ['id', 'name'],
} as const;

/** signedFilePath is where a signed link downloads, relative to the API's origin. */
export function signedFilePath(link: FileLink): string {
  return `/v1/signed/jobs/${link.jobId}/files/${encodeURIComponent(link.name)}?expires=${link.expires}&signature=${link.signature}`;
}

/** fileLinkUrl is a signed link as an absolute URL, on the origin the client reached. */
export function fileLinkUrl(request: FastifyRequest, link: FileLink): string {
  return `${requestOrigin(request)}${signedFilePath(link)}`;
}

/**
 * fileLinkRoutes: signed, expiring download links to a job's output files. The owner asks for a
 * link (`GET /v1/jobs/:id/files/:name/link`); whoever holds it downloads that one file with no key
 * until it expires, as from a CDN (`GET /v1/signed/jobs/:id/files/:name?expires=&signature=`).
 */
export const fileLinkRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const service = deps.service;

  app.get<{ Params: { id: string; name: string }; Querystring: { expiresIn: number } }>(
    '/v1/jobs/:id/files/:name/link',
    {
      onRequest: requireAccount(service, deps.rateLimiter ?? null, { adminKey: deps.adminKey }),
      schema: {
        summary: 'Get a signed, expiring download link to an output file',
        description: 'Anyone holding the URL downloads the file with no key until `expiresAt`. Rotating the account’s webhook secret revokes every link given before.',
        tags: ['jobs'],
        params: fileParamsSchema,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            expiresIn: { type: 'integer', minimum: 1, maximum: FILE_LINK_MAX_SECONDS, default: FILE_LINK_DEFAULT_SECONDS, description: `Seconds the link works (1–${FILE_LINK_MAX_SECONDS}, default ${FILE_LINK_DEFAULT_SECONDS}).` },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              url: { type: 'string', description: 'The absolute download URL, on the origin this request reached.' },
              expiresAt: { type: 'string', format: 'date-time', description: 'When the link stops working.' },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const link = await signJobFileLink(service, request.principal, { jobId: request.params.id, name: request.params.name, seconds: request.query.expiresIn });
      return { url: fileLinkUrl(request, link), expiresAt: new Date(link.expires * 1000).toISOString() };
    },
  );

  app.get<{ Params: { id: string; name: string }; Querystring: { expires: number; signature: string } }>(
    '/v1/signed/jobs/:id/files/:name',
    {
      exposeHeadRoute: true,
      schema: {
        summary: 'Download an output file through a signed link (no key)',
        description: 'A wrong signature or an expired link is 403. Images show inline; other files download. Supports one `Range` and `HEAD`.',
        tags: ['jobs'],
        params: fileParamsSchema,
        headers: rangeHeadersSchema,
        querystring: {
          type: 'object',
          required: ['expires', 'signature'],
          properties: {
            expires: { type: 'integer', minimum: 0, description: 'Unix time the link stops working, as signed.' },
            signature: { type: 'string', maxLength: 128, description: 'The link’s signature.' },
          },
        },
        response: { ...fileResponses, ...problemResponses },
      },
    },
    async (request, reply) => {
      const link = { jobId: request.params.id, name: request.params.name, expires: request.query.expires, signature: request.query.signature };
      const download = await openSignedJobFile(service, link, { range: requestedRange(request), metadataOnly: request.method === 'HEAD' });
      return sendJobFile(reply, download, true);
    },
  );
};
