import { dependenciesMet, startable } from './claimAdmission.js';

/**
 * SchedulingStore is the part of the Store contract behind fair scheduling (migration 0018): an
 * account's weight and concurrency caps, and where a pending job stands in its queue. The claim
 * order itself is domain/claimOrder.ts; the caps' check in the claim is store/claimAdmission.ts.
 */
export interface SchedulingStore {
  /** accountSchedulingGet is the account's weight and caps, or null for an unknown account. */
  accountSchedulingGet(p: { accountId: string }): Promise<AccountScheduling | null>;
  /**
   * accountSchedulingSet changes what `change` gives and keeps the rest: `maxConcurrency` null
   * removes the account's cap, and each `maxConcurrencyByType` entry sets (or, null, removes) that
   * type's cap. A new cap counts the account's running jobs as it is set, after every write in
   * flight has finished, so no claim can slip past it. Throws NotFoundError for an unknown account.
   */
  accountSchedulingSet(p: { accountId: string; change: SchedulingChange }): Promise<AccountScheduling>;
  /** cappedAccountIds lists the accounts that have a cap of any kind (a slot they free can wake a worker). */
  cappedAccountIds(): Promise<string[]>;
  /**
   * jobQueueAhead counts the due pending jobs of the job's type that a claim takes before it (claim
   * order, caps aside), reading at most `bound` jobs of each priority band: an answer of `bound` or
   * more means "at least". Null when the job is not pending.
   */
  jobQueueAhead(p: { id: string; now: Date; bound: number }): Promise<number | null>;
  /** accountQueueStats lists each account with pending or running jobs, from the counters, most pending first. */
  accountQueueStats(): Promise<AccountQueueStat[]>;
  /** accountOldestPending is the runAt of the account's oldest pending job (by creation), or null when it has none. */
  accountOldestPending(p: { accountId: string }): Promise<Date | null>;
  /** jobRecentStarts is how many of the last `limit` starts of `type` since `since` there were, and the earliest of them. */
  jobRecentStarts(p: { type: string; since: Date; limit: number }): Promise<{ count: number; earliest: Date | null }>;
}

/** AccountQueueStat is one account's share of the queue: its jobs waiting and running. */
export interface AccountQueueStat {
  accountId: string;
  pending: number;
  running: number;
}

/** AccountScheduling is an account's share of the queue and its caps on running jobs. */
export interface AccountScheduling {
  accountId: string;
  /** weight is the account's share: weight 2 gets two turns to a weight-1 account's one (default 1). */
  weight: number;
  /** maxConcurrency caps the account's running jobs; null is unlimited. */
  maxConcurrency: number | null;
  /** maxConcurrencyByType caps the account's running jobs of each listed type. */
  maxConcurrencyByType: Record<string, number>;
  /** running is how many of the account's jobs run now, as its caps count them (null without an account cap). */
  running: number | null;
}

/** SchedulingChange is what accountSchedulingSet changes; an absent field is kept. */
export interface SchedulingChange {
  weight?: number;
  maxConcurrency?: number | null;
  maxConcurrencyByType?: Record<string, number | null>;
}

/** ACCOUNT_CAP_TYPE is the `type` of an account_limits row that caps the whole account. */
export const ACCOUNT_CAP_TYPE = '';

/** LimitRow is one account_limits row as both drivers read it. */
export interface LimitRow {
  type: string;
  max_concurrency: number;
  running: number;
}

/** schedulingFromRows assembles an account's scheduling from its weight and its account_limits rows. */
export function schedulingFromRows(accountId: string, weight: number, limits: readonly LimitRow[]): AccountScheduling {
  const account = limits.find((l) => l.type === ACCOUNT_CAP_TYPE);
  const byType = Object.fromEntries(limits.filter((l) => l.type !== ACCOUNT_CAP_TYPE).map((l) => [l.type, Number(l.max_concurrency)]));
  return {
    accountId,
    weight: Number(weight),
    maxConcurrency: account ? Number(account.max_concurrency) : null,
    maxConcurrencyByType: byType,
    running: account ? Number(account.running) : null,
  };
}

/** capChanges lists the cap rows a change sets (a number) or removes (null), by account_limits type. */
export function capChanges(change: SchedulingChange): Array<[type: string, max: number | null]> {
  const changes: Array<[string, number | null]> = [];
  if (change.maxConcurrency !== undefined) changes.push([ACCOUNT_CAP_TYPE, change.maxConcurrency]);
  for (const [type, max] of Object.entries(change.maxConcurrencyByType ?? {})) changes.push([type, max]);
  return changes;
}

/**
 * SCHEDULING_SQL holds the statements of SchedulingStore, the same text for both drivers
 * (PostgreSQL's `$1`; the SQLite driver numbers them `?1`).
 */
export const SCHEDULING_SQL = {
  weightGet: 'SELECT weight FROM accounts WHERE id = $1',
  weightSet: 'UPDATE accounts SET weight = coalesce($2, weight) WHERE id = $1 RETURNING weight',
  limits: 'SELECT type, max_concurrency, running FROM account_limits WHERE account_id = $1 ORDER BY type',
  limitDelete: 'DELETE FROM account_limits WHERE account_id = $1 AND type = $2',
  // A new cap starts from the jobs running now; an existing one keeps the count its writes keep.
  limitPut: `
    INSERT INTO account_limits (account_id, type, max_concurrency, running)
    SELECT CAST($1 AS TEXT), CAST($2 AS TEXT), CAST($3 AS INTEGER),
      (SELECT count(*) FROM jobs WHERE account_id = $1 AND status = 'running' AND ($2 = '' OR type = $2)) WHERE true
    ON CONFLICT (account_id, type) DO UPDATE SET max_concurrency = excluded.max_concurrency`,
  cappedAccounts: 'SELECT DISTINCT account_id FROM account_limits ORDER BY account_id',
  // Two bounded index ranges: the higher priorities, then the earlier turns of the job's own; due
  // jobs only, and none a claim would pass over for its start deadline or its dependencies.
  queueAhead: `
    SELECT
      (SELECT count(*) FROM (SELECT 1 FROM jobs o WHERE o.status = 'pending' AND o.type = me.type AND o.priority > me.priority
        AND ${startable('o', '$2')} AND ${dependenciesMet('o')} LIMIT $3) higher)
      + (SELECT count(*) FROM (SELECT 1 FROM jobs o WHERE o.status = 'pending' AND o.type = me.type AND o.priority = me.priority
        AND (o.fair_seq, o.id) < (me.fair_seq, me.id) AND ${startable('o', '$2')} AND ${dependenciesMet('o')} LIMIT $3) earlier) AS ahead
    FROM jobs me WHERE me.id = $1 AND me.status = 'pending'`,
  accountQueueStats: `
    SELECT account_id, sum(CASE WHEN status = 'pending' THEN count ELSE 0 END) AS pending,
      sum(CASE WHEN status = 'running' THEN count ELSE 0 END) AS running
    FROM job_counters WHERE status IN ('pending', 'running') GROUP BY account_id HAVING sum(count) > 0
    ORDER BY pending DESC, running DESC, account_id`,
  // Ids sort by creation: the account's first pending id in its status index is its oldest.
  accountOldestPending: "SELECT run_at FROM jobs WHERE account_id = $1 AND status = 'pending' ORDER BY id LIMIT 1",
  recentStarts: `
    SELECT count(*) AS count, min(started_at) AS earliest FROM (
      SELECT started_at FROM jobs WHERE type = $1 AND started_at >= $2 ORDER BY started_at DESC LIMIT $3) recent`,
} as const;
