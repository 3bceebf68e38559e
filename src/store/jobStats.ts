/** The shapes of the store's stats reads (Store.jobStatsBuckets, Store.jobStatsQueue). */

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
