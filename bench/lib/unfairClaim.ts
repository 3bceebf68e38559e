// The fairness scenario's baseline: the claim as it was before fair scheduling (issue 17), made
// from today's statement rather than kept as a copy, so that the two differ only in what fairness
// added. Three cuts turn SQL.jobClaim into the pre-fairness claim (commit 4ac2d9e's jobClaim):
// the order becomes `priority DESC, id`, the candidates no longer pass over accounts at a cap, and
// every picked job is admitted (no cap rows read or locked). Its schema gets the pending index of
// that time back (migration 0005's), so the old order is read from an index as it was then.
import { CLAIM_ORDER, admissionCtes, dependenciesMet, notAtCap } from '../../src/store/claimAdmission.js';
import { SQL } from '../../src/store/postgres/queries.js';

/** UNFAIR_ORDER is the claim order before fair scheduling: highest priority, then oldest. */
const UNFAIR_ORDER = 'priority DESC, id';

/** cut replaces every `piece` of `sql` with `by`, and fails when the piece is missing: the claim changed, so must this baseline. */
function cut(sql: string, piece: string, by: string): string {
  if (!sql.includes(piece)) throw new Error(`the baseline claim expects SQL.jobClaim to contain ${JSON.stringify(piece.trim().slice(0, 60))}…`);
  return sql.split(piece).join(by);
}

/**
 * UNFAIR_CLAIM_SQL is SQL.jobClaim (same parameters, same rows back) with the pre-fairness order
 * and no caps.
 */
export const UNFAIR_CLAIM_SQL = cut(
  cut(cut(SQL.jobClaim, ` AND ${notAtCap('jobs')}`, ''), admissionCtes('FOR UPDATE'), '\n    admitted AS (SELECT * FROM picked)'),
  CLAIM_ORDER,
  UNFAIR_ORDER,
);

/**
 * UNCHECKED_CLAIM_SQL is SQL.jobClaim without its check of `after` (job dependencies, issue 18):
 * the baseline of what that check costs the claims of jobs that wait for nothing, the common case.
 */
export const UNCHECKED_CLAIM_SQL = cut(SQL.jobClaim, `\n          AND ${dependenciesMet('jobs')}`, '');

/** UNFAIR_INDEX_SQL gives a schema the pending index the unfair claim was written for (migration 0005's). */
export const UNFAIR_INDEX_SQL = `
  DROP INDEX jobs_pending_type;
  CREATE INDEX jobs_pending_type ON jobs (type, priority DESC, id) WHERE status = 'pending'`;
