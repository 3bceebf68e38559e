/**
 * Names the PostgreSQL driver derives from its schema: the schema itself, the LISTEN channel and
 * the advisory lock keys. Kept in one place so a writer and a reader never disagree on a key.
 */

/** DEFAULT_SCHEMA is where Longrun's tables live unless told otherwise. */
export const DEFAULT_SCHEMA = 'longrun';

// Lowercase only: the schema also goes into the `search_path` startup option and a channel name,
// where an unquoted name would be folded to lowercase; 48 characters leave room for the channel
// prefix within PostgreSQL's 63-byte identifiers.
const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,47}$/;

/** checkSchema returns `schema` when it is a plain lowercase identifier, or throws. */
export function checkSchema(schema: string): string {
  if (!SCHEMA_PATTERN.test(schema)) {
    throw new Error(`PostgreSQL schema ${JSON.stringify(schema)}: use 1–48 lowercase letters, digits or _, not starting with a digit`);
  }
  return schema;
}

/**
 * connectionConfig points node-postgres at `url` with `search_path` set to the schema for every
 * session. node-postgres lets a URL's own `?options=` replace the `options` setting outright, so
 * those are taken off the URL and put first: a later `-c search_path` wins over an earlier one.
 */
export function connectionConfig(url: string, schema: string): { connectionString: string; options: string } {
  const searchPath = `-c search_path=${schema}`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { connectionString: url, options: searchPath };
  }
  const own = parsed.searchParams.get('options');
  if (own === null) return { connectionString: url, options: searchPath };
  parsed.searchParams.delete('options');
  return { connectionString: parsed.toString(), options: `${own} ${searchPath}` };
}

/** quoteIdent quotes an identifier for SQL text. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** eventChannel is the NOTIFY channel of one schema's event writers. */
export function eventChannel(schema: string): string {
  return `longrun_events_${schema}`;
}

/**
 * LOCK_CLASS_MIGRATE and LOCK_CLASS_EVENTS are the first keys of the driver's two-key advisory
 * locks: migrations take (migrate, schemaKey) exclusively; every transaction that writes events
 * takes (events, event_writer_key()) shared from a trigger, which is how `event_horizon` finds
 * writers in flight (migration 0010 spells this constant out as 1280442370). Arbitrary constants,
 * chosen to stay clear of small numbers other tools use.
 */
export const LOCK_CLASS_MIGRATE = 0x4c52_0001;
/** LOCK_CLASS_EVENTS: see LOCK_CLASS_MIGRATE. */
export const LOCK_CLASS_EVENTS = 0x4c52_0002;
/** LOCK_CLASS_FILES: writers of one stored file (second key: hashtext of `jobId/name`) take turns swapping it in. */
export const LOCK_CLASS_FILES = 0x4c52_0003;

/** schemaKey hashes a schema name (FNV-1a) to a positive 31-bit advisory lock key. */
export function schemaKey(schema: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(schema, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash & 0x7fffffff;
}
