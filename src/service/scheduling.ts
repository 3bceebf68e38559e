import { InvalidRequestError, type Job, NotFoundError } from '../domain/index.js';
import type { AccountScheduling, SchedulingChange, Store } from '../store/index.js';
import type { ServiceDeps } from './deps.js';

/**
 * Fair scheduling's use cases: an account's weight and concurrency caps (admin), and a pending
 * job's place in its queue. The claim order itself is domain/claimOrder.ts.
 */

/** MAX_WEIGHT bounds an account's weight; MAX_CONCURRENCY_CAP a cap. */
export const MAX_WEIGHT = 1000;
export const MAX_CONCURRENCY_CAP = 100_000;
/** QUEUE_POSITION_BOUND is how many jobs ahead are counted per priority band before a position says "at least". */
export const QUEUE_POSITION_BOUND = 1000;
/** The start estimate reads up to RATE_SAMPLE of the type's starts in the last RATE_WINDOW_MS. */
const RATE_SAMPLE = 200;
const RATE_WINDOW_MS = 10 * 60_000;

/** getAccountScheduling returns the account's weight and caps; NotFoundError for an unknown account. */
export async function getAccountScheduling(deps: ServiceDeps, accountId: string): Promise<AccountScheduling> {
  const scheduling = await deps.store.accountSchedulingGet({ accountId });
  if (!scheduling) throw new NotFoundError(`Account ${accountId} not found`);
  return scheduling;
}

/**
 * setAccountScheduling changes an account's weight and caps (see Store.accountSchedulingSet): a
 * weight in (0, 1000], caps whole numbers from 0 (nothing runs) to 100,000, null to remove one.
 */
export async function setAccountScheduling(deps: ServiceDeps, p: { accountId: string; change: SchedulingChange }): Promise<AccountScheduling> {
  const { weight, maxConcurrency, maxConcurrencyByType } = p.change;
  if (weight !== undefined && !(Number.isFinite(weight) && weight > 0 && weight <= MAX_WEIGHT)) {
    throw InvalidRequestError.field('/weight', `must be a number above 0 and at most ${MAX_WEIGHT}`);
  }
  checkCap('/maxConcurrency', maxConcurrency);
  for (const [type, cap] of Object.entries(maxConcurrencyByType ?? {})) {
    const path = `/maxConcurrencyByType/${type.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    if (cap !== null && !deps.registry.has(type)) throw InvalidRequestError.field(path, `names no job type this server knows (${type})`);
    checkCap(path, cap);
  }
  const scheduling = await deps.store.accountSchedulingSet(p);
  await cappedAccountsOf(deps.store).reload();
  return scheduling;
}

function checkCap(path: string, cap: number | null | undefined): void {
  if (cap === undefined || cap === null) return;
  if (!Number.isSafeInteger(cap) || cap < 0 || cap > MAX_CONCURRENCY_CAP) {
    throw InvalidRequestError.field(path, `must be a whole number from 0 to ${MAX_CONCURRENCY_CAP}, or null for no cap`);
  }
}

/** QueuePlace is where a pending job stands: how many jobs a claim takes first, and when it may start. */
export interface QueuePlace {
  /** position counts the jobs that run before this one (0: it is next); with `positionIsLowerBound`, at least that many. */
  position: number;
  positionIsLowerBound: boolean;
  /** estimatedStartAt is now plus the jobs ahead (and this one) at the type's recent start rate; null before the type has started any recently. */
  estimatedStartAt: Date | null;
}

/**
 * queuePlace is the pending job's place in its queue, or null when it is not pending (or not yet
 * due: a job made to run later has no place until then). The position follows the claim order
 * (caps aside); the estimate divides it by the rate at which jobs of the type started lately.
 */
export async function queuePlace(deps: ServiceDeps, job: Job): Promise<QueuePlace | null> {
  const now = deps.clock.now();
  if (job.status !== 'pending' || job.runAt > now) return null;
  const [ahead, starts] = await Promise.all([
    deps.store.jobQueueAhead({ id: job.id, now, bound: QUEUE_POSITION_BOUND }),
    deps.store.jobRecentStarts({ type: job.type, since: new Date(now.getTime() - RATE_WINDOW_MS), limit: RATE_SAMPLE }),
  ]);
  if (ahead === null) return null;
  const spanMs = starts.earliest === null ? 0 : now.getTime() - starts.earliest.getTime();
  // Fewer than two starts, or all in this millisecond, give no rate to go by.
  const msPerStart = starts.count >= 2 && spanMs > 0 ? spanMs / starts.count : null;
  return {
    position: ahead,
    positionIsLowerBound: ahead >= QUEUE_POSITION_BOUND,
    estimatedStartAt: msPerStart === null ? null : new Date(now.getTime() + Math.round((ahead + 1) * msPerStart)),
  };
}

/**
 * CappedAccounts knows which accounts have a cap, so a worker can wake when one of their jobs
 * ends: that frees a slot for jobs a claim passed over, which no new job announces. Read from
 * the store at most every REFRESH_MS (other API nodes may set caps) and at once after a local change.
 */
export class CappedAccounts {
  static readonly REFRESH_MS = 5_000;
  private ids = new Set<string>();
  private readAt = Number.NEGATIVE_INFINITY;
  private reading: Promise<void> | null = null;

  constructor(private readonly store: Store) {}

  /** has says whether the account had a cap when last read, and starts a fresh read when that is old. */
  has(accountId: string): boolean {
    if (performance.now() - this.readAt > CappedAccounts.REFRESH_MS) void this.refresh().catch(() => undefined);
    return this.ids.has(accountId);
  }

  /** reload reads the capped accounts now, after a change this process made. */
  async reload(): Promise<void> {
    this.ids = new Set(await this.store.cappedAccountIds());
    this.readAt = performance.now();
  }

  /** refresh reads the capped accounts again, one read at a time. */
  private refresh(): Promise<void> {
    this.reading ??= this.store
      .cappedAccountIds()
      .then((ids) => {
        this.ids = new Set(ids);
        this.readAt = performance.now();
      })
      .finally(() => (this.reading = null));
    return this.reading;
  }
}

const cappedByStore = new WeakMap<Store, CappedAccounts>();

/** cappedAccountsOf is the store's CappedAccounts, one per store in the process. */
export function cappedAccountsOf(store: Store): CappedAccounts {
  let capped = cappedByStore.get(store);
  if (!capped) cappedByStore.set(store, (capped = new CappedAccounts(store)));
  return capped;
}
