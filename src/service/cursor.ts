import { type IdPrefix, InvalidRequestError, isId } from '../domain/index.js';

/**
 * encodeIdCursor makes an opaque keyset cursor: the last id a page showed, and whether the next
 * page continues `before` it (newest first) or `after` it (oldest first).
 */
export function encodeIdCursor(direction: 'before' | 'after', lastId: string): string {
  return Buffer.from(JSON.stringify({ [direction]: lastId })).toString('base64url');
}

/** decodeIdCursor reads a cursor encodeIdCursor made for ids of `prefix`, or throws a 400 naming the request's `/cursor`. */
export function decodeIdCursor(cursor: string, direction: 'before' | 'after', prefix: IdPrefix): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const id = parsed[direction];
    if (typeof id === 'string' && isId(prefix, id)) return id;
  } catch {
    // fall through to the error below
  }
  throw InvalidRequestError.field('/cursor', 'is not a cursor this API issued');
}
