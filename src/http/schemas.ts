import { MAX_START_WITHIN_MS } from '../service/index.js';
import { DELIVERY_STATES, ERROR_CODES, JOB_FILTER_FIELDS, JOB_STATUSES, MAX_AFTER, WEBHOOK_EVENTS } from '../domain/index.js';

/**
 * The JSON Schemas of the HTTP API. The same schemas validate requests, shape responses and
 * generate /openapi.json, so the documentation cannot drift from what the server does.
 * Shared schemas are registered by `$id` and referenced as `{ $ref: 'Job#' }`.
 */

const time = { type: 'string', format: 'date-time' } as const;
const nullableTime = { type: ['string', 'null'], format: 'date-time' } as const;
const anyJson = {} as const;

/** jobSchema is the job object (API.md, "The job object"). */
export const jobSchema = {
  $id: 'Job',
  type: 'object',
  description: 'A job: what was asked for, where it stands, and what it produced.',
  properties: {
    id: { type: 'string', description: 'Prefixed, time-sortable id (`job_…`).' },
    type: { type: 'string', description: 'The job type, e.g. `demo/sleep`.' },
    status: { type: 'string', enum: JOB_STATUSES, description: 'completed, failed and cancelled are final.' },
    progress: { type: 'integer', minimum: 0, maximum: 100, description: '0–100; exactly 100 once completed.' },
    statusMessage: { type: ['string', 'null'], description: 'A short text the job type sets.' },
    priority: { type: 'integer', description: '−100…100; higher runs first, ties oldest first.' },
    input: { type: 'object', additionalProperties: true, description: 'The input sent, minus the type’s private fields.' },
    output: { ...anyJson, description: 'The job type’s output once completed, else null.' },
    error: {
      type: ['object', 'null'],
      description: 'Why the job failed (or `{code: "cancelled"}` when cancelled while running).',
      properties: { code: { type: 'string' }, message: { type: 'string' } },
      required: ['code'],
    },
    attempts: { type: 'integer', description: 'Attempts started so far.' },
    maxAttempts: { type: 'integer', description: 'Attempts allowed before the job fails for good.' },
    timeoutMs: { type: 'integer', description: 'Time one attempt may run.' },
    accountId: { type: 'string' },
    apiKeyUsed: { type: ['string', 'null'], description: 'The masked key that created the job (`key_…a1b2`).' },
    worker: { type: ['string', 'null'], description: 'The worker that ran (or runs) the last attempt.' },
    size: { type: 'integer', description: 'Total bytes of the output files.' },
    processTime: { type: 'integer', description: 'The last finished attempt’s run time, in ms.' },
    creditsCharged: { type: 'integer' },
    creditsRefunded: { type: 'integer', description: 'The full charge once failed or cancelled, else 0.' },
    originalJobId: { type: ['string', 'null'], description: 'The job this one reruns.' },
    webhookUrl: { type: ['string', 'null'] },
    webhookEvents: { type: 'array', items: { type: 'string', enum: WEBHOOK_EVENTS } },
    metadata: { type: 'object', additionalProperties: true, description: 'The client’s own key-value data.' },
    runAt: { ...time, description: 'The earliest time a worker may start the job.' },
    startBy: { ...nullableTime, description: 'The deadline to start: a job still pending then fails with `expired` (refunded); null for none.' },
    after: {
      type: ['array', 'null'], items: { type: 'string' },
      description: 'The jobs this one waits for, as created; null for none. It starts once all have completed, and fails with `dependency_failed` (refunded) if one fails or is cancelled.',
    },
    waitingFor: {
      type: ['array', 'null'], items: { type: 'string' },
      description: 'The jobs of `after` not completed yet: empty once none is left or the job is no longer pending; null without `after`.',
    },
    createdAt: time,
    startedAt: { ...nullableTime, description: 'When the last attempt started.' },
    completedAt: nullableTime,
    failedAt: nullableTime,
    cancelledAt: nullableTime,
    updatedAt: time,
    queue: {
      type: 'object',
      description:
        'Only in `GET /v1/jobs/{id}` of a due pending job: its place in the claim order of its type (see docs/api.md "Claim order").',
      properties: {
        position: { type: 'integer', description: 'Jobs that start before this one (0: it is next), caps aside.' },
        positionIsLowerBound: { type: 'boolean', description: 'True when more jobs are ahead than were counted: `position` is "at least".' },
        estimatedStartAt: { ...nullableTime, description: 'A start estimate from the rate at which jobs of the type started lately; null with no recent starts.' },
      },
    },
    _links: {
      type: 'object',
      properties: { self: { type: 'string' }, events: { type: 'string' }, cancel: { type: 'string' }, rerun: { type: 'string' } },
    },
  },
} as const;

/** problemSchema is an RFC 9457 problem with Longrun's stable `code`. */
export const problemSchema = {
  $id: 'Problem',
  type: 'object',
  description: 'An error (application/problem+json, RFC 9457).',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', enum: ERROR_CODES },
    reason: {
      type: 'string',
      enum: ['cancelled', 'expired', 'timeout', 'superseded'],
      description: '`lease_lost` only: why the lease is no longer current (see the worker protocol in docs/api.md).',
    },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          path: { type: 'string', description: 'JSON pointer into the body, or the name of a query parameter or header.' },
          in: { type: 'string', enum: ['query', 'header', 'path'], description: 'Where the field is, when not in the body.' },
          message: { type: 'string' },
        },
      },
    },
  },
} as const;

/** accountSchema is `GET /v1/account`. */
export const accountSchema = {
  $id: 'Account',
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    credits: {
      type: 'object',
      properties: { balance: { type: ['integer', 'null'], description: 'null means unlimited.' } },
    },
    webhookSecret: { type: 'string', description: 'Signs this account’s webhooks (`whsec_…`).' },
    createdAt: time,
  },
} as const;

// The body /docs pre-fills for `POST /v1/jobs`: a built-in type every server runs, so "Try it
// out" creates a job on a fresh server.
const CREATE_JOB_EXAMPLE = { type: 'demo/sleep', input: { durationMs: 2000, steps: 4 }, metadata: { note: 'tried from /docs' } } as const;

/** createJobBodySchema is the `POST /v1/jobs` body. */
export const createJobBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  examples: [CREATE_JOB_EXAMPLE],
  properties: {
    type: { type: 'string', minLength: 1, maxLength: 100, description: 'A registered job type (GET /v1/job-types).' },
    input: { type: 'object', description: 'Validated against the job type’s input schema.' },
    priority: { type: 'integer', minimum: -100, maximum: 100, default: 0 },
    webhookUrl: { type: ['string', 'null'], minLength: 1, maxLength: 2048, description: 'POSTed to on the chosen events.' },
    webhookEvents: { type: 'array', items: { type: 'string', enum: WEBHOOK_EVENTS }, uniqueItems: true, minItems: 1 },
    metadata: { type: 'object', maxProperties: 50, description: 'Up to 50 keys of your own data, echoed back.' },
    runAt: { type: 'string', format: 'date-time', description: 'Do not start before this time.' },
    startBy: {
      type: 'string', format: 'date-time', maxLength: 40,
      description: 'Never start after this time (after now and runAt): a job not started by then fails with `expired`, refunded. Not with startWithinMs.',
    },
    startWithinMs: {
      type: 'integer', minimum: 1, maximum: MAX_START_WITHIN_MS,
      description: 'startBy as a window after runAt (or now), in ms, up to 30 days. Not with startBy.',
    },
    after: {
      type: 'array', items: { type: 'string' },
      description: `Up to ${MAX_AFTER} ids of this account's jobs that must complete before this one starts. If one fails or is cancelled, this job fails with \`dependency_failed\` and is refunded.`,
    },
    maxAttempts: { type: 'integer', minimum: 1, maximum: 100, description: 'Defaults to the job type’s.' },
    timeoutMs: { type: 'integer', minimum: 1, maximum: 86_400_000, description: 'Per attempt; defaults to the job type’s.' },
  },
} as const;

/** createJobsBodySchema is the `POST /v1/jobs/batch` body: `jobs`, each a `POST /v1/jobs` body. */
export function createJobsBodySchema(maxJobs: number) {
  const { examples: _one, ...item } = createJobBodySchema;
  return {
    type: 'object',
    additionalProperties: false,
    required: ['jobs'],
    examples: [{ jobs: [CREATE_JOB_EXAMPLE, { ...CREATE_JOB_EXAMPLE, priority: 10, metadata: { note: 'the second, sooner' } }] }],
    properties: {
      jobs: { type: 'array', minItems: 1, maxItems: maxJobs, items: item, description: `The jobs to create, 1 to ${maxJobs}, each a \`POST /v1/jobs\` body.` },
    },
  } as const;
}

/** windowQueryProperties are `from` and `to`, the time window of the usage and stats routes. */
export const windowQueryProperties = {
  from: { type: 'string', maxLength: 40, description: 'ISO 8601; inclusive.' },
  to: { type: 'string', maxLength: 40, description: 'ISO 8601; exclusive; default now.' },
} as const;

/** jobIdParamsSchema is `:id` in job routes. */
export const jobIdParamsSchema = {
  type: 'object',
  properties: { id: { type: 'string', maxLength: 100 } },
  required: ['id'],
} as const;

/** listJobsQuerySchema is `GET /v1/jobs`'s query. */
export const listJobsQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 25 },
    offset: { type: 'integer', minimum: 0, maximum: 10_000, default: 0, description: 'Prefer `cursor` deep in history.' },
    cursor: { type: 'string', maxLength: 200, description: 'The `nextCursor` of the previous page.' },
    ...JOB_FILTER_FIELDS,
  },
} as const;

/** waitQuerySchema is `GET /v1/jobs/:id?wait=N`. */
export const waitQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { wait: { type: 'integer', minimum: 1, maximum: 60, description: 'Hold up to N s until the job is final.' } },
} as const;

/** purgeQuerySchema is `DELETE /v1/jobs/:id?purge=true`. */
export const purgeQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { purge: { type: 'boolean', default: false, description: 'Delete the final job and its files now, instead of cancelling.' } },
} as const;

/** jobListSchema is the `GET /v1/jobs` answer. */
export const jobListSchema = {
  type: 'object',
  properties: {
    data: { type: 'array', items: { $ref: 'Job#' } },
    pagination: {
      type: 'object',
      properties: {
        limit: { type: 'integer' },
        offset: { type: 'integer' },
        total: { type: 'integer', description: 'Jobs matching the filters (at most 10,000 when `totalCapped`).' },
        totalCapped: { type: 'boolean', description: 'True when a filter other than status and type matched more than 10,000 jobs and counting stopped there.' },
        hasMore: { type: 'boolean' },
        nextCursor: { type: ['string', 'null'] },
      },
    },
  },
} as const;

/** deliverySchema is one webhook delivery with its attempts (`GET /v1/jobs/:id/deliveries`). */
export const deliverySchema = {
  $id: 'Delivery',
  type: 'object',
  description: 'One webhook message of one job event, and every attempt to send it.',
  properties: {
    id: { type: 'string', description: 'Sent as `webhook-id`; the same on every attempt and redelivery (`whd_…`).' },
    jobId: { type: 'string' },
    eventType: { type: 'string', enum: WEBHOOK_EVENTS },
    url: { type: 'string' },
    state: { type: 'string', enum: DELIVERY_STATES, description: 'pending (waiting for nextAttemptAt), delivering, succeeded or failed.' },
    attemptCount: { type: 'integer' },
    nextAttemptAt: { ...nullableTime, description: 'When the next attempt is due; null unless pending.' },
    createdAt: time,
    updatedAt: time,
    payload: { type: 'object', additionalProperties: true, description: 'The body sent: `{ type, timestamp, data: job }`.' },
    attempts: {
      type: 'array',
      description: 'Every attempt, oldest first.',
      items: {
        type: 'object',
        properties: {
          attempt: { type: 'integer', description: 'Numbered from 1.' },
          at: { ...time, description: 'When the attempt started.' },
          statusCode: { type: ['integer', 'null'], description: 'The receiver’s answer; null when there was none.' },
          error: { type: ['string', 'null'], description: 'Why the attempt failed without a usable answer (timeout, refused target, redirect…).' },
          durationMs: { type: 'integer' },
        },
      },
    },
  },
} as const;

/** deliveryParamsSchema is `:id` and `:deliveryId` in delivery routes. */
export const deliveryParamsSchema = {
  type: 'object',
  properties: { id: { type: 'string', maxLength: 100 }, deliveryId: { type: 'string', maxLength: 100 } },
  required: ['id', 'deliveryId'],
} as const;

const problem = { content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } } } as const;

/**
 * problemResponses documents the error answers every route may give, as application/problem+json
 * (keyed by media type, Fastify also serializes problems with the Problem schema).
 */
export const problemResponses = {
  '4xx': { description: 'A problem with the request (RFC 9457); `code` says which.', ...problem },
  '5xx': { description: 'A fault of the server (RFC 9457); `code` says which.', ...problem },
} as const;

/** eventStreamResponse documents a `text/event-stream` answer; the stream is written raw, never serialized. */
export function eventStreamResponse(description: string) {
  return { 200: { description, content: { 'text/event-stream': { schema: { type: 'string', description } } } } } as const;
}

/** fileResponses documents a file download: the bytes, whole (200) or one range (206), typed by the file. */
export const fileResponses = {
  200: { description: 'The file; Content-Type is the file’s own (PDF, PNG…).', content: { '*/*': { schema: { type: 'string', format: 'binary' } } } },
  206: { description: 'The asked range, with Content-Range.', content: { '*/*': { schema: { type: 'string', format: 'binary' } } } },
  302: {
    description: 'Only with `--files s3 --files-redirect N`: the file is at the presigned URL in Location, valid N seconds.',
    headers: { location: { schema: { type: 'string', format: 'uri' } } },
  },
} as const;

/** NO_KEY marks a route that needs no API key (no padlock in /docs). */
export const NO_KEY = { security: [] as never[] } as const;

// Request headers are documented here and checked by the routes, which name the header in their
// problems; as schemas they only say "a string", so they can never refuse what the routes accept.

/** createJobHeadersSchema documents `POST /v1/jobs`'s request headers. */
export const createJobHeadersSchema = {
  type: 'object',
  properties: {
    prefer: { type: 'string', description: '`wait=N` (1–60): answer once the job is final or N s pass (RFC 7240).', examples: ['wait=10'] },
    'idempotency-key': {
      type: 'string',
      description: '1–255 characters. The same key within 24 h replays the first answer (200, `Idempotent-Replayed: true`); with another body, 409.',
      examples: ['order-1234'],
    },
  },
} as const;

/** eventStreamHeadersSchema documents `GET /v1/jobs/:id/events`'s request headers. */
export const eventStreamHeadersSchema = {
  type: 'object',
  properties: {
    'last-event-id': { type: 'string', description: 'The `id` (eventSeq) of the last message seen: resume after it.', examples: ['3'] },
  },
} as const;

/** rangeHeadersSchema documents the file download's request headers. */
export const rangeHeadersSchema = {
  type: 'object',
  properties: {
    range: { type: 'string', description: 'One byte range, `bytes=start-end`, `bytes=start-` or `bytes=-suffix`.', examples: ['bytes=0-1023'] },
  },
} as const;

/** SHARED_SCHEMAS are registered on the app so routes can `$ref` them. */
export const SHARED_SCHEMAS = [jobSchema, problemSchema, accountSchema, deliverySchema];
