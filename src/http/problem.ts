import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  type FieldProblem,
  type SchemaError,
  InternalError,
  describeFieldProblem,
  InvalidRequestError,
  LeaseLostError,
  LongrunError,
  NotFoundError,
  PayloadTooLargeError,
  RangeNotSatisfiableError,
  schemaProblem,
} from '../domain/index.js';

const WHERE = { querystring: 'query', headers: 'header', params: 'path' } as const;

/**
 * toLongrunError maps anything thrown while serving a request to a LongrunError: our own pass
 * through; Fastify's validation, JSON, size and media-type errors become 4xx problems naming the
 * field; anything else is an internal error whose details stay in the log.
 */
export function toLongrunError(error: unknown): LongrunError {
  if (error instanceof LongrunError) return error;
  const fastifyError = error as FastifyError & { validationContext?: string; validation?: SchemaError[] };
  if (fastifyError.validation) {
    const where = WHERE[fastifyError.validationContext as keyof typeof WHERE];
    const errors = fastifyError.validation.map((e) => fieldProblem(e, where));
    return new InvalidRequestError(describeFieldProblem(errors[0]!), errors);
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PayloadTooLargeError('The request body is larger than the server accepts');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new InvalidRequestError('Send the body as application/json', undefined, 415);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new InvalidRequestError('The Content-Length does not match the body');
  }
  if (error instanceof SyntaxError || fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new InvalidRequestError(`The body is not valid JSON: ${(error as Error).message}`);
  }
  const status = fastifyError.statusCode;
  if (status === 404) return new NotFoundError('Not found');
  if (status !== undefined && status >= 400 && status < 500) return new InvalidRequestError(fastifyError.message, undefined, status);
  return new InternalError();
}

function fieldProblem(e: SchemaError, where: FieldProblem['in'] | undefined): FieldProblem {
  const { path, message } = schemaProblem(e);
  if (!where) return { path, message };
  // Query parameters, headers and path segments are named, not pointed at.
  return { path: path.replace(/^\//, ''), message, in: where };
}

/** problemBody is the application/problem+json document for an error. */
export function problemBody(error: LongrunError): Record<string, unknown> {
  const body: Record<string, unknown> = {
    type: `urn:longrun:problem:${error.code}`,
    title: error.title,
    status: error.status,
    detail: problemDetail(error),
    code: error.code,
  };
  if (error.errors) body.errors = error.errors;
  // A worker told its lease is lost learns why (cancelled, expired, timeout, superseded).
  if (error instanceof LeaseLostError && error.reason) body.reason = error.reason;
  return body;
}

/** sendProblem answers with the error as application/problem+json. */
export function sendProblem(reply: FastifyReply, error: LongrunError): FastifyReply {
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  // RFC 9110: a 416 names the file's current length, so the client can ask again within it.
  if (error instanceof RangeNotSatisfiableError) reply.header('content-range', `bytes */${error.size}`);
  return reply.code(error.status).type('application/problem+json').send(problemBody(error));
}

/**
 * problemDetail is the error's message, followed by its first field problem when the message does
 * not name it already (`The input does not match the demo/sleep schema: /input/durationMs: must
 * be integer`), so a client that shows only `detail` still learns which field to fix.
 */
export function problemDetail(error: LongrunError): string {
  const first = error.errors?.[0];
  if (!first || error.code !== 'invalid_request') return error.message;
  const named = describeFieldProblem(first);
  if (error.message.includes(named)) return error.message;
  const more = error.errors!.length - 1;
  return `${error.message}: ${named}${more > 0 ? ` (and ${more} more in errors)` : ''}`;
}

/** errorHandler is the app's one error handler. */
export function errorHandler(this: unknown, error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const mapped = toLongrunError(error);
  if (mapped.status >= 500) request.log.error({ err: error }, 'request failed');
  return sendProblem(reply, mapped);
}
