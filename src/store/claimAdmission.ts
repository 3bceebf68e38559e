/**
 * Per-account concurrency caps in the claim, stated once for both drivers (table account_limits,
 * migration 0018): a row with type '' caps all of an account's running jobs, a row with a type
 * caps that type's. `running` is kept by the database in the write that moves a job in or out of
 * running.
 *
 * A claim reads candidates in claim order (domain/claimOrder.ts), passing over the jobs of an
 * account already at a cap (NOT_AT_CAP). It then admits them against the caps as they are when
 * the claim holds them (ADMISSION): PostgreSQL locks the account's cap rows first (`FOR UPDATE`,
 * in key order, so a concurrent claim waits and then reads the count this one leaves), SQLite has
 * one writer. A candidate is admitted while its account's type cap and then its account cap have
 * room, in claim order; the rest stay pending.
 */

/** CLAIM_ORDER is the claim order in SQL, over a job relation's columns (domain/claimOrder.ts compareClaimOrder). */
export const CLAIM_ORDER = 'priority DESC, fair_seq, id';

/** notAtCap is the predicate that a job (the relation `job`) belongs to no account at one of its caps. */
export function notAtCap(job: string): string {
  return `NOT EXISTS (SELECT 1 FROM account_limits cap
        WHERE cap.account_id = ${job}.account_id AND cap.type IN ('', ${job}.type) AND cap.running >= cap.max_concurrency)`;
}

/**
 * startable is the predicate that a pending job (the relation `job`) may start at `now` (a
 * parameter): it is due (`run_at`) and not past its deadline to start (`start_by`, migration 0017).
 */
export function startable(job: string, now: string): string {
  return `${job}.run_at <= ${now} AND (${job}.start_by IS NULL OR ${job}.start_by >= ${now})`;
}

/**
 * dependenciesMet is the predicate that a job (the relation `job`) waits for no job: it was
 * created without `after`, or every job it waits for has completed (job_dependencies keeps only
 * the dependencies not yet met, migration 0019). The column test comes first, so a job without
 * `after` costs the claim no index probe.
 */
export function dependenciesMet(job: string): string {
  return `(${job}.after_jobs IS NULL OR NOT EXISTS (SELECT 1 FROM job_dependencies w WHERE w.job_id = ${job}.id))`;
}

/**
 * admissionCtes are the CTEs that turn `picked` (candidates with id, account_id, type, priority,
 * fair_seq, at most the claim's limit) into `admitted`, the ones the caps let run; `lockRows` is
 * the driver's row lock for the cap rows ('' where the driver has one writer).
 */
export function admissionCtes(lockRows: string): string {
  return `
    caps AS MATERIALIZED (
      SELECT account_id, type, max_concurrency - running AS room FROM account_limits
      WHERE account_id IN (SELECT account_id FROM picked) ORDER BY account_id, type ${lockRows}),
    by_type AS (
      SELECT p.*, row_number() OVER (PARTITION BY p.account_id, p.type ORDER BY ${CLAIM_ORDER}) AS nth_of_type FROM picked p),
    typed AS (
      SELECT b.* FROM by_type b LEFT JOIN caps c ON c.account_id = b.account_id AND c.type = b.type
      WHERE c.room IS NULL OR b.nth_of_type <= c.room),
    by_account AS (
      SELECT t.*, row_number() OVER (PARTITION BY t.account_id ORDER BY ${CLAIM_ORDER}) AS nth_of_account FROM typed t),
    admitted AS (
      SELECT b.* FROM by_account b LEFT JOIN caps c ON c.account_id = b.account_id AND c.type = ''
      WHERE c.room IS NULL OR b.nth_of_account <= c.room)`;
}
