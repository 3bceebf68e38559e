import { type Job, type JobStatus, idFloor } from '../domain/index.js';

/**
 * JobFilter narrows an account's jobs; every field given must hold. The list route, bulk actions
 * and the dashboard all select jobs with it, so a filter means the same thing everywhere.
 */
export interface JobFilter {
  statuses?: readonly JobStatus[];
  type?: string;
  /** metadata keeps jobs whose metadata has `key` with exactly the string `value`. */
  metadata?: { key: string; value: string };
  /** errorCode keeps jobs whose `error.code` is this (failed jobs, and running jobs cancelled mid-run). */
  errorCode?: string;
  priority?: number;
  /** originalJobId keeps the reruns of this job. */
  originalJobId?: string;
  /** createdFrom keeps jobs created at or after this time. */
  createdFrom?: Date;
  /** createdTo keeps jobs created before this time. */
  createdTo?: Date;
}

/** JobListParams select one page of an account's jobs, newest first. */
export interface JobListParams extends JobFilter {
  accountId: string;
  limit: number;
  /** offset skips that many jobs after the cursor (or from the newest). */
  offset?: number;
  /** beforeId continues after the job with this id (keyset cursor). */
  beforeId?: string;
}

/** JobListPage is one page of jobList. */
export interface JobListPage {
  jobs: Job[];
  total: number;
  /** totalCapped is present (true) when counting stopped at TOTAL_COUNT_CAP. */
  totalCapped?: true;
}

/**
 * TOTAL_COUNT_CAP bounds the count behind a list's total when the filter is one the counters do
 * not keep: counting stops there, so a page of a million matching jobs stays one bounded scan.
 */
export const TOTAL_COUNT_CAP = 10_000;

/** countersServe tells whether the job counters alone give the filter's total (status and type only). */
export function countersServe(filter: JobFilter): boolean {
  return (
    filter.metadata === undefined &&
    filter.errorCode === undefined &&
    filter.priority === undefined &&
    filter.originalJobId === undefined &&
    filter.createdFrom === undefined &&
    filter.createdTo === undefined
  );
}

/**
 * createdIdRange turns the created-time bounds into job-id bounds: ids are made at the job's
 * creation and sort by time (domain/ids.ts), so the primary key's order serves the window.
 */
export function createdIdRange(filter: JobFilter): { fromId?: string; toId?: string } {
  return {
    ...(filter.createdFrom ? { fromId: idFloor('job', filter.createdFrom.getTime()) } : {}),
    ...(filter.createdTo ? { toId: idFloor('job', filter.createdTo.getTime()) } : {}),
  };
}

/**
 * pageOf makes a list page from its rows and counted total: a count past TOTAL_COUNT_CAP is
 * reported as the cap with `totalCapped` (the count's query reads at most one row past the cap).
 */
export function pageOf<J>(jobs: J[], total: number, counted: boolean): { jobs: J[]; total: number; totalCapped?: true } {
  if (counted || total <= TOTAL_COUNT_CAP) return { jobs, total };
  return { jobs, total: TOTAL_COUNT_CAP, totalCapped: true };
}
