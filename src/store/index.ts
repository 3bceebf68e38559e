/** Store: the interface every driver implements, `openStore` to pick a driver by URL, and the database clock. */
export type * from './types.js';
export { openStore, parseDbUrl } from './open.js';
export { DatabaseClock } from './databaseClock.js';
export { type JobFilter, type JobListPage, type JobListParams, TOTAL_COUNT_CAP, countersServe, createdIdRange } from './jobFilter.js';
export type { JobStatsParams, JobStatsRow, QueueDepth } from './jobStats.js';
export type { AccountQueueStat, AccountScheduling, SchedulingChange, SchedulingStore } from './scheduling.js';
