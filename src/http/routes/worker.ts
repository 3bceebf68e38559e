import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { JobError, JsonValue } from '../../domain/index.js';
import { claimedFromJob } from '../../worker/index.js';
import {
  type ClaimedAttempt,
  type RemoteHeartbeat,
  claimForRemoteWorker,
  completeRemote,
  failRemote,
  heartbeatRemote,
  releaseRemote,
} from '../../service/index.js';
import { requireWorker } from '../auth.js';
import type { AppDeps } from '../deps.js';
import { jobView } from '../jobView.js';
import { jobIdParamsSchema, problemResponses } from '../schemas.js';
import { workerAccountJobRoutes } from './workerAccountJobs.js';
import { workerFileRoutes } from './workerFiles.js';
import { attemptOf, leaseHeadersSchema } from './workerLease.js';

/** MAX_CLAIM_WAIT_S bounds a claim's long-poll: well under the 60 s idle timeouts of common proxies (as SQS's 20 s). */
export const MAX_CLAIM_WAIT_S = 20;

const claimBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['max'],
  examples: [{ workerId: 'wrk_01JD3X9Q7M5V2K8R4T6W0YB1NC', types: ['py/reverse'], max: 4, waitSeconds: 20 }],
  properties: {
    workerId: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,100}$', description: 'This worker’s id, from its first claim’s answer; omitted, one is made.' },
    types: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'string', maxLength: 100 }, description: 'Some of the worker key’s types; omitted, all of them.' },
    max: { type: 'integer', minimum: 1, maximum: 32, description: 'Most jobs to take (free slots).' },
    waitSeconds: { type: 'integer', minimum: 0, maximum: MAX_CLAIM_WAIT_S, default: 0, description: 'Wait this long for a job when none is due.' },
    concurrency: { type: 'integer', minimum: 1, maximum: 10_000, description: 'The worker’s slots, shown to operators; omitted, `max`.' },
    host: { type: 'string', minLength: 1, maxLength: 200, description: 'Where the worker runs, shown to operators; omitted, the address it called from.' },
  },
} as const;

const claimedJobSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    type: { type: 'string' },
    input: { type: 'object', additionalProperties: true, description: 'The whole input, private fields included.' },
    attempt: { type: 'integer', description: 'This attempt’s number, from 1.' },
    maxAttempts: { type: 'integer' },
    metadata: { type: 'object', additionalProperties: true },
    timeoutMs: { type: 'integer', description: 'The attempt must end within this many ms of the claim.' },
    leaseToken: { type: 'string', description: 'Send it as `Longrun-Lease` with every write of this attempt.' },
    leaseExpiresAt: { type: 'string', format: 'date-time' },
    checkpoint: { description: 'What an earlier attempt’s last heartbeat stored, or null.' },
  },
} as const;

const heartbeatBodySchema = {
  type: 'object',
  additionalProperties: false,
  examples: [{ progress: 50, statusMessage: 'halfway', checkpoint: { frame: 120 } }],
  properties: {
    progress: { type: 'number', minimum: 0, maximum: 100, description: 'Recorded as 0–99 (100 is for completion).' },
    statusMessage: { type: ['string', 'null'], maxLength: 500 },
    checkpoint: { description: 'Any JSON value up to 64 KiB, handed to the next attempt if this one dies; null clears it.' },
  },
} as const;

const failBodySchema = {
  type: 'object',
  additionalProperties: false,
  examples: [{ error: { code: 'gpu_out_of_memory', message: 'CUDA out of memory' }, retryable: true }],
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      additionalProperties: false,
      required: ['code'],
      properties: {
        code: { type: 'string', pattern: '^[a-z0-9][a-z0-9_.-]{0,63}$', description: 'A stable code of the worker’s choosing.' },
        message: { type: 'string', maxLength: 2000 },
      },
    },
    retryable: { type: 'boolean', default: true, description: 'false fails the job for good; true retries it while attempts remain.' },
  },
} as const;

const job = { $ref: 'Job#' } as const;
const tags = ['worker'];

/**
 * claimedView is a claimed job as a remote worker gets it: what an in-process worker gets
 * (claimedFromJob), with the lease's end as a time instead of its length, and the checkpoint.
 */
function claimedView({ job, checkpoint }: ClaimedAttempt) {
  const { leaseMs: _leaseMs, eventSeq: _eventSeq, ...claimed } = claimedFromJob(job, 0);
  return { ...claimed, leaseExpiresAt: job.leaseExpiresAt?.toISOString() ?? null, checkpoint };
}

/**
 * workerRoutes: the HTTP worker protocol (/v1/worker/*), for worker keys only. A remote worker
 * claims jobs (long-polling), heartbeats them, uploads files and completes, fails or releases
 * them; every write presents the attempt's lease as `Longrun-Lease`.
 */
export const workerRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const service = deps.service;
  // A claim long-polls; the server's close must not wait it out.
  const shutdown = new AbortController();
  app.addHook('preClose', async () => shutdown.abort());
  app.addHook('onRequest', requireWorker(service, deps.adminKey));

  app.get(
    '/v1/worker/key',
    {
      schema: {
        summary: 'The worker key and its types',
        description: 'Which worker key this is and which job types it may claim, so a worker can check what it was told to run before it claims.',
        tags,
        response: {
          200: {
            type: 'object',
            properties: { id: { type: 'string' }, name: { type: 'string' }, types: { type: 'array', items: { type: 'string' } } },
          },
          ...problemResponses,
        },
      },
    },
    async (request) => ({ id: request.worker.keyId, name: request.worker.name, types: [...request.worker.types] }),
  );

  app.post<{ Body: { workerId?: string; types?: string[]; max: number; waitSeconds: number; concurrency?: number; host?: string } }>(
    '/v1/worker/claim',
    {
      schema: {
        summary: 'Claim jobs (long-poll)',
        description:
          'Takes up to `max` due jobs of the key’s types, highest priority first, each under a fresh lease. When none is due it waits up to `waitSeconds` and answers as soon as one is created or handed back (on any API node); `jobs` is empty when none came. A client that disconnects takes nothing.',
        tags,
        body: claimBodySchema,
        response: {
          200: {
            type: 'object',
            properties: {
              workerId: { type: 'string', description: 'Send it back as `workerId` in later claims.' },
              leaseMs: { type: 'integer', description: 'How long a lease lasts without a heartbeat; heartbeat about every third of it.' },
              jobs: { type: 'array', items: claimedJobSchema },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const { workerId, types, max, waitSeconds, concurrency, host } = request.body;
      const signal = AbortSignal.any([clientGone(reply), shutdown.signal]);
      const claimed = await claimForRemoteWorker(
        service,
        request.worker,
        { workerId, types, max, waitMs: waitSeconds * 1000, concurrency, host: host ?? request.ip },
        signal,
      );
      return { workerId: claimed.workerId, leaseMs: service.config.leaseMs, jobs: claimed.attempts.map(claimedView) };
    },
  );

  app.post<{ Params: { id: string }; Body: RemoteHeartbeat | undefined }>(
    '/v1/worker/jobs/:id/heartbeat',
    {
      schema: {
        summary: 'Extend the lease, report progress, store a checkpoint',
        description: 'A `409 lease_lost` answer means stop: its `reason` says why (a cancel arrives this way).',
        tags,
        params: jobIdParamsSchema,
        headers: leaseHeadersSchema,
        body: heartbeatBodySchema,
        response: {
          200: {
            type: 'object',
            properties: {
              id: { type: 'string' },
              leaseExpiresAt: { type: 'string', format: 'date-time' },
              progress: { type: 'integer' },
              statusMessage: { type: ['string', 'null'] },
            },
          },
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const beat = await heartbeatRemote(service, attemptOf(request), request.body ?? {});
      return { id: beat.id, leaseExpiresAt: beat.leaseExpiresAt?.toISOString(), progress: beat.progress, statusMessage: beat.statusMessage };
    },
  );

  app.post<{ Params: { id: string }; Body: { output?: JsonValue } }>(
    '/v1/worker/jobs/:id/complete',
    {
      schema: {
        summary: 'Complete the job with its output',
        description:
          'Files listed in `output.files[].name` must have been uploaded; their bytes are the job’s `size`. Repeated with the same lease after it succeeded, it answers 200 with the job again.',
        tags,
        params: jobIdParamsSchema,
        headers: leaseHeadersSchema,
        body: {
          type: 'object',
          additionalProperties: false,
          examples: [{ output: { text: 'olleh', files: [{ name: 'out.txt' }] } }],
          properties: { output: { description: 'Any JSON value; omitted, null.' } },
        },
        response: { 200: job, ...problemResponses },
      },
    },
    async (request) => jobView(await completeRemote(service, attemptOf(request), { output: request.body?.output ?? null })),
  );

  app.post<{ Params: { id: string }; Body: { error: JobError; retryable: boolean } }>(
    '/v1/worker/jobs/:id/fail',
    {
      schema: {
        summary: 'Fail the attempt',
        description: 'Retried after a backoff while the job has attempts left and `retryable` is true; otherwise the job fails (and is refunded).',
        tags,
        params: jobIdParamsSchema,
        headers: leaseHeadersSchema,
        body: failBodySchema,
        response: { 200: job, ...problemResponses },
      },
    },
    async (request) => jobView(await failRemote(service, attemptOf(request), request.body)),
  );

  app.post<{ Params: { id: string } }>(
    '/v1/worker/jobs/:id/release',
    {
      schema: {
        summary: 'Hand the job back untouched',
        description: 'Back to pending at once, the attempt not counted: for a worker shutting down.',
        tags,
        params: jobIdParamsSchema,
        headers: leaseHeadersSchema,
        response: { 200: job, ...problemResponses },
      },
    },
    async (request) => jobView(await releaseRemote(service, attemptOf(request))),
  );

  await app.register(workerFileRoutes, { deps });
  await app.register(workerAccountJobRoutes, { deps });
};

/** clientGone fires when the client goes away, so a claim stops waiting and takes nothing. */
function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => controller.abort());
  return controller.signal;
}
