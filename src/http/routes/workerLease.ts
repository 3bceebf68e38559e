import type { FastifyRequest } from 'fastify';
import type { Attempt } from '../../service/index.js';

/** What every write of the worker protocol shares: the attempt it is for, fenced by its lease. */

/** leaseHeadersSchema is the `Longrun-Lease` header every write of an attempt carries. */
export const leaseHeadersSchema = {
  type: 'object',
  required: ['longrun-lease'],
  properties: { 'longrun-lease': { type: 'string', minLength: 1, maxLength: 200, description: 'The `leaseToken` the claim handed out for this attempt.' } },
} as const;

/** attemptOf reads the attempt a write is for: the job in the path and the lease in `Longrun-Lease`. */
export function attemptOf(request: FastifyRequest<{ Params: { id: string } }>): Attempt {
  return { id: request.params.id, leaseToken: String(request.headers['longrun-lease']) };
}

