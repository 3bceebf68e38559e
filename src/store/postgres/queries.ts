import type { JobEventKind } from '../../domain/index.js';
import { DELIVERY_COLUMNS } from '../deliveryColumns.js';
import { JOB_COLUMNS } from '../jobColumns.js';

/**
 * The PostgreSQL driver's queries, one per store method, with positional parameters. Names are
 * unqualified: every connection runs with `search_path` set to the store's schema. The lease guard
 * `id = $1 AND status = 'running' AND lease_token = $2` fences every worker write.
 *
 * Times are the `now` the caller passes: tests inject clocks, and production processes pass the
 * database's clock through DatabaseClock, so leases and runAt are judged by one clock.
 */

const JSONB_COLUMNS = new Set<string>(['input', 'private_input', 'output', 'error', 'webhook_events', 'metadata']);

const EVENT_INSERT = 'INSERT INTO job_events (job_id, seq, account_id, kind, status, progress, status_message, origin, created_at)';

/**
 * withEvent wraps a job UPDATE so the same statement records the change in `job_events`, as the
 * job is after it (`kind` is a constant; `originParam` names the parameter holding the origin).
 * The rows come back from `changed`; no row means the guard did not hold and nothing was written.
 */
function withEvent(update: string, kind: JobEventKind, originParam: string): string {
  return `
    WITH changed AS (${update} RETURNING *),
    event AS (${EVENT_INSERT}
      SELECT id, event_seq, account_id, '${kind}', status, progress, status_message, ${originParam}, updated_at FROM changed)
    SELECT * FROM changed`;
}

const LEASED = `id = $1 AND status = 'running' AND lease_token = $2`;
// The ended attempt's token is kept (see migration 0008): a repeated `complete` is recognised by it.
const LEASE_CLEARED = 'last_lease_token = coalesce(lease_token, last_lease_token), lease_token = NULL, lease_expires_at = NULL';
// $6 is the reaper's re-check: only a lease that really ran out by then may be failed by it.
const EXPIRED_BY = '($6::timestamptz IS NULL OR lease_expires_at <= $6::timestamptz)';

/** SQL holds the driver's fixed queries, by store method; the comment above each gives its parameters. */
export const SQL = {
  // $1 id, $2 name, $3 balance, $4 webhook secret, $5 created at
  accountInsert: 'INSERT INTO accounts (id, name, credit_balance, webhook_secret, created_at) VALUES ($1, $2, $3, $4, $5)',
  // $1 id
  accountGet: 'SELECT * FROM accounts WHERE id = $1',
  // $1 name
  accountFindByName: 'SELECT * FROM accounts WHERE name = $1 ORDER BY id',
  // $1 id. NO KEY UPDATE, not UPDATE: it does not block the KEY SHARE locks that foreign keys to the
  // account take, so inserting another job of the account never waits on a balance change.
  accountLock: 'SELECT * FROM accounts WHERE id = $1 FOR NO KEY UPDATE',
  accountCount: 'SELECT count(*) AS n FROM accounts',
  // $1 after this id ('' sorts before every id), $2 limit
  accountList: 'SELECT * FROM accounts WHERE id > $1 ORDER BY id LIMIT $2',

  // $1 id, $2 account, $3 secret hash, $4 last4, $5 created at
  apiKeyInsert: 'INSERT INTO api_keys (id, account_id, secret_hash, last4, created_at) VALUES ($1, $2, $3, $4, $5)',
  // $1 id
  apiKeyGet: 'SELECT * FROM api_keys WHERE id = $1',
  // $1 id, $2 revoked at; only a live key is revoked
  apiKeyRevoke: 'UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL',
  // $1 after this id ('' sorts before every id), $2 limit[, $3 account]
  apiKeyList: 'SELECT * FROM api_keys WHERE id > $1 ORDER BY id LIMIT $2',
  apiKeyListByAccount: 'SELECT * FROM api_keys WHERE id > $1 AND account_id = $3 ORDER BY id LIMIT $2',

  // $1 id, $2 account, $3 job or NULL, $4 kind, $5 amount, $6 created at
  ledgerInsert: 'INSERT INTO ledger (id, account_id, job_id, kind, amount, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
  // Records a movement and applies it to the balance in one statement. ON CONFLICT DO NOTHING on
  // the unique (job_id, kind) index turns a second refund into a no-op: no entry, so no credit.
  // An unlimited (NULL) balance stays unlimited. Parameters as ledgerInsert.
  ledgerApply: `
    WITH entry AS (
      INSERT INTO ledger (id, account_id, job_id, kind, amount, created_at) VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (job_id, kind) WHERE job_id IS NOT NULL DO NOTHING
      RETURNING account_id, amount)
    UPDATE accounts a SET credit_balance = a.credit_balance + entry.amount FROM entry
    WHERE a.id = entry.account_id AND a.credit_balance IS NOT NULL AND entry.amount <> 0`,

  // Takes the key for this job: $1 account, $2 key, $3 request hash, $4 job, $5 expires at, $6 now.
  // A live key's row is left as it is but locked (ON CONFLICT DO UPDATE locks the row it meets),
  // so two requests with one key queue up and the second replays the first, as on SQLite.
  idempotencyClaim: `
    INSERT INTO idempotency_keys AS k (account_id, key, request_hash, job_id, expires_at) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (account_id, key) DO UPDATE
      SET request_hash = EXCLUDED.request_hash, job_id = EXCLUDED.job_id, expires_at = EXCLUDED.expires_at
      WHERE k.expires_at <= $6
    RETURNING job_id`,
  // $1 account, $2 key: the live record idempotencyClaim left locked.
  idempotencyGet: 'SELECT request_hash, job_id, expires_at FROM idempotency_keys WHERE account_id = $1 AND key = $2',
  // $1 account, $2 key, $3 request hash, $4 job, $5 expires at
  idempotencyReplace: 'UPDATE idempotency_keys SET request_hash = $3, job_id = $4, expires_at = $5 WHERE account_id = $1 AND key = $2',

  // The job, its first event; its counters follow from the insert trigger. $1… are the job's
  // columns in JOB_COLUMNS order, and the one after them is the origin.
  jobInsert: `
    WITH job AS (
      INSERT INTO jobs (${JOB_COLUMNS.join(', ')})
      VALUES (${JOB_COLUMNS.map((c, i) => `$${i + 1}${JSONB_COLUMNS.has(c) ? '::jsonb' : ''}`).join(', ')})
      RETURNING *)
    ${EVENT_INSERT} SELECT id, event_seq, account_id, 'created', status, progress, status_message, $${JOB_COLUMNS.length + 1}, updated_at FROM job`,
  // $1 id
  jobGet: 'SELECT * FROM jobs WHERE id = $1',

  // $1 worker, $2 now, $3 lease until, $4 types, $5 limit, $6 origin.
  // The claim order is domain/claimOrder.ts compareClaimOrder (priority DESC, then id as bytes:
  // the columns are COLLATE "C"), in every ORDER BY below; the driver sorts what RETURNING gives by it.
  // `picked` reads each served type's head from the per-type pending index in claim order, locking
  // what it reads (SKIP LOCKED passes over rows another claim holds instead of queueing behind
  // it), and merges the heads: a claim never reads the pending jobs of types it does not serve.
  // With several types it may lock up to LIMIT rows per type and keep LIMIT; the rest are free
  // again at commit. It is a MATERIALIZED CTE rather than `id IN (subquery)` so that the locking
  // subquery runs exactly once: as a join's inner side it could be rescanned and hand out more.
  jobClaim: `
    WITH picked AS MATERIALIZED (
      SELECT head.id FROM unnest($4::text[]) AS served (type)
      CROSS JOIN LATERAL (
        SELECT id, priority FROM jobs
        WHERE status = 'pending' AND type = served.type AND run_at <= $2
        ORDER BY priority DESC, id LIMIT $5
        FOR UPDATE SKIP LOCKED) AS head
      ORDER BY head.priority DESC, head.id LIMIT $5),
    claimed AS (
      UPDATE jobs j SET status = 'running', attempts = j.attempts + 1, worker = $1, started_at = $2, updated_at = $2,
        lease_token = replace(gen_random_uuid()::text, '-', ''), lease_expires_at = $3, event_seq = j.event_seq + 1
      FROM picked WHERE j.id = picked.id
      RETURNING j.*),
    event AS (${EVENT_INSERT}
      SELECT id, event_seq, account_id, 'started', status, progress, status_message, $6, updated_at FROM claimed
      ORDER BY priority DESC, id)
    SELECT * FROM claimed`,
  // $1 id, $2 token, $3 lease until. A heartbeat is not a change: no event, no eventSeq.
  // $4 false keeps the stored checkpoint; true replaces it with $5 (NULL clears it).
  jobHeartbeat: `
    UPDATE jobs SET lease_expires_at = $3, checkpoint = CASE WHEN $4::boolean THEN $5::jsonb ELSE checkpoint END
    WHERE ${LEASED} RETURNING *`,
  // $1 id, $2 token, $3 now, $4 progress, $5 message, $6 origin
  jobProgress: withEvent(
    `UPDATE jobs SET progress = $4, status_message = $5, updated_at = $3, event_seq = event_seq + 1 WHERE ${LEASED}`,
    'progress',
    '$6',
  ),
  // $1 id, $2 token, $3 now, $4 output, $5 size, $6 process time, $7 origin
  jobComplete: withEvent(
    `UPDATE jobs SET status = 'completed', progress = 100, output = $4::jsonb, error = NULL, size = $5,
       process_time = $6, completed_at = $3, updated_at = $3, ${LEASE_CLEARED}, event_seq = event_seq + 1
     WHERE ${LEASED}`,
    'completed',
    '$7',
  ),
  // $1 id, $2 token, $3 now, $4 error, $5 process time, $6 expired by (or NULL), $7 origin
  jobFail: withEvent(
    `UPDATE jobs SET status = 'failed', error = $4::jsonb, process_time = $5, failed_at = $3, updated_at = $3,
       credits_refunded = credits_charged, ${LEASE_CLEARED}, event_seq = event_seq + 1
     WHERE ${LEASED} AND ${EXPIRED_BY}`,
    'failed',
    '$7',
  ),
  // As jobFail, and $7 run at, $8 origin
  jobRetry: withEvent(
    `UPDATE jobs SET status = 'pending', error = $4::jsonb, process_time = $5, run_at = $7, updated_at = $3,
       ${LEASE_CLEARED}, event_seq = event_seq + 1
     WHERE ${LEASED} AND ${EXPIRED_BY}`,
    'retrying',
    '$8',
  ),
  // $1 id, $2 token, $3 now, $4 origin, $5 run at, $6 error. A hand-back does not count as an
  // attempt. A deferral also sets when and why (NULL keeps them).
  jobRelease: withEvent(
    `UPDATE jobs SET status = 'pending', attempts = attempts - 1, run_at = coalesce($5::timestamptz, run_at),
       error = coalesce($6::jsonb, error), updated_at = $3, ${LEASE_CLEARED}, event_seq = event_seq + 1
     WHERE ${LEASED}`,
    'released',
    '$4',
  ),
  // $1 id, $2 account, $3 now, $4 origin. In SET, `status` is still the old value: a running job
  // records that it was stopped, and that its attempt ran until now (no worker reports into a
  // cancelled job).
  jobCancel: withEvent(
    `UPDATE jobs SET status = 'cancelled', cancelled_at = $3, updated_at = $3,
       error = CASE WHEN status = 'running' THEN '{"code":"cancelled"}'::jsonb ELSE NULL END,
       process_time = CASE WHEN status = 'running'
         THEN GREATEST(0, floor(extract(epoch FROM ($3::timestamptz - started_at)) * 1000))::bigint ELSE process_time END,
       credits_refunded = credits_charged, ${LEASE_CLEARED}, event_seq = event_seq + 1
     WHERE id = $1 AND account_id = $2 AND status IN ('pending', 'running')`,
    'cancelled',
    '$4',
  ),
  // $1 before, $2 limit: final jobs that became final before then, oldest first.
  jobListFinishedBefore: `
    SELECT id FROM jobs WHERE status IN ('completed', 'failed', 'cancelled') AND updated_at < $1 ORDER BY updated_at LIMIT $2`,
  // $1 ids, $2 finished before. Rows are locked in id order and skipped when another purge holds
  // them, so two purges never wait on each other; the guard repeats the list's condition. Lock
  // order: job rows, then (below) their delivery rows, as every job write takes them.
  jobLockDeletable: `
    SELECT id FROM jobs WHERE id = ANY ($1) AND status IN ('completed', 'failed', 'cancelled') AND updated_at < $2
    ORDER BY id FOR UPDATE SKIP LOCKED`,
  // What a deleted job leaves behind, children before parents; each takes $1, the job ids.
  jobDeleteCascade: [
    'DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE job_id = ANY ($1))',
    'DELETE FROM webhook_deliveries WHERE job_id = ANY ($1)',
    'DELETE FROM job_events WHERE job_id = ANY ($1)',
    'DELETE FROM jobs WHERE id = ANY ($1)',
  ],
  // $1 account, $2 job id: a job purged by its owner takes the keys that name it along.
  idempotencyDeleteForJob: 'DELETE FROM idempotency_keys WHERE account_id = $1 AND job_id = $2',
  // $1 job id, $2 account: the job's status, its row locked for the purge.
  jobLockForPurge: 'SELECT account_id, status FROM jobs WHERE id = $1 AND account_id = $2 FOR UPDATE',
  // $1 now, $2 limit: up to limit records expired by now.
  idempotencyPurge: `DELETE FROM idempotency_keys WHERE ctid IN (SELECT ctid FROM idempotency_keys WHERE expires_at <= $1 LIMIT $2)`,
  // $1 now, $2 limit; walks the partial running index by expiry.
  jobListExpired: `SELECT * FROM jobs WHERE status = 'running' AND lease_expires_at <= $1 ORDER BY lease_expires_at LIMIT $2`,

  // The newest event visible now.
  eventLatestId: 'SELECT COALESCE(max(id), 0) AS id FROM job_events',
  // $1 horizon: the newest event at or below it (ids past the newest event were rolled back)
  eventLatestSettled: 'SELECT COALESCE(max(id), 0) AS id FROM job_events WHERE id <= $1',
  // $1 writer lock class, $2 writer lock key, $3 wait ms (see event_horizon in the migration)
  eventHorizon: 'SELECT event_horizon($1, $2, $3) AS id',
  // Other writers' changes in (after, horizon], each with its job as it is now:
  // $1 after, $2 horizon, $3 own origin, $4 limit
  eventFeed: `
    SELECT e.id AS event_id, e.kind AS event_kind, j.* FROM job_events e JOIN jobs j ON j.id = e.job_id
    WHERE e.id > $1 AND e.id <= $2 AND e.origin <> $3 ORDER BY e.id LIMIT $4`,

  // $1 id, $2 new secret, $3 when the replaced one stops signing (SET sees the old webhook_secret).
  accountRotateWebhookSecret: `
    UPDATE accounts SET previous_webhook_secret = webhook_secret, previous_webhook_secret_expires_at = $3, webhook_secret = $2
    WHERE id = $1 RETURNING *`,
  // $1 id: the secrets, which domain/webhookSecrets.ts filters by their grace period.
  accountWebhookSecrets: 'SELECT webhook_secret, previous_webhook_secret, previous_webhook_secret_expires_at FROM accounts WHERE id = $1',

  // $1… the new delivery's values in DELIVERY_COLUMNS order (see deliveryInsertValues).
  deliveryInsert: `INSERT INTO webhook_deliveries (${DELIVERY_COLUMNS.join(', ')}) VALUES (${DELIVERY_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`,
  // $1 now, $2 lease until, $3 limit. Due pending rows and rows whose sender's lease ran out, each
  // branch walking its partial index and skipping rows another dispatcher holds; `chosen` keeps
  // the oldest due. MATERIALIZED so the locking subqueries run once (see jobClaim). The driver
  // hands the claimed rows out in domain/claimOrder.ts compareDeliveryOrder (by id).
  deliveryClaim: `
    WITH due AS MATERIALIZED (
      SELECT id, next_attempt_at AS at FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= $1
      ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED),
    expired AS MATERIALIZED (
      SELECT id, lease_expires_at AS at FROM webhook_deliveries WHERE state = 'delivering' AND lease_expires_at <= $1
      ORDER BY lease_expires_at LIMIT $3 FOR UPDATE SKIP LOCKED),
    chosen AS MATERIALIZED (SELECT id FROM (SELECT * FROM due UNION ALL SELECT * FROM expired) picked ORDER BY at, id LIMIT $3)
    UPDATE webhook_deliveries d SET state = 'delivering', next_attempt_at = NULL,
      lease_token = replace(gen_random_uuid()::text, '-', ''), lease_expires_at = $2, updated_at = $1
    FROM chosen WHERE d.id = chosen.id
    RETURNING d.*`,
  // $1 id, $2 token, $3 state, $4 next attempt at, $5 now, then the attempt: $6 started at,
  // $7 status code, $8 error, $9 duration. A manual redelivery is one attempt: manual is cleared.
  deliveryRecord: `
    WITH d AS (
      UPDATE webhook_deliveries SET state = $3, attempts = attempts + 1, next_attempt_at = $4, manual = false,
        lease_token = NULL, lease_expires_at = NULL, updated_at = $5
      WHERE id = $1 AND state = 'delivering' AND lease_token = $2 RETURNING *),
    a AS (
      INSERT INTO webhook_attempts (delivery_id, attempt, started_at, status_code, error, duration_ms)
      SELECT id, attempts, $6, $7, $8, $9 FROM d)
    SELECT * FROM d`,
  // $1 job
  deliveryListByJob: 'SELECT * FROM webhook_deliveries WHERE job_id = $1 ORDER BY id',
  // $1 job; in any order (withAttempts sorts them)
  attemptListByJob: 'SELECT a.* FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.job_id = $1',
  // $1 id, $2 job, $3 now. In SET, `state` is still the old value: only a finished delivery becomes a manual one.
  deliveryRedeliver: `
    UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = $3, updated_at = $3,
      manual = CASE WHEN state = 'pending' THEN manual ELSE true END
    WHERE id = $1 AND job_id = $2 AND state <> 'delivering' RETURNING *`,
  // $1 id, $2 job
  deliveryGet: 'SELECT * FROM webhook_deliveries WHERE id = $1 AND job_id = $2',

  // The token bucket of domain/rateBucket.ts in one statement: a new key starts full less one; a
  // known one refills (rate_refilled, see the migration) and spends a token if it has a whole one.
  // The row lock serialises one key's requests across nodes. $1 key, $2 now, $3 rate/s, $4 burst.
  rateTake: `INSERT INTO rate_buckets AS b (key, tokens, at, allowed) VALUES ($1, $4::float8 - 1, $2, true)
    ON CONFLICT (key) DO UPDATE SET
      tokens = rate_refilled(b.tokens, b.at, $2, $3, $4) - (rate_refilled(b.tokens, b.at, $2, $3, $4) >= 1)::int,
      allowed = rate_refilled(b.tokens, b.at, $2, $3, $4) >= 1,
      at = greatest(b.at, $2)
    RETURNING tokens, allowed`,
  // Totals from the counters (shards summed); the earliest runAt is one seek of jobs_pending_run_at per type.
  jobQueueStats: `
    SELECT c.type, c.pending, c.running,
      (SELECT run_at FROM jobs WHERE status = 'pending' AND type = c.type ORDER BY run_at LIMIT 1) AS earliest_run_at
    FROM (
      SELECT type, (sum(count) FILTER (WHERE status = 'pending'))::bigint AS pending,
        (sum(count) FILTER (WHERE status = 'running'))::bigint AS running
      FROM job_counters WHERE status IN ('pending', 'running') GROUP BY type
    ) c ORDER BY c.type`,
  // The id range lets the primary key's order find the window; created_at then trims it exactly.
  // $1 account, $2 id from, $3 id to, $4 from, $5 to
  usageSummary: `
    SELECT type, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*) AS jobs,
      count(*) FILTER (WHERE status = 'completed') AS completed, count(*) FILTER (WHERE status = 'failed') AS failed,
      count(*) FILTER (WHERE status = 'cancelled') AS cancelled, sum(credits_charged)::bigint AS "creditsCharged",
      sum(credits_refunded)::bigint AS "creditsRefunded", sum(size)::bigint AS bytes
    FROM jobs
    WHERE account_id = $1 AND id >= $2 AND id < $3 AND created_at >= $4 AND created_at < $5
    GROUP BY type, day ORDER BY day, type`,
  // As usageSummary, and $6 type or NULL
  usageProcessTimes: `
    SELECT process_time AS t FROM jobs
    WHERE account_id = $1 AND id >= $2 AND id < $3 AND created_at >= $4 AND created_at < $5
      AND status IN ('completed', 'failed') AND ($6::text IS NULL OR type = $6::text)
    ORDER BY process_time`,
} as const;

/**
 * jobListSql builds the list and total queries for one filter shape, and their parameters. One
 * status uses the (account, status, id) index in order; a status list or a type filter narrows by
 * index then sorts. Totals come from the counters, never from count(*) over jobs.
 */
export function jobListSql(p: { accountId: string; statuses: readonly string[]; type?: string; beforeId?: string; limit: number; offset: number }) {
  const params: unknown[] = [p.accountId];
  const filters = ['account_id = $1'];
  if (p.statuses.length === 1) filters.push(`status = $${params.push(p.statuses[0])}`);
  if (p.statuses.length > 1) filters.push(`status = ANY ($${params.push(p.statuses)}::text[])`);
  if (p.type !== undefined) filters.push(`type = $${params.push(p.type)}`);
  const where = filters.join(' AND ');
  const totalParams = params.slice();
  const before = p.beforeId !== undefined ? ` AND id < $${params.push(p.beforeId)}` : '';
  const page = ` LIMIT $${params.push(p.limit)} OFFSET $${params.push(p.offset)}`;
  return {
    listSql: `SELECT * FROM jobs WHERE ${where}${before} ORDER BY id DESC${page}`,
    listParams: params,
    totalSql: `SELECT COALESCE(sum(count), 0)::bigint AS total FROM job_counters WHERE ${where}`,
    totalParams,
  };
}
