import { InvalidRequestError, JOB_STATUSES, type JobStatus } from '../domain/index.js';
import type { JobStatsRow } from '../store/index.js';
import type { Principal, ServiceDeps } from './deps.js';
import { type ProcessTimeStats, checkTime, getUsage } from './usage.js';

/** STATS_BUCKETS are the bucket sizes a stats request may ask for, in ms. */
export const STATS_BUCKETS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
/** StatsBucket names a bucket size. */
export type StatsBucket = keyof typeof STATS_BUCKETS;
/** MAX_STATS_BUCKETS bounds one answer's series, so a stats request stays one small read. */
export const MAX_STATS_BUCKETS = 1_440;
const DEFAULT_BUCKETS = 60;

/** StatsRequest is the window (default: the 60 buckets before now) and the bucket size (default minute). */
export interface StatsRequest {
  from?: Date;
  to?: Date;
  bucket?: StatsBucket;
}

/** StatusCounts count jobs by status. */
export type StatusCounts = Record<JobStatus, number>;

/** StatsPoint is one bucket of jobs created in it, by their status now; failureRate is failed / (completed + failed), null when neither. */
export interface StatsPoint extends StatusCounts {
  start: Date;
  failureRate: number | null;
}

/** TypeStats is one type over the window, with its queue now and its waits and process times. */
export interface TypeStats extends StatusCounts {
  type: string;
  jobs: number;
  failureRate: number | null;
  /** queue is the type's jobs waiting and running now (not only those created in the window). */
  queue: { pending: number; running: number };
  /** avgWaitMs is the mean time from creation to (latest) start of the window's started jobs; null when none started. */
  avgWaitMs: number | null;
  processTime: ProcessTimeStats;
}

/** Stats are an account's jobs over a window, bucketed, by type, and its credits per day. */
export interface Stats {
  from: Date;
  to: Date;
  bucket: StatsBucket;
  series: StatsPoint[];
  byType: TypeStats[];
  creditsByDay: { day: string; creditsCharged: number; creditsRefunded: number }[];
}

/**
 * getStats summarises the caller's jobs created in [from, to): a zero-filled series of buckets,
 * each type's figures and queue, and credits per day. Reads are one grouped scan of the window by
 * id range, the counters, and the usage summary; no request spans more than MAX_STATS_BUCKETS.
 */
export async function getStats(deps: ServiceDeps, principal: Principal, request: StatsRequest): Promise<Stats> {
  const bucket = request.bucket ?? 'minute';
  const bucketMs = STATS_BUCKETS[bucket];
  const to = request.to === undefined ? deps.clock.now() : checkTime('/to', request.to);
  const from = request.from === undefined ? new Date(to.getTime() - DEFAULT_BUCKETS * bucketMs) : checkTime('/from', request.from);
  if (from >= to) throw InvalidRequestError.field('/from', 'must be before to');
  const firstBucket = Math.floor(from.getTime() / bucketMs) * bucketMs;
  const count = Math.ceil((to.getTime() - firstBucket) / bucketMs);
  if (count > MAX_STATS_BUCKETS) throw InvalidRequestError.field('/from', `the window spans ${count} ${bucket}s; at most ${MAX_STATS_BUCKETS} (choose a larger bucket)`);

  const window = { accountId: principal.accountId, from, to };
  const [rows, queue, usage] = await Promise.all([
    deps.store.jobStatsBuckets({ ...window, bucketMs }),
    deps.store.jobStatsQueue({ accountId: principal.accountId }),
    getUsage(deps, principal, window),
  ]);
  const series = Array.from({ length: count }, (_, i) => point(new Date(firstBucket + i * bucketMs), rows.filter((r) => r.bucket === firstBucket + i * bucketMs)));
  const types = [...new Set([...rows.map((r) => r.type), ...queue.map((q) => q.type)])].sort();
  const byType = types.map((type): TypeStats => {
    const mine = rows.filter((r) => r.type === type);
    const counts = statusCounts(mine);
    const started = mine.reduce((n, r) => n + r.started, 0);
    const depth = queue.find((q) => q.type === type);
    return {
      type,
      jobs: mine.reduce((n, r) => n + r.jobs, 0),
      ...counts,
      failureRate: failureRate(counts),
      queue: { pending: depth?.pending ?? 0, running: depth?.running ?? 0 },
      avgWaitMs: started === 0 ? null : Math.round(mine.reduce((n, r) => n + r.waitMs, 0) / started),
      processTime: usage.byType.find((u) => u.type === type)?.processTime ?? { avg: 0, p50: 0, p95: 0 },
    };
  });
  const creditsByDay = usage.byDay.map(({ day, creditsCharged, creditsRefunded }) => ({ day, creditsCharged, creditsRefunded }));
  return { from, to, bucket, series, byType, creditsByDay };
}

function point(start: Date, rows: JobStatsRow[]): StatsPoint {
  const counts = statusCounts(rows);
  return { start, ...counts, failureRate: failureRate(counts) };
}

function statusCounts(rows: JobStatsRow[]): StatusCounts {
  const counts = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as StatusCounts;
  for (const row of rows) counts[row.status as JobStatus] += row.jobs;
  return counts;
}

function failureRate(counts: StatusCounts): number | null {
  const ended = counts.completed + counts.failed;
  return ended === 0 ? null : counts.failed / ended;
}
