/**
 * The claim order, stated once. A claim takes due pending jobs highest priority first; within a
 * priority level, accounts take turns (fair scheduling); within an account, oldest first.
 *
 * Turns: each pending job holds `fair_seq`, its turn in its (type, priority) queue. A job entering
 * the queue (created, or back from a retry or a hand-back) takes one step — 1 / its account's
 * weight — past the later of the queue's head (the first due job in claim order) and its
 * account's last pending job there; a job coming back keeps an earlier turn it already held. So
 * an account with 100,000 pending jobs holds the next 100,000 turns of its own, while a newcomer
 * takes the turn after the head and waits one round, not 100,000 jobs; an account of weight 3
 * steps a third as far and gets three turns to another's one. Ties (concurrent entries of one
 * account) go to the older id. Ids are ULID-based, so they sort by creation time, compared as
 * bytes (PostgreSQL's `COLLATE "C"`, SQLite's BINARY).
 *
 * Each driver's migration 0018 computes the turn where a job enters pending (a trigger), and each
 * claim query has an `ORDER BY priority DESC, fair_seq, id` that is this order in SQL; UPDATE …
 * RETURNING keeps no order, so the drivers sort what it returns with these comparators. A claim
 * also passes over the jobs of an account at its concurrency cap (store/claimAdmission.ts).
 */

/**
 * compareIds orders ids as bytes. Ids are ASCII, where JavaScript's UTF-16 code unit order is the
 * byte order.
 */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** ClaimOrdered is what the claim order reads of a job row: its priority, its turn and its id. */
export interface ClaimOrdered {
  priority: number;
  fair_seq: number;
  id: string;
}

/** compareClaimOrder orders job rows as a claim takes them: priority descending, then turn, then id. */
export function compareClaimOrder(a: ClaimOrdered, b: ClaimOrdered): number {
  return b.priority - a.priority || a.fair_seq - b.fair_seq || compareIds(a.id, b.id);
}

/**
 * compareDeliveryOrder orders claimed webhook deliveries as they are handed out: by id, which is
 * the order they were made in (a job's deliveries go out in the order of its events).
 */
export function compareDeliveryOrder(a: { id: string }, b: { id: string }): number {
  return compareIds(a.id, b.id);
}
