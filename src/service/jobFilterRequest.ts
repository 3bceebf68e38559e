import { InvalidRequestError, type JobFilterRequest, type JobStatus } from '../domain/index.js';
import type { JobFilter } from '../store/index.js';

export type { JobFilterRequest };

/** jobFilterFrom reads a client's filter; a created range that ends before it starts is refused. */
export function jobFilterFrom(request: JobFilterRequest): JobFilter {
  const filter: JobFilter = {};
  if (request.status) filter.statuses = [...new Set(request.status.split(','))] as JobStatus[];
  if (request.type !== undefined) filter.type = request.type;
  if (request.metadata !== undefined) {
    const colon = request.metadata.indexOf(':');
    if (colon < 1) throw InvalidRequestError.field('/metadata', 'must be key:value');
    filter.metadata = { key: request.metadata.slice(0, colon), value: request.metadata.slice(colon + 1) };
  }
  if (request.errorCode !== undefined) filter.errorCode = request.errorCode;
  if (request.priority !== undefined) filter.priority = request.priority;
  if (request.originalJobId !== undefined) filter.originalJobId = request.originalJobId;
  if (request.createdFrom !== undefined) filter.createdFrom = new Date(request.createdFrom);
  if (request.createdTo !== undefined) filter.createdTo = new Date(request.createdTo);
  if (filter.createdFrom && filter.createdTo && filter.createdTo < filter.createdFrom) {
    throw InvalidRequestError.field('/createdTo', 'must not be before createdFrom');
  }
  return filter;
}

/** FILTER_FIELDS names each filter field, for routes that report a field problem as a query parameter. */
export const FILTER_FIELDS = {
  status: 'status',
  type: 'type',
  metadata: 'metadata',
  errorCode: 'errorCode',
  priority: 'priority',
  originalJobId: 'originalJobId',
  createdFrom: 'createdFrom',
  createdTo: 'createdTo',
} as const;
