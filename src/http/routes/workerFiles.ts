import type { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { storeRemoteFile } from '../../service/index.js';
import type { AppDeps } from '../deps.js';
import { jobIdParamsSchema, problemResponses } from '../schemas.js';
import { attemptOf, leaseHeadersSchema } from './workerLease.js';

/** DEFAULT_WORKER_FILE_MAX_BYTES is the largest file a remote worker may upload unless configured (50 MiB, as `--render-max-bytes`). */
export const DEFAULT_WORKER_FILE_MAX_BYTES = 50 * 1024 * 1024;

/**
 * workerFileRoutes: a remote worker uploads one output file of its attempt. Its own plugin, so its
 * body parser (any media type, raw bytes) applies to this route alone.
 *
 * The body is streamed into the file store as it arrives, never held whole; past
 * `workerFileMaxBytes` the store stops reading and answers 413, keeping nothing.
 */
export const workerFileRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const maxBytes = deps.workerFileMaxBytes ?? DEFAULT_WORKER_FILE_MAX_BYTES;
  app.removeAllContentTypeParsers();
  // The raw request stream is the body: the file store reads it, and enforces the limit itself.
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  app.put<{ Params: { id: string; name: string } }>(
    '/v1/worker/jobs/:id/files/:name',
    {
      schema: {
        summary: 'Upload an output file',
        description:
          'The body is the file’s bytes (any Content-Type; the stored type follows the name’s extension). The same name replaces the file. Answers the file as the job’s output lists it; list it in `output.files` on complete.',
        tags: ['worker'],
        params: { ...jobIdParamsSchema, properties: { ...jobIdParamsSchema.properties, name: { type: 'string', maxLength: 200 } }, required: ['id', 'name'] },
        headers: leaseHeadersSchema,
        response: {
          201: {
            type: 'object',
            properties: { name: { type: 'string' }, url: { type: 'string' }, contentType: { type: 'string' }, size: { type: 'integer' } },
          },
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      // No body at all (Content-Length: 0) is an empty file.
      const data = (request.body as Readable | undefined) ?? Buffer.alloc(0);
      const stored = await storeRemoteFile(deps.service, attemptOf(request), { name: request.params.name, data, maxBytes });
      return reply.code(201).send(stored);
    },
  );
};
