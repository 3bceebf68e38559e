import { DELIVERY_COLUMNS } from '../deliveryColumns.js';
import { type JobListParams, TOTAL_COUNT_CAP, countersServe, createdIdRange } from '../jobFilter.js';
import { CREDIT_ENTRY, JOB_WRITE_SQL } from './jobWriteSql.js';

/**
 * The PostgreSQL driver's queries, one per store method, with positional parameters. Names are
 * unqualified: every connection runs with `search_path` set to the store's schema. The job writes
 * are in jobWriteSql.ts.
 *
 * Times are the `now` the caller passes: tests inject clocks, and production processes pass the
 * database's clock through DatabaseClock, so leases and runAt are judged by one clock.
 */

/** SQL holds the driver's fixed queries, by store method; the comment above each gives its parameters. */
export const SQL = {
  ...JOB_WRITE_SQL,

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
    ${CREDIT_ENTRY}`,

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

  // $1 id
  jobGet: 'SELECT * FROM jobs WHERE id = $1',

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
  // $1 wait ms (see event_horizon in migrations 0001 and 0010)
  eventHorizon: 'SELECT event_horizon($1) AS id',
  // Other writers' changes in (after, horizon], each with its job as it is now:
  // $1 after, $2 horizon, $3 own origin, $4 limit
  eventFeed: `
    SELECT e.id AS event_id, e.kind AS event_kind, e.seq AS event_number, j.* FROM job_events e JOIN jobs j ON j.id = e.job_id
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
  // As usageSummary's window, and $6 the bucket in ms.
  jobStatsBuckets: `
    SELECT (floor(extract(epoch FROM created_at) * 1000 / $6) * $6)::bigint AS bucket, type, status, count(*)::int AS jobs,
      count(started_at)::int AS started, COALESCE(round(sum(extract(epoch FROM started_at - created_at) * 1000)), 0)::bigint AS "waitMs"
    FROM jobs
    WHERE account_id = $1 AND id >= $2 AND id < $3 AND created_at >= $4 AND created_at < $5
    GROUP BY 1, type, status ORDER BY 1, type, status`,
  jobStatsQueue: `
    SELECT type, COALESCE(sum(count) FILTER (WHERE status = 'pending'), 0)::int AS pending,
      COALESCE(sum(count) FILTER (WHERE status = 'running'), 0)::int AS running
    FROM job_counters WHERE account_id = $1 AND status IN ('pending', 'running') GROUP BY type HAVING sum(count) > 0 ORDER BY type`,
} as const;

/**
 * jobListSql builds the list and total queries for one filter, and their parameters. One status
 * uses the (account, status, id) index in order; a status list or a type filter narrows by index
 * then sorts. A status and type filter's total comes from the counters, never from count(*) over
 * jobs; any other filter's total is a count that stops at TOTAL_COUNT_CAP + 1 rows.
 */
export function jobListSql(p: JobListParams) {
  const params: unknown[] = [p.accountId];
  const filters = ['account_id = $1'];
  const statuses = p.statuses ?? [];
  if (statuses.length === 1) filters.push(`status = $${params.push(statuses[0])}`);
  if (statuses.length > 1) filters.push(`status = ANY ($${params.push(statuses)}::text[])`);
  if (p.type !== undefined) filters.push(`type = $${params.push(p.type)}`);
  if (p.metadata !== undefined) filters.push(`metadata @> jsonb_build_object($${params.push(p.metadata.key)}::text, $${params.push(p.metadata.value)}::text)`);
  if (p.errorCode !== undefined) filters.push(`error->>'code' = $${params.push(p.errorCode)}`);
  if (p.priority !== undefined) filters.push(`priority = $${params.push(p.priority)}`);
  if (p.originalJobId !== undefined) filters.push(`original_job_id = $${params.push(p.originalJobId)}`);
  const { fromId, toId } = createdIdRange(p);
  if (fromId !== undefined) filters.push(`id >= $${params.push(fromId)}`);
  if (toId !== undefined) filters.push(`id < $${params.push(toId)}`);
  const where = filters.join(' AND ');
  const totalParams = params.slice();
  const before = p.beforeId !== undefined ? ` AND id < $${params.push(p.beforeId)}` : '';
  const page = ` LIMIT $${params.push(p.limit)} OFFSET $${params.push(p.offset ?? 0)}`;
  const counted = countersServe(p);
  return {
    listSql: `SELECT * FROM jobs WHERE ${where}${before} ORDER BY id DESC${page}`,
    listParams: params,
    counted,
    totalSql: counted
      ? `SELECT COALESCE(sum(count), 0)::bigint AS total FROM job_counters WHERE ${where}`
      : `SELECT count(*)::bigint AS total FROM (SELECT 1 FROM jobs WHERE ${where} LIMIT ${TOTAL_COUNT_CAP + 1}) matching`,
    totalParams,
  };
}
