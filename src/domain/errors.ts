import type { LeaseLostReason } from './worker.js';

/**
 * Typed errors. Each carries its stable problem `code` and HTTP `status`; the HTTP layer maps
 * every LongrunError to problem+json in one place, and every code is documented in docs/errors.md.
 */

/** FieldProblem names one bad field by JSON pointer (`/input/durationMs`). */
export interface FieldProblem {
  path: string;
  message: string;
  /** in is where the field is, when it is not the JSON body: `query`, `header` or `path`. */
  in?: 'query' | 'header' | 'path';
}

/**
 * describeFieldProblem is a field problem as one line, `/input/durationMs: must be integer` (or
 * `query limit: …`): how a problem's `detail` and the CLI name a field.
 */
export function describeFieldProblem(problem: FieldProblem): string {
  const field = [problem.in, problem.path].filter(Boolean).join(' ') || 'body';
  return `${field}: ${problem.message}`;
}

/** LongrunError is the base of every error a client or a worker may be shown. */
export abstract class LongrunError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  abstract readonly title: string;
  /** errors lists field-level problems, when there are any. */
  errors?: FieldProblem[];
  /** retryAfterSeconds is when a retry may succeed, for errors that pass (the API sends it as `Retry-After`). */
  retryAfterSeconds?: number;
}

/** InvalidRequestError: the request is malformed or a field is out of bounds. */
export class InvalidRequestError extends LongrunError {
  readonly code = 'invalid_request';
  readonly title = 'Invalid request';
  readonly status: number;
  constructor(detail: string, errors?: FieldProblem[], status = 400) {
    super(detail);
    this.errors = errors;
    this.status = status;
  }
  /** InvalidRequestError.field is the error for one bad field. */
  static field(path: string, message: string, where?: FieldProblem['in']): InvalidRequestError {
    const problem: FieldProblem = where ? { path, message, in: where } : { path, message };
    return new InvalidRequestError(describeFieldProblem(problem), [problem]);
  }
}

/** UnauthorizedError: no key, or a wrong or revoked one. */
export class UnauthorizedError extends LongrunError {
  readonly code = 'unauthorized';
  readonly status = 401;
  readonly title = 'Unauthorized';
  constructor(detail = 'A valid API key is required: send it as X-API-Key or Authorization: Bearer.') {
    super(detail);
  }
}

/** ForbiddenError: the key is valid but may not do this (an admin route without the admin key). */
export class ForbiddenError extends LongrunError {
  readonly code = 'forbidden';
  readonly status = 403;
  readonly title = 'Forbidden';
}

/** NotFoundError: no such object for this account (another account's object is not found too). */
export class NotFoundError extends LongrunError {
  readonly code = 'not_found';
  readonly status = 404;
  readonly title = 'Not found';
}

/** JobNotFoundError: no such job for this account. */
export class JobNotFoundError extends NotFoundError {
  constructor(readonly jobId: string) {
    super(`Job ${jobId} not found`);
  }
}

/** UnknownJobTypeError: the `type` is not registered. */
export class UnknownJobTypeError extends LongrunError {
  readonly code = 'unknown_job_type';
  readonly status = 400;
  readonly title = 'Unknown job type';
  /** `unavailable` says why a built-in type cannot run on this server (its program is not installed). */
  constructor(readonly jobType: string, unavailable?: string) {
    super(
      unavailable === undefined
        ? `Job type ${JSON.stringify(jobType)} is not registered; GET /v1/job-types lists the types`
        : `Job type ${JSON.stringify(jobType)} is not available on this server: ${unavailable}`,
    );
    this.errors = [{ path: '/type', message: 'is not a registered job type' }];
  }
}

/**
 * JobTypeConflictError: a job type may not be declared under a name that a type with code in this
 * process already has (a built-in or a `--handlers` type): its jobs would run here, not remotely.
 */
export class JobTypeConflictError extends LongrunError {
  readonly code = 'job_type_conflict';
  readonly status = 409;
  readonly title = 'Job type conflict';
  constructor(readonly jobType: string) {
    super(`Job type ${JSON.stringify(jobType)} runs on this server (built in or from --handlers); declare a type under a name of its own`);
  }
}

/** InsufficientCreditsError: the account cannot pay for the job; nothing was created. */
export class InsufficientCreditsError extends LongrunError {
  readonly code = 'insufficient_credits';
  readonly status = 402;
  readonly title = 'Insufficient credits';
  /** `what` names what costs `needed`: one job, or a batch of them. */
  constructor(readonly needed: number, readonly balance: number | null, what = 'This job') {
    super(`${what} costs ${needed} credits and the account has ${balance ?? 0}`);
  }
}

/** RateLimitedError: the key sent more requests than its budget allows. */
export class RateLimitedError extends LongrunError {
  readonly code = 'rate_limited';
  readonly status = 429;
  readonly title = 'Too many requests';
  constructor(retryAfterSeconds: number) {
    super(`Rate limit exceeded; retry in ${retryAfterSeconds} s`);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** JobNotCancellableError: the job is already final. */
export class JobNotCancellableError extends LongrunError {
  readonly code = 'job_not_cancellable';
  readonly status = 409;
  readonly title = 'Job not cancellable';
  constructor(readonly jobId: string, readonly jobStatus: string) {
    super(`Job ${jobId} is ${jobStatus} and can no longer be cancelled`);
  }
}

/** JobNotPurgeableError: a purge of a job that is still pending or running. */
export class JobNotPurgeableError extends LongrunError {
  readonly code = 'job_not_purgeable';
  readonly status = 409;
  readonly title = 'Job not purgeable';
  constructor(readonly jobId: string, readonly jobStatus: string) {
    super(`Job ${jobId} is ${jobStatus}; only a final job can be purged (cancel it first)`);
  }
}

/** JobNotRerunnableError: the job is still pending or running. */
export class JobNotRerunnableError extends LongrunError {
  readonly code = 'job_not_rerunnable';
  readonly status = 409;
  readonly title = 'Job not rerunnable';
  constructor(readonly jobId: string, readonly jobStatus: string) {
    super(`Job ${jobId} is ${jobStatus}; only a final job can be rerun`);
  }
}

/** IdempotencyKeyReusedError: the Idempotency-Key was used before with another body. */
export class IdempotencyKeyReusedError extends LongrunError {
  readonly code = 'idempotency_key_reused';
  readonly status = 409;
  readonly title = 'Idempotency key reused';
  constructor() {
    super('This Idempotency-Key was already used with a different request body');
  }
}

/** PayloadTooLargeError: the body is over the configured limit. */
export class PayloadTooLargeError extends LongrunError {
  readonly code = 'payload_too_large';
  readonly status = 413;
  readonly title = 'Payload too large';
}

/**
 * InputFileError: a worker over the HTTP protocol asked for an earlier job's file (an input's
 * `{ fromJob, file }`) that its job cannot have: `input_file_missing`, 404 when the earlier job is
 * gone, ended without completing or has no such file, 409 while it is still pending or running;
 * or `input_too_large`, 413, when the file is over the worker's limit. The worker fails its attempt
 * with the same code (retryably for the 409).
 */
export class InputFileError extends LongrunError {
  readonly code: 'input_file_missing' | 'input_too_large';
  readonly status: 404 | 409 | 413;
  readonly title = 'Input file unavailable';
  constructor(detail: string, why: 'missing' | 'not_yet' | 'too_large' = 'missing') {
    super(detail);
    this.code = why === 'too_large' ? 'input_too_large' : 'input_file_missing';
    this.status = why === 'too_large' ? 413 : why === 'not_yet' ? 409 : 404;
  }
}

/**
 * LeaseLostError: a worker reported into a job it no longer holds (cancelled, reaped or retaken).
 * `reason`, when known, says why (see leaseLostReason); the API shows it as the problem's `reason`.
 */
export class LeaseLostError extends LongrunError {
  readonly code = 'lease_lost';
  readonly status = 409;
  readonly title = 'Lease lost';
  constructor(readonly jobId: string, readonly reason?: LeaseLostReason) {
    super(`The lease on job ${jobId} is no longer held by this worker${reason ? ` (${reason})` : ''}`);
  }
}

/** DeliveryInProgressError: a redelivery was asked while the delivery is being sent. */
export class DeliveryInProgressError extends LongrunError {
  readonly code = 'delivery_in_progress';
  readonly status = 409;
  readonly title = 'Delivery in progress';
  constructor(readonly deliveryId: string) {
    super(`Delivery ${deliveryId} is being sent right now; its attempt will be in the log shortly`);
  }
}

/**
 * ConflictError: the write would duplicate something that must be unique (an id already taken).
 * The store drivers answer it for a unique violation; the API's own ids are fresh, so a client
 * sees it only if something is badly wrong, never as part of a normal flow.
 */
export class ConflictError extends LongrunError {
  readonly code = 'conflict';
  readonly status = 409;
  readonly title = 'Conflict';
}

/** ServiceUnavailableError: the store cannot be reached right now; retry later. */
export class ServiceUnavailableError extends LongrunError {
  readonly code = 'service_unavailable';
  readonly status = 503;
  readonly title = 'Service unavailable';
  constructor(detail = 'The store is unavailable; retry shortly', retryAfterSeconds = 1) {
    super(detail);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** RangeNotSatisfiableError: a `Range` that starts past the end of the file. */
export class RangeNotSatisfiableError extends LongrunError {
  readonly code = 'range_not_satisfiable';
  readonly status = 416;
  readonly title = 'Range not satisfiable';
  constructor(readonly size: number) {
    super(`The range starts past the end of the file (${size} bytes)`);
  }
}

/** InternalError: a fault of ours; the detail never leaks internals. */
export class InternalError extends LongrunError {
  readonly code = 'internal';
  readonly status = 500;
  readonly title = 'Internal error';
  constructor(detail = 'An internal error occurred') {
    super(detail);
  }
}

/** ERROR_CODES lists every problem code the API can answer with; docs/errors.md documents each. */
export const ERROR_CODES = [
  'invalid_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'unknown_job_type',
  'job_type_conflict',
  'insufficient_credits',
  'rate_limited',
  'job_not_cancellable',
  'job_not_rerunnable',
  'job_not_purgeable',
  'idempotency_key_reused',
  'payload_too_large',
  'lease_lost',
  'delivery_in_progress',
  'conflict',
  'service_unavailable',
  'range_not_satisfiable',
  'input_file_missing',
  'input_too_large',
  'internal',
] as const;
