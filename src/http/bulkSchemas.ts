import { ERROR_CODES, JOB_FILTER_FIELDS } from '../domain/index.js';
import { BULK_LIMIT } from '../service/index.js';

/** bulkBodySchema is `POST /v1/jobs/bulk`'s body. */
export const bulkBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['action'],
  examples: [{ action: 'cancel', filter: { status: 'pending', metadata: 'batch:7' }, dryRun: true }],
  properties: {
    action: { type: 'string', enum: ['cancel', 'rerun'], description: 'cancel moves pending and running jobs to cancelled (refunded); rerun copies final jobs as new jobs.' },
    ids: {
      type: 'array',
      minItems: 1,
      maxItems: BULK_LIMIT,
      items: { type: 'string', maxLength: 100 },
      description: `Up to ${BULK_LIMIT} job ids; each is tried and answered. Give this or \`filter\`.`,
    },
    filter: {
      type: 'object',
      additionalProperties: false,
      properties: JOB_FILTER_FIELDS,
      description: `The jobs a list with these filters shows, of those the action applies to, newest first, up to ${BULK_LIMIT}. Give this or \`ids\`.`,
    },
    dryRun: { type: 'boolean', default: false, description: 'Count the jobs the action would touch; change nothing.' },
  },
} as const;

/** bulkResultSchema is `POST /v1/jobs/bulk`'s answer. */
export const bulkResultSchema = {
  type: 'object',
  properties: {
    action: { type: 'string', enum: ['cancel', 'rerun'] },
    dryRun: { type: 'boolean' },
    count: { type: 'integer', description: `Jobs this request acted on (a dry run: would act on), at most ${BULK_LIMIT}.` },
    hasMore: { type: 'boolean', description: 'The filter matches more jobs the action applies to than one request takes; send it again.' },
    results: {
      type: 'array',
      description: 'One entry per job acted on, in order; empty in a dry run.',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string', description: 'The job acted on.' },
          ok: { type: 'boolean' },
          jobId: { type: 'string', description: 'The rerun’s new job.' },
          error: {
            type: 'object',
            description: 'Why this job was not changed (e.g. `job_not_found`, `job_not_cancellable`).',
            properties: { code: { type: 'string', enum: ERROR_CODES }, message: { type: 'string' } },
          },
        },
      },
    },
  },
} as const;
