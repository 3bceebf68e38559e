import type { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { readRemoteJobFile, storeRemoteFile } from '../../service/index.js';
import type { AppDeps } from '../deps.js';
import { jobIdParamsSchema, problemResponses } from '../schemas.js';
import { attemptOf, leaseHeadersSchema } from './workerLease.js';

/** DEFAULT_WORKER_FILE_MAX_BYTES is the largest file a remote worker may upload unless configured (50 MiB, as `--render-max-bytes`). */
export const DEFAULT_WORKER_FILE_MAX_BYTES = 50 * 1024 * 1024;

/**
 * workerFileRoutes: a remote worker uploads one output file of its attempt, or reads an earlier
 * job's file its input names. Its own plugin, so its body parser (any media type, raw bytes)
 * applies to these routes alone.
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

  app.get<{ Params: { id: string; fromJob: string; name: string }; Querystring: { maxBytes: number } }>(
    '/v1/worker/jobs/:id/inputs/:fromJob/files/:name',
    {
      schema: {
        summary: 'Read an earlier job\'s file that the input names',
        description:
          'For an input `{ "fromJob", "file" }`: the file of that earlier job of the attempt\'s own account, as bytes. `404 input_file_missing` when the job is gone, did not complete or has no such file; `409 input_file_missing` while it is still pending or running; `413 input_too_large` past `maxBytes`.',
        tags: ['worker'],
        params: {
          type: 'object',
          properties: { id: { type: 'string', maxLength: 100 }, fromJob: { type: 'string', maxLength: 100 }, name: { type: 'string', maxLength: 200 } },
          required: ['id', 'fromJob', 'name'],
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { maxBytes: { type: 'integer', minimum: 1, maximum: maxBytes, default: maxBytes, description: 'The largest file the worker takes.' } },
        },
        headers: leaseHeadersSchema,
        response: { 200: { type: 'string', format: 'binary', description: 'The file\'s bytes.' }, ...problemResponses },
      },
    },
    async (request, reply) => {
      const data = await readRemoteJobFile(deps.service, attemptOf(request), { fromJob: request.params.fromJob, name: request.params.name, maxBytes: request.query.maxBytes });
      return reply.type('application/octet-stream').send(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    },
  );
};
