import { JOB_STATUSES, type JobStatus } from './job.js';
import { PATTERN_MESSAGE } from './schemaProblem.js';

/**
 * JobFilter selects an account's jobs: by status (any of several) and by type. `GET /v1/jobs`
 * takes it from its query, `jobs/export` from its input; both parse it here, so the two cannot
 * drift apart.
 */
export interface JobFilter {
  statuses?: JobStatus[];
  type?: string;
}

/**
 * JOB_FILTER_FIELDS are the JSON Schema properties of a job filter as clients write it:
 * `status`, one status or a comma list (`completed,failed`), and `type`.
 */
export const JOB_FILTER_FIELDS = {
  status: {
    type: 'string',
    pattern: `^(${JOB_STATUSES.join('|')})(,(${JOB_STATUSES.join('|')}))*$`,
    [PATTERN_MESSAGE]: `must be one of ${JOB_STATUSES.join(', ')}, or a comma list of them`,
    description: 'A status or a comma list.',
  },
  type: { type: 'string', maxLength: 100, description: 'Only jobs of this type.' },
} as const;

/** parseJobFilter turns the fields as written (already checked against JOB_FILTER_FIELDS) into a JobFilter. */
export function parseJobFilter(fields: { status?: string; type?: string }): JobFilter {
  return {
    statuses: fields.status ? ([...new Set(fields.status.split(','))] as JobStatus[]) : undefined,
    type: fields.type,
  };
}
