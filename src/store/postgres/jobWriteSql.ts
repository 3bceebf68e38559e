import type { JobEventKind } from '../../domain/index.js';
import { CLAIM_ORDER, admissionCtes, dependenciesMet, notAtCap, startable } from '../claimAdmission.js';
import { JOB_COLUMNS } from '../jobColumns.js';

/**
 * The PostgreSQL driver's job write statements (jobWrites.ts runs them; queries.ts has the rest,
 * and SQL merges both): each a single statement that takes its locks, writes the job, its event,
 * its credit movement and (through triggers) its counters and its NOTIFY. Positional parameters;
 * the comment above each gives them. The lease guard `id = $1 AND status = 'running' AND
 * lease_token = $2` fences every worker write.
 */

const JSONB_COLUMNS = new Set<string>(['input', 'private_input', 'output', 'error', 'webhook_events', 'metadata', 'after_jobs']);

const EVENT_INSERT = 'INSERT INTO job_events (job_id, seq, account_id, kind, status, progress, status_message, origin, created_at)';

/**
 * ChangeSql is one job change as two statements that differ only in their guard: `fast` also
 * requires that the job has no webhook URL, so it can make no webhook delivery and runs alone
 * (one round trip); `full` runs in a transaction with the delivery the change makes.
 */
export interface ChangeSql {
  fast: string;
  full: string;
}

/**
 * jobChange wraps a job UPDATE (ending in its WHERE) so the same statement records the change in
 * `job_events`, as the job is after it (`kind` is a constant; `originParam` names the parameter
 * holding the origin), and, given `refund`, returns the job's charge to its account: a ledger
 * entry (at most one per job, by the ledger's unique index) and the balance it credits. The rows
 * come back from `changed`; no row means the guard did not hold and nothing was written.
 * Lock order within the statement: the job row, then the account, then the counters (their
 * trigger runs at the statement's end).
 */
export function jobChange(update: string, kind: JobEventKind, originParam: string, refund?: { ledgerIdParam: string; nowParam: string }): ChangeSql {
  const statement = (where: string) => `
    WITH changed AS (${update}${where} RETURNING *),
    event AS (${EVENT_INSERT}
      SELECT id, event_seq, account_id, '${kind}', status, progress, status_message, ${originParam}, updated_at FROM changed)${
      refund
        ? `,
    entry AS (
      INSERT INTO ledger (id, account_id, job_id, kind, amount, created_at)
      SELECT ${refund.ledgerIdParam}, account_id, id, 'refund', credits_charged, ${refund.nowParam}::timestamptz FROM changed
      ON CONFLICT (job_id, kind) WHERE job_id IS NOT NULL DO NOTHING
      RETURNING account_id, amount),
    credit AS (${CREDIT_ENTRY})`
        : ''
    }
    SELECT * FROM changed`;
  return { fast: statement(' AND webhook_url IS NULL'), full: statement('') };
}

// Applies the ledger entry `entry` to its account's balance; an unlimited (NULL) balance stays unlimited.
export const CREDIT_ENTRY = `UPDATE accounts a SET credit_balance = a.credit_balance + entry.amount FROM entry
      WHERE a.id = entry.account_id AND a.credit_balance IS NOT NULL AND entry.amount <> 0`;

// A typed placeholder for each job column in JOB_COLUMNS order ($1…): INSERT … SELECT, unlike
// VALUES, does not take its parameters' types from the columns.
const COLUMN_CASTS: Record<string, string> = Object.fromEntries(
  Object.entries({
    text: ['id', 'account_id', 'type', 'status', 'status_message', 'api_key_id', 'api_key_used', 'worker', 'original_job_id', 'webhook_url', 'webhook_format', 'lease_token'],
    timestamptz: ['run_at', 'created_at', 'started_at', 'completed_at', 'failed_at', 'cancelled_at', 'updated_at', 'lease_expires_at', 'start_by'],
    integer: ['progress', 'priority', 'attempts', 'max_attempts', 'event_seq'],
    bigint: ['timeout_ms', 'size', 'process_time', 'credits_charged', 'credits_refunded'],
  }).flatMap(([type, columns]) => columns.map((c) => [c, `::${type}`])),
);
for (const c of JSONB_COLUMNS) COLUMN_CASTS[c] = '::jsonb';

/** COL names the parameter that holds each job column in a create ($1… in JOB_COLUMNS order). */
const COL = Object.fromEntries(JOB_COLUMNS.map((c, i) => [c, `$${i + 1}${COLUMN_CASTS[c] ?? ''}`])) as Record<(typeof JOB_COLUMNS)[number], string>;
/** CREATE names the parameters of jobCreate after the job's columns (see create in jobWrites.ts). */
const CREATE = { origin: `$${JOB_COLUMNS.length + 1}`, ledgerId: `$${JOB_COLUMNS.length + 2}` };

const LEASED = `id = $1 AND status = 'running' AND lease_token = $2`;
// The ended attempt's token is kept (see migration 0008): a repeated `complete` is recognised by it.
const LEASE_CLEARED = 'last_lease_token = coalesce(lease_token, last_lease_token), lease_token = NULL, lease_expires_at = NULL';
// $6 is the reaper's re-check: only a lease that really ran out by then may be failed by it.
const EXPIRED_BY = '($6::timestamptz IS NULL OR lease_expires_at <= $6::timestamptz)';

/** JOB_WRITE_SQL holds the job write statements, by store method. */
export const JOB_WRITE_SQL = {
  // A create in one statement: the job, its first event and its charge (ledger entry and
  // balance), each only if the job is paid for. $1… are the job's columns in JOB_COLUMNS order;
  // after them come the origin and the charge's ledger id. `charged` spends from a limited
  // balance only where it covers the cost (domain/credits.ts checkCredits; the refusal itself is
  // the driver's, from the answer), and an unlimited one is only read, so creates of one account
  // do not queue on its row. Nothing is written unless the job is paid for, and a job that cannot
  // be written (a duplicate id) fails the statement, charge included. Lock order: account, then
  // the counters (statement end; the new job row is nobody else's). The answer says whether the
  // job was written, and the balance read.
  jobCreate: `
    WITH account AS MATERIALIZED (SELECT credit_balance FROM accounts WHERE id = ${COL.account_id}),
    charged AS MATERIALIZED (
      UPDATE accounts SET credit_balance = credit_balance - ${COL.credits_charged}
      WHERE id = ${COL.account_id} AND ${COL.credits_charged} > 0 AND credit_balance IS NOT NULL
        AND credit_balance >= ${COL.credits_charged}
      RETURNING id),
    paid AS MATERIALIZED (
      SELECT 1 AS ok WHERE ${COL.credits_charged} = 0 OR EXISTS (SELECT 1 FROM charged)
        OR EXISTS (SELECT 1 FROM account WHERE credit_balance IS NULL)),
    job AS (
      INSERT INTO jobs (${JOB_COLUMNS.join(', ')})
      SELECT ${JOB_COLUMNS.map((c, i) => `$${i + 1}${COLUMN_CASTS[c] ?? ''}`).join(', ')} FROM paid
      RETURNING *),
    event AS (${EVENT_INSERT} SELECT id, event_seq, account_id, 'created', status, progress, status_message, ${CREATE.origin}, updated_at FROM job),
    entry AS (
      INSERT INTO ledger (id, account_id, job_id, kind, amount, created_at)
      SELECT ${CREATE.ledgerId}, account_id, id, 'charge', -credits_charged, created_at FROM job)
    SELECT (SELECT count(*) FROM job)::int AS inserted, EXISTS (SELECT 1 FROM account) AS account_found,
      (SELECT credit_balance FROM account) AS balance`,
  // Creates of several requests in one statement (group commit, see createGroups.ts): $1 the jobs
  // as a JSON array of their columns, $2 their ids, $3 the ledger ids of their charges (in the
  // same order), $4 the origin. Only jobs that need no balance check go ahead — free ones, and
  // those of accounts with an unlimited balance, which stays unlimited — with no lock on the
  // account, and that wait for no job (`after` locks the awaited jobs first); the answer lists
  // the jobs written, and the rest take the single create. Lock order:
  // the counters only (statement end; the new rows are nobody else's).
  jobCreateGroup: `
    WITH input AS MATERIALIZED (SELECT * FROM jsonb_populate_recordset(NULL::jobs, $1::jsonb)),
    payable AS MATERIALIZED (
      SELECT i.* FROM input i JOIN accounts a ON a.id = i.account_id
      WHERE (i.credits_charged = 0 OR a.credit_balance IS NULL) AND i.after_jobs IS NULL),
    job AS (
      INSERT INTO jobs (${JOB_COLUMNS.join(', ')}) SELECT ${JOB_COLUMNS.join(', ')} FROM payable ORDER BY id
      RETURNING *),
    event AS (${EVENT_INSERT}
      SELECT id, event_seq, account_id, 'created', status, progress, status_message, $4, updated_at FROM job ORDER BY id),
    entry AS (
      INSERT INTO ledger (id, account_id, job_id, kind, amount, created_at)
      SELECT l.ledger_id, j.account_id, j.id, 'charge', -j.credits_charged, j.created_at
      FROM job j JOIN unnest($2::text[], $3::text[]) AS l (job_id, ledger_id) ON l.job_id = j.id)
    SELECT id FROM job`,
  // Completes of several attempts in one statement (group commit, see groupWrites.ts): $1 a JSON
  // array of {id, lease_token, now, output, size, process_time}, $2 the origin. Only jobs without
  // a webhook URL whose lease still holds are completed; the answer lists them, and the rest take
  // the single complete. The rows are locked in id order first, as every multi-row write locks
  // them, so two groups cannot wait on each other.
  jobCompleteGroup: `
    WITH input AS MATERIALIZED (
      SELECT * FROM jsonb_to_recordset($1::jsonb)
        AS i (id text, lease_token text, now timestamptz, output jsonb, size bigint, process_time bigint)),
    locked AS MATERIALIZED (
      SELECT j.id FROM jobs j JOIN input i ON j.id = i.id AND j.lease_token = i.lease_token
      WHERE j.status = 'running' AND j.webhook_url IS NULL ORDER BY j.id FOR UPDATE OF j),
    changed AS (
      UPDATE jobs j SET status = 'completed', progress = 100, output = i.output, error = NULL, size = i.size,
        process_time = i.process_time, completed_at = i.now, updated_at = i.now,
        last_lease_token = coalesce(j.lease_token, j.last_lease_token), lease_token = NULL, lease_expires_at = NULL,
        event_seq = j.event_seq + 1
      FROM locked, input i
      WHERE j.id = locked.id AND i.id = j.id AND i.lease_token = j.lease_token AND j.status = 'running'
      RETURNING j.*),
    event AS (${EVENT_INSERT}
      SELECT id, event_seq, account_id, 'completed', status, progress, status_message, $2, updated_at FROM changed ORDER BY id)
    SELECT * FROM changed`,
  // $1 worker, $2 now, $3 lease until, $4 types, $5 limit, $6 origin, $7 whether the claim runs in a
  // transaction that writes the `started` deliveries (see below).
  // The claim order is domain/claimOrder.ts compareClaimOrder (priority DESC, turn, then id as
  // bytes: the columns are COLLATE "C"), in every ORDER BY below; the driver sorts what RETURNING
  // gives by it. `picked` reads each served type's head from the per-type pending index in claim
  // order, passing over accounts at a cap and locking what it reads (SKIP LOCKED passes over rows
  // another claim holds instead of queueing behind it), and merges the heads: a claim never reads
  // the pending jobs of types it does not serve. With several types it may lock up to LIMIT rows
  // per type and keep LIMIT; the rest are free again at commit. It is a MATERIALIZED CTE rather
  // than `id IN (subquery)` so that the locking subquery runs exactly once: as a join's inner side
  // it could be rescanned and hand out more. `admitted` checks the caps under their row locks
  // (store/claimAdmission.ts).
  // Run alone ($7 false), it leaves the admitted jobs that have a webhook URL (their start may make
  // a delivery, which only a transaction can write with it) and returns them, unchanged and marked
  // `deferred`, for the driver to claim in a transaction ($7 true) straight after.
  jobClaim: `
    WITH picked AS MATERIALIZED (
      SELECT head.* FROM unnest($4::text[]) AS served (type)
      CROSS JOIN LATERAL (
        SELECT id, account_id, type, priority, fair_seq, webhook_url IS NOT NULL AS hooked FROM jobs
        WHERE status = 'pending' AND type = served.type AND ${startable('jobs', '$2')} AND ${notAtCap('jobs')}
          AND ${dependenciesMet('jobs')}
        ORDER BY ${CLAIM_ORDER} LIMIT $5
        FOR UPDATE SKIP LOCKED) AS head
      ORDER BY ${CLAIM_ORDER} LIMIT $5),${admissionCtes('FOR UPDATE')},
    claimed AS (
      UPDATE jobs j SET status = 'running', attempts = j.attempts + 1, worker = $1, started_at = $2, updated_at = $2,
        lease_token = replace(gen_random_uuid()::text, '-', ''), lease_expires_at = $3, event_seq = j.event_seq + 1
      FROM admitted WHERE j.id = admitted.id AND ($7::boolean OR NOT admitted.hooked)
      RETURNING j.*),
    event AS (${EVENT_INSERT}
      SELECT id, event_seq, account_id, 'started', status, progress, status_message, $6, updated_at FROM claimed
      ORDER BY ${CLAIM_ORDER})
    SELECT *, false AS deferred FROM claimed
    UNION ALL
    SELECT j.*, true FROM jobs j JOIN admitted ON j.id = admitted.id WHERE admitted.hooked AND NOT $7::boolean`,
  // $1 id, $2 token, $3 lease until. A heartbeat is not a change: no event, no eventSeq.
  // $4 false keeps the stored checkpoint; true replaces it with $5 (NULL clears it).
  jobHeartbeat: `
    UPDATE jobs SET lease_expires_at = $3, checkpoint = CASE WHEN $4::boolean THEN $5::jsonb ELSE checkpoint END
    WHERE ${LEASED} RETURNING *`,
  // $1 id, $2 token, $3 now, $4 progress, $5 message, $6 origin
  jobProgress: jobChange(
    `UPDATE jobs SET progress = $4, status_message = $5, updated_at = $3, event_seq = event_seq + 1 WHERE ${LEASED}`,
    'progress',
    '$6',
  ),
  // $1 id, $2 token, $3 now, $4 output, $5 size, $6 process time, $7 origin
  jobComplete: jobChange(
    `UPDATE jobs SET status = 'completed', progress = 100, output = $4::jsonb, error = NULL, size = $5,
       process_time = $6, completed_at = $3, updated_at = $3, ${LEASE_CLEARED}, event_seq = event_seq + 1
     WHERE ${LEASED}`,
    'completed',
    '$7',
  ),
  // $1 id, $2 token, $3 now, $4 error, $5 process time, $6 expired by (or NULL), $7 origin, $8 refund's ledger id
  jobFail: jobChange(
    `UPDATE jobs SET status = 'failed', error = $4::jsonb, process_time = $5, failed_at = $3, updated_at = $3,
       credits_refunded = credits_charged, ${LEASE_CLEARED}, event_seq = event_seq + 1
     WHERE ${LEASED} AND ${EXPIRED_BY}`,
    'failed',
    '$7',
    { ledgerIdParam: '$8', nowParam: '$3' },
  ),
  // As jobFail, and $7 run at, $8 origin
  jobRetry: jobChange(
    `UPDATE jobs SET status = 'pending', error = $4::jsonb, process_time = $5, run_at = $7, updated_at = $3,
       ${LEASE_CLEARED}, event_seq = event_seq + 1
     WHERE ${LEASED} AND ${EXPIRED_BY}`,
    'retrying',
    '$8',
  ),
  // $1 id, $2 token, $3 now, $4 origin, $5 run at, $6 error. A hand-back does not count as an
  // attempt. A deferral also sets when and why (NULL keeps them).
  jobRelease: jobChange(
    `UPDATE jobs SET status = 'pending', attempts = attempts - 1, run_at = coalesce($5::timestamptz, run_at),
       error = coalesce($6::jsonb, error), updated_at = $3, ${LEASE_CLEARED}, event_seq = event_seq + 1
     WHERE ${LEASED}`,
    'released',
    '$4',
  ),
  // $1 id, $2 account, $3 now, $4 origin, $5 refund's ledger id. In SET, `status` is still the old
  // value: a running job records that it was stopped, and that its attempt ran until now (no worker
  // reports into a cancelled job).
  jobCancel: jobChange(
    `UPDATE jobs SET status = 'cancelled', cancelled_at = $3, updated_at = $3,
       error = CASE WHEN status = 'running' THEN '{"code":"cancelled"}'::jsonb ELSE NULL END,
       process_time = CASE WHEN status = 'running'
         THEN GREATEST(0, floor(extract(epoch FROM ($3::timestamptz - started_at)) * 1000))::bigint ELSE process_time END,
       credits_refunded = credits_charged, ${LEASE_CLEARED}, event_seq = event_seq + 1
     WHERE id = $1 AND account_id = $2 AND status IN ('pending', 'running')`,
    'cancelled',
    '$4',
    { ledgerIdParam: '$5', nowParam: '$3' },
  ),
} as const;
