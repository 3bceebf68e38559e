/** How the API shows a job type: in GET /v1/job-types, and a declared one as the admin routes answer it. */
import type { DeclaredJobType } from '../domain/index.js';
import type { ListedJobType } from '../service/index.js';

const specProperties = {
  type: { type: 'string', description: 'The name jobs give as `type`, e.g. `demo/sleep`.' },
  description: { type: 'string' },
  creditCost: { type: 'integer', description: 'Charged when a job is created; refunded if it fails or is cancelled.' },
  inputSchema: { type: 'object', additionalProperties: true, description: 'The JSON Schema a job’s `input` must match.' },
  privateFields: { type: 'array', items: { type: 'string' }, description: 'Input fields kept for the worker and never shown back.' },
  timeoutMs: { type: 'integer', description: 'One attempt’s time limit unless a job sets its own.' },
  maxAttempts: { type: 'integer', description: 'Attempts unless a job sets its own.' },
  runsOn: {
    type: 'string',
    enum: ['local', 'remote'],
    description: '`local`: Longrun’s own workers run it (built in or `--handlers`); `remote`: declared without code, run by a worker over the HTTP worker protocol.',
  },
  unavailable: {
    type: 'string',
    description: 'Only on a built-in type this server cannot run, and why (its program is not installed, e.g. ffmpeg for `video/slideshow`); jobs of it are refused with `unknown_job_type` until it can.',
  },
} as const;

/** listedJobTypeSchema is one entry of GET /v1/job-types. */
export const listedJobTypeSchema = { type: 'object', properties: specProperties } as const;

/** declaredJobTypeSchema is a declared job type as the admin routes answer it. */
export const declaredJobTypeSchema = {
  type: 'object',
  description: 'A job type declared without code; its jobs wait for a remote worker.',
  properties: {
    ...specProperties,
    revision: { type: 'string', description: 'Changes at every put.' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time', description: 'When the spec was last put.' },
  },
} as const;

/** listedJobTypeView is a job type as GET /v1/job-types lists it. */
export function listedJobTypeView(t: ListedJobType) {
  return {
    type: t.type,
    description: t.description,
    creditCost: t.creditCost,
    inputSchema: t.inputSchema,
    privateFields: [...(t.privateFields ?? [])],
    timeoutMs: t.timeoutMs,
    maxAttempts: t.maxAttempts,
    runsOn: t.runsOn,
    ...(t.unavailable === undefined ? {} : { unavailable: t.unavailable }),
  };
}

/** declaredJobTypeView is a declared job type as the admin routes (and `longrun types`) show it. */
export function declaredJobTypeView(t: DeclaredJobType) {
  return {
    ...listedJobTypeView({ ...t, runsOn: 'remote' }),
    revision: t.revision,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}
