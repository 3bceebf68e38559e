import { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { type JobFileDownload, openJobFile } from '../../service/index.js';
import type { AppDeps } from '../deps.js';
import { parseByteRange } from '../range.js';
import { requireAccount } from '../auth.js';
import { fileResponses, problemResponses, rangeHeadersSchema } from '../schemas.js';

const fileParamsSchema = {
  type: 'object',
  properties: { id: { type: 'string', maxLength: 100 }, name: { type: 'string', maxLength: 200 } },
  required: ['id', 'name'],
} as const;

/**
 * fileRoutes: download a job's output file, owner only. `Range: bytes=…` (one range) answers
 * 206 with `Content-Range`; a range past the end answers 416; `HEAD` answers the headers alone.
 * With `--files s3 --files-redirect N`, a GET answers 302 to a presigned URL of the object instead.
 */
export const fileRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const service = deps.service;
  app.addHook('onRequest', requireAccount(service, deps.rateLimiter ?? null, { adminKey: deps.adminKey }));

  app.get<{ Params: { id: string; name: string } }>(
    '/v1/jobs/:id/files/:name',
    {
      exposeHeadRoute: true,
      schema: {
        summary: "Download a job's output file",
        description:
          'Listed in the job\'s `output.files`. Supports one `Range: bytes=start-end` (206, or 416 past the end) and `HEAD`. ' +
          'With `--files s3 --files-redirect N` a GET answers `302` to a presigned URL of the object, valid N seconds (send the `Range` there).',
        tags: ['jobs'],
        params: fileParamsSchema,
        headers: rangeHeadersSchema,
        response: { ...fileResponses, ...problemResponses },
      },
    },
    async (request, reply) => {
      const download = await openJobFile(service, request.principal, {
        jobId: request.params.id,
        name: request.params.name,
        range: requestedRange(request),
        metadataOnly: request.method === 'HEAD',
      });
      return sendJobFile(reply, download);
    },
  );
};

/** requestedRange is the request's one `Range: bytes=…`, or null. */
export function requestedRange(request: FastifyRequest) {
  const rangeHeader = request.headers.range;
  return parseByteRange(Array.isArray(rangeHeader) ? undefined : rangeHeader);
}

/**
 * sendJobFile answers with an opened output file: a redirect to the file store's own URL, or the
 * bytes (206 with Content-Range for a range), never cached. `inline` shows an image in the browser
 * (a signed link opened in a tab); anything else is always an attachment, so no output is ever run
 * as a page of this origin.
 */
export function sendJobFile(reply: FastifyReply, { file, range, body, redirect }: JobFileDownload, inline = false): FastifyReply {
  if (redirect) return reply.code(302).header('location', redirect).header('cache-control', 'private, no-store').send();
  reply
    .header('content-type', file.contentType)
    .header('accept-ranges', 'bytes')
    .header('cache-control', 'private, no-store')
    .header('x-content-type-options', 'nosniff')
    .header('content-disposition', `${inline && file.contentType.startsWith('image/') ? 'inline' : 'attachment'}; filename="${file.name}"`);
  if (range) {
    reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${file.size}`);
    reply.header('content-length', String(range.end - range.start + 1));
  } else {
    reply.header('content-length', String(file.size));
  }
  // HEAD: an empty stream keeps our Content-Length (Fastify would count a string body).
  return reply.send(body ?? Readable.from([]));
}
