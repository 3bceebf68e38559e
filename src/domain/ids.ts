import { randomBytes } from 'node:crypto';

/**
 * Ids are a prefix and a ULID: 48 bits of milliseconds and 80 random bits in Crockford base32,
 * so they sort by creation time as text. Within one millisecond the random part is incremented,
 * so ids one process makes in the same millisecond sort in the order they were made.
 */

/** ID_PREFIXES are the kinds of object that carry an id. */
export type IdPrefix = 'job' | 'acct' | 'key' | 'whd' | 'led' | 'wkey' | 'wrk';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ULID_LENGTH = 26;
const ULID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

let lastTime = -1;
let lastRandom: number[] = [];

function encodeTime(ms: number): string {
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[ms % 32] + out;
    ms = Math.floor(ms / 32);
  }
  return out;
}

function freshRandom(): number[] {
  const bytes = randomBytes(16);
  return Array.from({ length: 16 }, (_, i) => bytes[i]! % 32);
}

function increment(digits: number[]): number[] {
  const next = digits.slice();
  for (let i = next.length - 1; i >= 0; i--) {
    if (next[i]! < 31) {
      next[i]! += 1;
      return next;
    }
    next[i] = 0;
  }
  return freshRandom(); // 80 bits overflowed within one millisecond: practically never
}

/** ulid returns a 26-character ULID for the time `ms`, monotonic within one millisecond. */
export function ulid(ms: number = Date.now()): string {
  // The id always encodes `ms` itself (the store maps time windows to id ranges), so only ids
  // asked for within the same millisecond are kept in order by incrementing the random part.
  if (ms === lastTime) {
    lastRandom = increment(lastRandom);
  } else {
    lastTime = ms;
    lastRandom = freshRandom();
  }
  return encodeTime(ms) + lastRandom.map((d) => ALPHABET[d]).join('');
}

/** newId returns a fresh id such as `job_01JF3V6Q2N8Y5M0RZ4T7C9K1QW`. */
export function newId(prefix: IdPrefix, ms?: number): string {
  return `${prefix}_${ulid(ms)}`;
}

/** isId tells whether `value` is a well-formed id of the given kind. */
export function isId(prefix: IdPrefix, value: string): boolean {
  return (
    value.length === prefix.length + 1 + ULID_LENGTH &&
    value.startsWith(`${prefix}_`) &&
    ULID_PATTERN.test(value.slice(prefix.length + 1))
  );
}

/**
 * idFloor returns the smallest id of `prefix` that can be made at or after `ms`, so a time
 * window becomes an id range that the primary key's order can serve.
 */
export function idFloor(prefix: IdPrefix, ms: number): string {
  return `${prefix}_${encodeTime(Math.max(0, ms))}${'0'.repeat(16)}`;
}
