import type { Registry } from 'prom-client';
import type { Clock } from '../domain/index.js';
import type { Store } from '../store/index.js';
import { scrapedGauges, waitedSeconds } from './scrapedGauges.js';

/** TOP_ACCOUNTS is how many accounts get a label of their own; the rest add up under `other`. */
export const TOP_ACCOUNTS = 10;
/** OTHER_ACCOUNTS is the `account` label of the accounts outside the top. */
export const OTHER_ACCOUNTS = 'other';

interface AccountRow {
  account: string;
  pending: number;
  running: number;
  /** waitedSeconds is how long the account's oldest pending job has waited since its runAt (null for `other`). */
  waitedSeconds: number | null;
}

/**
 * watchAccountQueues adds the per-account queue gauges to `registry`, read from the store at each
 * scrape: the TOP_ACCOUNTS accounts with the most pending jobs by id, and `other` for the rest,
 * so the label's cardinality stays bounded however many accounts there are. Depths come from the
 * counters; each top account's wait is one index seek to its oldest pending job.
 */
export function watchAccountQueues(registry: Registry, store: Store, clock: Clock): void {
  const gauge = scrapedGauges(registry, 'account', () => readRows(store, clock), (row) => row.account);
  gauge('longrun_account_pending_jobs', `Jobs waiting to run, by account: the ${TOP_ACCOUNTS} with the most, and "other".`, (r) => r.pending);
  gauge('longrun_account_running_jobs', `Jobs running now, by account: the ${TOP_ACCOUNTS} with the most pending, and "other".`, (r) => r.running);
  gauge(
    'longrun_account_oldest_pending_seconds',
    `How long the oldest pending job of each of the ${TOP_ACCOUNTS} accounts with the most pending has waited since its runAt.`,
    (r) => r.waitedSeconds,
  );
}

async function readRows(store: Store, clock: Clock): Promise<AccountRow[]> {
  const stats = await store.accountQueueStats();
  const top = stats.slice(0, TOP_ACCOUNTS);
  const rest = stats.slice(TOP_ACCOUNTS);
  const now = clock.now().getTime();
  const rows = await Promise.all(
    top.map(async (s): Promise<AccountRow> => {
      const oldest = s.pending > 0 ? await store.accountOldestPending({ accountId: s.accountId }) : null;
      return { account: s.accountId, pending: s.pending, running: s.running, waitedSeconds: oldest === null ? 0 : waitedSeconds(now, oldest) };
    }),
  );
  if (rest.length > 0) {
    const sum = (f: (s: (typeof rest)[number]) => number) => rest.reduce((n, s) => n + f(s), 0);
    rows.push({ account: OTHER_ACCOUNTS, pending: sum((s) => s.pending), running: sum((s) => s.running), waitedSeconds: null });
  }
  return rows;
}
