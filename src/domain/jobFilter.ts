import { JOB_STATUSES } from './job.js';
import { PATTERN_MESSAGE } from './schemaProblem.js';

/**
 * JobFilterRequest is a job filter as a client writes it: the list route's query parameters, a
 * bulk action's `filter`, the input of `jobs/export`. Every field given must hold. The service
 * reads it into the store's JobFilter (service/jobFilterRequest.ts), once for all of them.
 */
export interface JobFilterRequest {
  /** status is one status or a comma list. */
  status?: string;
  type?: string;
  /** metadata is `key:value`; the first `:` separates them. */
  metadata?: string;
  errorCode?: string;
  priority?: number;
  originalJobId?: string;
  /** createdFrom and createdTo are RFC 3339 times. */
  createdFrom?: string;
  createdTo?: string;
}

const statusList = `^(${JOB_STATUSES.join('|')})(,(${JOB_STATUSES.join('|')}))*$`;
const time = { type: 'string', format: 'date-time' } as const;

/** JOB_FILTER_FIELDS are the JSON Schema properties of a JobFilterRequest, for every schema that takes one. */
export const JOB_FILTER_FIELDS = {
  status: {
    type: 'string',
    pattern: statusList,
    [PATTERN_MESSAGE]: `must be one of ${JOB_STATUSES.join(', ')}, or a comma list of them`,
    description: 'A status or a comma list.',
  },
  type: { type: 'string', maxLength: 100, description: 'Only jobs of this type.' },
  metadata: {
    type: 'string',
    minLength: 3,
    maxLength: 300,
    pattern: '^[^:]+:',
    [PATTERN_MESSAGE]: 'must be key:value',
    description: '`key:value`: jobs whose metadata has this key with exactly this string value (the first `:` separates them).',
  },
  errorCode: { type: 'string', minLength: 1, maxLength: 100, description: 'Jobs whose `error.code` is this (e.g. `timeout`, `cancelled`).' },
  priority: { type: 'integer', minimum: -100, maximum: 100 },
  originalJobId: { type: 'string', maxLength: 100, description: 'The reruns of this job.' },
  createdFrom: { ...time, description: 'Jobs created at or after this time.' },
  createdTo: { ...time, description: 'Jobs created before this time.' },
} as const;
