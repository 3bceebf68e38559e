/**
 * The claim order, stated once. A claim takes due pending jobs highest priority first, then oldest
 * first; ids are ULID-based, so they sort by creation time, compared as bytes (PostgreSQL's
 * `COLLATE "C"`, SQLite's BINARY). Each driver's claim query has an `ORDER BY priority DESC, id`
 * that is this order in SQL; UPDATE … RETURNING keeps no order, so the drivers sort what it
 * returns with these comparators before handing jobs out.
 */

/**
 * compareIds orders ids as bytes. Ids are ASCII, where JavaScript's UTF-16 code unit order is the
 * byte order.
 */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** compareClaimOrder orders jobs (or job rows) as a claim takes them: priority descending, then id. */
export function compareClaimOrder(a: { priority: number; id: string }, b: { priority: number; id: string }): number {
  return b.priority - a.priority || compareIds(a.id, b.id);
}

/**
 * compareDeliveryOrder orders claimed webhook deliveries as they are handed out: by id, which is
 * the order they were made in (a job's deliveries go out in the order of its events).
 */
export function compareDeliveryOrder(a: { id: string }, b: { id: string }): number {
  return compareIds(a.id, b.id);
}
