import { DELIVERY_COLUMNS } from '../deliveryColumns.js';
import { CLAIM_ORDER, admissionCtes, dependenciesMet, notAtCap, startable } from '../claimAdmission.js';
import { JOB_COLUMNS } from '../jobColumns.js';
import { type JobListParams, TOTAL_COUNT_CAP, countersServe, createdIdRange } from '../jobFilter.js';

/**
 * The SQLite driver's queries, one per store method. Named parameters (`@now`) where a query has
 * many; the lease guard `status = 'running' AND lease_token = @token` fences every worker write.
 */


/** jobInsertSql inserts a whole job row from named parameters. */
export const jobInsertSql = `INSERT INTO jobs (${JOB_COLUMNS.join(', ')}) VALUES (${JOB_COLUMNS.map((c) => `@${c}`).join(', ')})`;

const LEASED = `id = @id AND status = 'running' AND lease_token = @token`;
// The ended attempt's token is kept (see migration 0008): a repeated `complete` is recognised by it.
const LEASE_CLEARED = `last_lease_token = coalesce(lease_token, last_lease_token), lease_token = NULL, lease_expires_at = NULL`;

/** SQL holds the driver's fixed queries, by store method. */
// A pending job failed with @error at @now, refunded in full (the refund's ledger row is the
// driver's): the update of both writes that end jobs which can no longer start.
const FAIL_PENDING = `UPDATE jobs SET status = 'failed', error = @error, failed_at = @now, updated_at = @now,
      credits_refunded = credits_charged, event_seq = event_seq + 1`;

export const SQL = {
  accountInsert: 'INSERT INTO accounts (id, name, credit_balance, webhook_secret, created_at) VALUES (?, ?, ?, ?, ?)',
  accountGet: 'SELECT * FROM accounts WHERE id = ?',
  accountFindByName: 'SELECT * FROM accounts WHERE name = ? ORDER BY id',
  // Keyset pages: '' sorts before every id, so the first page needs no second query.
  accountList: 'SELECT * FROM accounts WHERE id > ? ORDER BY id LIMIT ?',
  apiKeyList: 'SELECT * FROM api_keys WHERE id > ? ORDER BY id LIMIT ?',
  apiKeyListByAccount: 'SELECT * FROM api_keys WHERE account_id = ? AND id > ? ORDER BY id LIMIT ?',
  // An unlimited (NULL) balance stays unlimited.
  accountAddBalance: 'UPDATE accounts SET credit_balance = credit_balance + ? WHERE id = ? AND credit_balance IS NOT NULL',
  apiKeyInsert: 'INSERT INTO api_keys (id, account_id, secret_hash, last4, created_at) VALUES (?, ?, ?, ?, ?)',
  // OR IGNORE: the unique (job_id, kind) index turns a second refund into a no-op the caller can see.
  ledgerInsert: 'INSERT OR IGNORE INTO ledger (id, account_id, job_id, kind, amount, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  idempotencyGet: 'SELECT request_hash, job_id, expires_at FROM idempotency_keys WHERE account_id = ? AND key = ?',
  idempotencyPut: 'INSERT OR REPLACE INTO idempotency_keys (account_id, key, request_hash, job_id, expires_at) VALUES (?, ?, ?, ?, ?)',
  eventInsert: `
    INSERT INTO job_events (job_id, seq, account_id, kind, status, progress, status_message, origin, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  eventLatestId: 'SELECT COALESCE(MAX(id), 0) AS id FROM job_events',
  // Other writers' changes since a point, each with its job as it is now.
  eventFeed: `
    SELECT e.id AS event_id, e.kind AS event_kind, e.seq AS event_number, j.* FROM job_events e JOIN jobs j ON j.id = e.job_id
    WHERE e.id > ? AND e.origin <> ? ORDER BY e.id LIMIT ?`,
  jobGet: 'SELECT * FROM jobs WHERE id = ?',

  // @set_checkpoint 0 keeps the stored checkpoint; 1 replaces it with @checkpoint (NULL clears it).
  jobHeartbeat: `
    UPDATE jobs SET lease_expires_at = @lease_until, checkpoint = CASE WHEN @set_checkpoint = 1 THEN @checkpoint ELSE checkpoint END
    WHERE ${LEASED} RETURNING *`,
  jobProgress: `
    UPDATE jobs SET progress = @progress, status_message = @message, updated_at = @now, event_seq = event_seq + 1
    WHERE ${LEASED} RETURNING *`,
  jobComplete: `
    UPDATE jobs SET status = 'completed', progress = 100, output = @output, error = NULL, size = @size,
      process_time = @process_time, completed_at = @now, updated_at = @now, ${LEASE_CLEARED}, event_seq = event_seq + 1
    WHERE ${LEASED} RETURNING *`,
  // @expired_by is the reaper's re-check: only a lease that really ran out may be failed by it.
  jobFail: `
    UPDATE jobs SET status = 'failed', error = @error, process_time = @process_time, failed_at = @now, updated_at = @now,
      credits_refunded = credits_charged, ${LEASE_CLEARED}, event_seq = event_seq + 1
    WHERE ${LEASED} AND (@expired_by IS NULL OR lease_expires_at <= @expired_by) RETURNING *`,
  jobRetry: `
    UPDATE jobs SET status = 'pending', error = @error, process_time = @process_time, run_at = @run_at, updated_at = @now,
      ${LEASE_CLEARED}, event_seq = event_seq + 1
    WHERE ${LEASED} AND (@expired_by IS NULL OR lease_expires_at <= @expired_by) RETURNING *`,
  // A hand-back does not count as an attempt. A deferral also sets when and why (NULL keeps them).
  jobRelease: `
    UPDATE jobs SET status = 'pending', attempts = attempts - 1, run_at = coalesce(@run_at, run_at), error = coalesce(@error, error),
      updated_at = @now, ${LEASE_CLEARED}, event_seq = event_seq + 1
    WHERE ${LEASED} RETURNING *`,
  // In SET, `status` is still the old value: a running job records that it was stopped, and that
  // its attempt ran until now (no worker reports into a cancelled job).
  jobCancel: `
    UPDATE jobs SET status = 'cancelled', cancelled_at = @now, updated_at = @now,
      error = CASE WHEN status = 'running' THEN '{"code":"cancelled"}' ELSE NULL END,
      process_time = CASE WHEN status = 'running' THEN max(0, @now - started_at) ELSE process_time END,
      credits_refunded = credits_charged, ${LEASE_CLEARED}, event_seq = event_seq + 1
    WHERE id = @id AND account_id = @account AND status IN ('pending', 'running') RETURNING *`,
  jobListFinishedBefore: `
    SELECT id FROM jobs INDEXED BY jobs_finished
    WHERE status IN ('completed', 'failed', 'cancelled') AND updated_at < ? ORDER BY updated_at LIMIT ?`,
  // $ids is a JSON array; the guard repeats the list's condition, so a job is deleted only while it holds.
  jobListDeletable: `
    SELECT id FROM jobs WHERE id IN (SELECT value FROM json_each(@ids))
      AND status IN ('completed', 'failed', 'cancelled') AND updated_at < @before`,
  // What a deleted job leaves behind, children before parents; each takes a JSON array of job ids.
  jobDeleteCascade: [
    'DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE job_id IN (SELECT value FROM json_each(?)))',
    'DELETE FROM webhook_deliveries WHERE job_id IN (SELECT value FROM json_each(?))',
    'DELETE FROM job_events WHERE job_id IN (SELECT value FROM json_each(?))',
    'DELETE FROM jobs WHERE id IN (SELECT value FROM json_each(?))',
  ],
  // A job purged by its owner: the keys that name it go with it.
  idempotencyDeleteForJob: 'DELETE FROM idempotency_keys WHERE account_id = ? AND job_id = ?',
  idempotencyPurge: `
    DELETE FROM idempotency_keys WHERE (account_id, key) IN (
      SELECT account_id, key FROM idempotency_keys WHERE expires_at <= ? LIMIT ?)`,
  // Pending jobs past their deadline to start, oldest deadline first (jobs_pending_start_by), failed
  // with @error; the guard is the list's own, so a job is failed only while it holds.
  jobExpire: `
    ${FAIL_PENDING}
    WHERE id IN (
      SELECT id FROM jobs INDEXED BY jobs_pending_start_by
      WHERE status = 'pending' AND start_by IS NOT NULL AND start_by < @now ORDER BY start_by, id LIMIT @limit)
    RETURNING *`,
  // Whether any account has a cap: the claim takes a cheaper shape without (jobClaimSql).
  anyCap: 'SELECT EXISTS (SELECT 1 FROM account_limits) AS capped',
  // One pending job failed with @error (a dependency of it failed: see failBlockedJobs).
  jobFailPending: `
    ${FAIL_PENDING}
    WHERE id = @id AND status = 'pending'
    RETURNING *`,
  jobListExpired: `
    SELECT * FROM jobs INDEXED BY jobs_running_lease
    WHERE status = 'running' AND lease_expires_at <= ? ORDER BY lease_expires_at LIMIT ?`,

  // The replaced secret keeps signing until @expires (SET sees the old webhook_secret).
  accountRotateWebhookSecret: `
    UPDATE accounts SET previous_webhook_secret = webhook_secret, previous_webhook_secret_expires_at = @expires, webhook_secret = @secret
    WHERE id = @id RETURNING *`,
  accountWebhookSecrets: 'SELECT webhook_secret, previous_webhook_secret, previous_webhook_secret_expires_at FROM accounts WHERE id = ?',

  deliveryInsert: `INSERT INTO webhook_deliveries (${DELIVERY_COLUMNS.join(', ')}) VALUES (${DELIVERY_COLUMNS.map(() => '?').join(', ')})`,
  // Due pending rows and rows whose sender's lease ran out, oldest due first, each under a fresh
  // lease; the driver hands them out in domain/claimOrder.ts compareDeliveryOrder (by id).
  deliveryClaim: `
    UPDATE webhook_deliveries SET state = 'delivering', next_attempt_at = NULL, lease_token = lower(hex(randomblob(16))),
      lease_expires_at = @lease_until, updated_at = @now
    WHERE id IN (SELECT id FROM (
      SELECT id, next_attempt_at AS due FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= @now
      UNION ALL
      SELECT id, lease_expires_at AS due FROM webhook_deliveries WHERE state = 'delivering' AND lease_expires_at <= @now
      ORDER BY due, id LIMIT @limit))
    RETURNING *`,
  // A manual redelivery is one attempt: once it is recorded the delivery is automatic again.
  deliveryRecord: `
    UPDATE webhook_deliveries SET state = @state, attempts = attempts + 1, next_attempt_at = @next_attempt_at,
      manual = 0, lease_token = NULL, lease_expires_at = NULL, updated_at = @now
    WHERE id = @id AND state = 'delivering' AND lease_token = @token RETURNING *`,
  attemptInsert: `
    INSERT INTO webhook_attempts (delivery_id, attempt, started_at, status_code, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?)`,
  deliveryListByJob: 'SELECT * FROM webhook_deliveries WHERE job_id = ? ORDER BY id',
  attemptListByJob: `
    SELECT a.* FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.job_id = ?`,
  // In SET, `state` is still the old value: only a finished delivery becomes a manual one.
  deliveryRedeliver: `
    UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = @now, updated_at = @now,
      manual = CASE WHEN state = 'pending' THEN manual ELSE 1 END
    WHERE id = @id AND job_id = @job AND state <> 'delivering' RETURNING *`,
  deliveryGet: 'SELECT * FROM webhook_deliveries WHERE id = ? AND job_id = ?',

  // Totals from the counters; the earliest runAt is one seek of jobs_pending_run_at per type.
  jobQueueStats: `
    SELECT c.type, c.pending, c.running,
      (SELECT run_at FROM jobs WHERE status = 'pending' AND type = c.type ORDER BY run_at LIMIT 1) AS earliest_run_at
    FROM (
      SELECT type, SUM(CASE WHEN status = 'pending' THEN count ELSE 0 END) AS pending,
        SUM(CASE WHEN status = 'running' THEN count ELSE 0 END) AS running
      FROM job_counters WHERE status IN ('pending', 'running') GROUP BY type
    ) c ORDER BY c.type`,
  usageSummary: `
    SELECT type, strftime('%Y-%m-%d', created_at / 1000, 'unixepoch') AS day, COUNT(*) AS jobs,
      SUM(status = 'completed') AS completed, SUM(status = 'failed') AS failed, SUM(status = 'cancelled') AS cancelled,
      SUM(credits_charged) AS creditsCharged, SUM(credits_refunded) AS creditsRefunded, SUM(size) AS bytes
    FROM jobs
    WHERE account_id = @account AND id >= @id_from AND id < @id_to AND created_at >= @from AND created_at < @to
    GROUP BY type, day ORDER BY day, type`,
  usageProcessTimes: `
    SELECT process_time AS t FROM jobs
    WHERE account_id = @account AND id >= @id_from AND id < @id_to AND created_at >= @from AND created_at < @to
      AND status IN ('completed', 'failed') AND (@type IS NULL OR type = @type)
    ORDER BY process_time`,
  // The id range finds the window by the primary key, as in usageSummary. % is integer arithmetic
  // whatever @bucket is bound as (a JS number binds as a real, and / would not truncate).
  jobStatsBuckets: `
    SELECT created_at - created_at % @bucket AS bucket, type, status, COUNT(*) AS jobs, COUNT(started_at) AS started,
      COALESCE(SUM(started_at - created_at), 0) AS waitMs
    FROM jobs
    WHERE account_id = @account AND id >= @id_from AND id < @id_to AND created_at >= @from AND created_at < @to
    GROUP BY bucket, type, status ORDER BY bucket, type, status`,
  jobStatsQueue: `
    SELECT type, SUM(CASE WHEN status = 'pending' THEN count ELSE 0 END) AS pending,
      SUM(CASE WHEN status = 'running' THEN count ELSE 0 END) AS running
    FROM job_counters WHERE account_id = ? AND status IN ('pending', 'running') GROUP BY type HAVING SUM(count) > 0 ORDER BY type`,
} as const;

/**
 * jobListSql builds the list and total queries for one filter, and their parameters. One status
 * uses the (account, status, id) index in order; a status list or a type filter narrows by index
 * then sorts. A status and type filter's total comes from the counters the triggers keep, never
 * from COUNT(*) over jobs; any other filter's total is a count that stops at TOTAL_COUNT_CAP + 1 rows.
 */
export function jobListSql(p: JobListParams) {
  const params: unknown[] = [p.accountId];
  const filters: string[] = ['account_id = ?'];
  const add = (clause: string, ...values: unknown[]) => {
    filters.push(clause);
    params.push(...values);
  };
  const statuses = p.statuses ?? [];
  if (statuses.length === 1) add('status = ?', statuses[0]);
  if (statuses.length > 1) add(`status IN (${statuses.map(() => '?').join(', ')})`, ...statuses);
  if (p.type !== undefined) add('type = ?', p.type);
  // json_each compares the key as it is, with no JSON-path quoting of what a client sent.
  if (p.metadata !== undefined) add("EXISTS (SELECT 1 FROM json_each(metadata) m WHERE m.key = ? AND m.type = 'text' AND m.value = ?)", p.metadata.key, p.metadata.value);
  if (p.errorCode !== undefined) add("json_extract(error, '$.code') = ?", p.errorCode);
  if (p.priority !== undefined) add('priority = ?', p.priority);
  if (p.originalJobId !== undefined) add('original_job_id = ?', p.originalJobId);
  const { fromId, toId } = createdIdRange(p);
  if (fromId !== undefined) add('id >= ?', fromId);
  if (toId !== undefined) add('id < ?', toId);
  const where = filters.join(' AND ');
  const counted = countersServe(p);
  return {
    listSql: `SELECT * FROM jobs WHERE ${where}${p.beforeId !== undefined ? ' AND id < ?' : ''} ORDER BY id DESC LIMIT ? OFFSET ?`,
    listParams: [...params, ...(p.beforeId !== undefined ? [p.beforeId] : []), p.limit, p.offset ?? 0],
    counted,
    totalSql: counted
      ? `SELECT COALESCE(SUM(count), 0) AS total FROM job_counters WHERE ${where}`
      : `SELECT COUNT(*) AS total FROM (SELECT 1 FROM jobs WHERE ${where} LIMIT ${TOTAL_COUNT_CAP + 1})`,
    totalParams: params,
  };
}

/**
 * jobClaimSql is the claim for a worker that serves `typeCount` types (parameters @type0, @type1,
 * …): each type's head is read from the per-type pending index in claim order (run_at, start_by,
 * dependencies and the account's caps checked per row), the heads are merged, and the caps admit
 * what they have room for (store/claimAdmission.ts), so a claim never reads the pending jobs of
 * types it does not serve. `capped` says whether any account has a cap: without one, the caps'
 * check and admission can let nothing less through, and they were half of a claim's cost (0.9 ms
 * against 0.45 ms a statement), so that shape leaves them out; the one writer reads the answer
 * in the claim's own write, so no cap can come in between. Every ORDER BY here is the claim order
 * of domain/claimOrder.ts (compareClaimOrder; ids compare as bytes, SQLite's BINARY collation),
 * which the driver also sorts RETURNING's rows by.
 */
export function jobClaimSql(typeCount: number, capped: boolean): string {
  const key = `${typeCount}${capped ? 'c' : ''}`;
  let sql = claimSqlByShape.get(key);
  if (sql === undefined) {
    sql = buildJobClaimSql(typeCount, capped);
    claimSqlByShape.set(key, sql);
  }
  return sql;
}

// Claims run on the hot path: build each shape's text once.
const claimSqlByShape = new Map<string, string>();

function buildJobClaimSql(typeCount: number, capped: boolean): string {
  const heads = Array.from(
    { length: typeCount },
    (_, i) => `SELECT * FROM (SELECT id, account_id, type, priority, fair_seq FROM jobs INDEXED BY jobs_pending_type
        WHERE status = 'pending' AND type = @type${i} AND ${startable('jobs', '@now')}${capped ? ` AND ${notAtCap('jobs')}` : ''}
          AND ${dependenciesMet('jobs')}
        ORDER BY ${CLAIM_ORDER} LIMIT @limit)`,
  );
  const picked = `SELECT * FROM (${heads.join(' UNION ALL ')}) ORDER BY ${CLAIM_ORDER} LIMIT @limit`;
  const update = `
    UPDATE jobs SET status = 'running', attempts = attempts + 1, worker = @worker, started_at = @now, updated_at = @now,
      lease_token = lower(hex(randomblob(16))), lease_expires_at = @lease_until, event_seq = event_seq + 1`;
  if (!capped) return `${update}
    WHERE id IN (SELECT id FROM (${picked}))
    RETURNING *`;
  return `
    WITH picked AS MATERIALIZED (${picked}),${admissionCtes('')}${update}
    WHERE id IN (SELECT id FROM admitted)
    RETURNING *`;
}
