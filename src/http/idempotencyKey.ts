import type { FastifyRequest } from 'fastify';
import { InvalidRequestError } from '../domain/index.js';

/** idempotencyKey reads the `Idempotency-Key` header (1–255 characters), or undefined when there is none. */
export function idempotencyKey(request: FastifyRequest): string | undefined {
  const value = request.headers['idempotency-key'];
  const key = Array.isArray(value) ? value[0] : value;
  if (key !== undefined && (key.length === 0 || key.length > 255)) {
    throw InvalidRequestError.field('Idempotency-Key', 'must be 1 to 255 characters', 'header');
  }
  return key;
}
