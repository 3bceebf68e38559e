/**
 * The bounds on JSON that Longrun accepts and stores. Recursive code (serialisers, validators, the
 * idempotency hash, a client's own parser) overflows its stack somewhere past a few thousand
 * levels, each at its own depth: metadata nested 4,184 levels deep was answered 500 after its job
 * was committed, and a job stored at 4,150 levels broke every read of it. So depth is refused
 * before anything recursive sees it: in the body's text at parse time, and again for each value a
 * job stores, whoever made it. Both checks are loops, never recursion.
 */

/** MAX_JSON_DEPTH is how many levels of objects and arrays a request body may nest; the body itself is the first. */
export const MAX_JSON_DEPTH = 64;

/** MAX_STORED_DEPTH is how deeply a stored value (input, metadata, output) may nest: what fits in a body under its field. */
export const MAX_STORED_DEPTH = MAX_JSON_DEPTH - 1;

/** MAX_METADATA_BYTES bounds a job's metadata as JSON text (UTF-8): it is echoed in every view, list page and webhook. */
export const MAX_METADATA_BYTES = 16 * 1024;

/**
 * jsonTextTooDeep scans JSON text, without parsing it, for objects and arrays nested deeper than
 * `max`. It returns null when the text stays within `max`, else a JSON pointer to the top-level
 * member that goes too deep (`/metadata`, `/3`; `''` for the body itself). Text that is not JSON
 * gets an answer too; the parser that runs next refuses it.
 */
export function jsonTextTooDeep(text: string, max: number = MAX_JSON_DEPTH): string | null {
  let depth = 0;
  let rootIsArray = false;
  let element = 0;
  // The last string token seen directly in the root object: the key of the member being read.
  let keyStart = -1;
  let keyEnd = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i;
      i = stringEnd(text, i);
      if (depth === 1 && !rootIsArray) {
        keyStart = start;
        keyEnd = i + 1;
      }
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth++;
      if (depth === 1) rootIsArray = c === OPEN_ARRAY;
      if (depth > max) {
        if (depth === 1) return '';
        return rootIsArray ? `/${element}` : memberPointer(text.slice(keyStart, keyEnd));
      }
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
    } else if (c === COMMA && depth === 1) {
      element++;
    }
  }
  return null;
}

/** jsonValueTooDeep tells whether a parsed value nests objects and arrays deeper than `max` (a scalar is 0 deep). */
export function jsonValueTooDeep(value: unknown, max: number = MAX_STORED_DEPTH): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: next, depth } = stack.pop()!;
    if (next === null || typeof next !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(next) ? next : Object.values(next)) {
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth: depth + 1 });
    }
  }
  return false;
}

/** jsonBytes is the size of `value` as JSON text in UTF-8; call it only on values within MAX_STORED_DEPTH. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '');
}

/**
 * stringEnd is the index of the quote that closes the string opened at `open` (text.length when
 * none does). Strings are most of a large body (an HTML document), so they are skipped with
 * indexOf rather than walked a character at a time: a quote preceded by an odd run of
 * backslashes is escaped. Best of 15 on the 2-core development machine, 10 MB bodies: an HTML
 * document 40 ms a character at a time, 1 ms this way (JSON.parse: 12 ms); text full of escaped
 * quotes 54 ms, 24 ms (JSON.parse: 16 ms).
 */
function stringEnd(text: string, open: number): number {
  for (let from = open + 1; ; ) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    from = quote + 1;
  }
}

function memberPointer(keyToken: string): string {
  let key = keyToken.slice(1, -1);
  try {
    key = JSON.parse(keyToken) as string;
  } catch {
    // A malformed key: name it as written; the parser refuses the body anyway.
  }
  return `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
