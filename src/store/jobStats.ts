/** The shapes of the store's stats reads (Store.jobStatsBuckets, Store.jobStatsQueue, Store.jobQueueStats, Store.usageSummary). */

/** JobStatsParams are an account's jobs created in [from, to), bucketed by `bucketMs` of creation time. */
export interface JobStatsParams {
  accountId: string;
  from: Date;
  to: Date;
  bucketMs: number;
}

/** JobStatsRow counts one (bucket, type, status) group of jobs created in the bucket, by their status now. */
export interface JobStatsRow {
  /** bucket is the bucket's start, in ms since the epoch (a multiple of bucketMs). */
  bucket: number;
  type: string;
  status: string;
  jobs: number;
  /** started is how many of them have started; waitMs sums their waits from creation to (latest) start. */
  started: number;
  waitMs: number;
}

/** QueueDepth is one type's jobs of one account waiting and running now, from the counters. */
export interface QueueDepth {
  type: string;
  pending: number;
  running: number;
}

/** QueueStat is one job type's queue: jobs waiting, jobs running, and the earliest runAt of those waiting. */
export interface QueueStat {
  type: string;
  pending: number;
  running: number;
  /** earliestRunAt is the soonest runAt among the pending jobs (in the past when one is overdue); null when none waits. */
  earliestRunAt: Date | null;
}

/** UsageRow is one (type, day) bucket of an account's jobs. */
export interface UsageRow {
  type: string;
  /** day is the UTC date, `YYYY-MM-DD`. */
  day: string;
  jobs: number;
  completed: number;
  failed: number;
  cancelled: number;
  creditsCharged: number;
  creditsRefunded: number;
  bytes: number;
}
