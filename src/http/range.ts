/** The `Range` request header (RFC 9110 §14.2), read into the byte range a file download asks for. */
import type { ByteRangeRequest } from '../service/index.js';

/**
 * parseByteRange reads a `Range` header. Only one `bytes=` range is honoured; anything else
 * (several ranges, another unit, a malformed value) is null, and the whole file is sent, as
 * RFC 9110 §14.2 allows.
 */
export function parseByteRange(header: string | undefined): ByteRangeRequest | null {
  const match = header === undefined ? null : /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/.exec(header);
  if (!match) return null;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return null;
  if (first === '') return { suffix: Number(last) };
  const start = Number(first);
  const end = last === '' ? null : Number(last);
  if (!Number.isSafeInteger(start) || (end !== null && (!Number.isSafeInteger(end) || end < start))) return null;
  return { start, end };
}
