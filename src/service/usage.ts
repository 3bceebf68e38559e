import { InvalidRequestError } from '../domain/index.js';
import type { UsageRow } from '../store/index.js';
import type { Principal, ServiceDeps } from './deps.js';

/** UsageTotals are the sums over a set of jobs: a usage row without its type and day. */
export type UsageTotals = Omit<UsageRow, 'type' | 'day'>;

/** Usage is an account's use over a window: totals, per type (with process-time figures) and per day. */
export interface Usage {
  from: Date;
  to: Date;
  totals: UsageTotals & { processTime: ProcessTimeStats };
  byType: (UsageTotals & { type: string; processTime: ProcessTimeStats })[];
  byDay: (UsageTotals & { day: string })[];
}

/** ProcessTimeStats summarise the run times (ms) of jobs that ran to completion or failure. */
export interface ProcessTimeStats {
  avg: number;
  p50: number;
  p95: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** MAX_USAGE_WINDOW_DAYS bounds one usage query. */
export const MAX_USAGE_WINDOW_DAYS = 366;

/** UsageRequest is the window to sum: jobs created at or after `from` and before `to`. */
export interface UsageRequest {
  /** from defaults to 30 days before `to`. */
  from?: Date;
  /** to defaults to now. */
  to?: Date;
}

/**
 * getUsage sums the caller's jobs created in [from, to); the default window is the last 30 days.
 * A bad window is a 400 naming the request's `/from` or `/to`.
 */
export async function getUsage(deps: ServiceDeps, principal: Principal, p: UsageRequest): Promise<Usage> {
  const to = p.to === undefined ? deps.clock.now() : checkTime('/to', p.to);
  const from = p.from === undefined ? new Date(to.getTime() - 30 * DAY_MS) : checkTime('/from', p.from);
  if (from >= to) throw InvalidRequestError.field('/from', 'must be before to');
  if (to.getTime() - from.getTime() > MAX_USAGE_WINDOW_DAYS * DAY_MS) {
    throw InvalidRequestError.field('/from', `the window may span at most ${MAX_USAGE_WINDOW_DAYS} days`);
  }
  const window = { accountId: principal.accountId, from, to };
  const rows = await deps.store.usageSummary(window);
  const types = [...new Set(rows.map((r) => r.type))].sort();
  const days = [...new Set(rows.map((r) => r.day))].sort();
  const byType = await Promise.all(
    types.map(async (type) => ({
      type,
      ...sum(rows.filter((r) => r.type === type)),
      processTime: stats(await deps.store.usageProcessTimes({ ...window, type })),
    })),
  );
  return {
    from,
    to,
    totals: { ...sum(rows), processTime: stats(await deps.store.usageProcessTimes(window)) },
    byType,
    byDay: days.map((day) => ({ day, ...sum(rows.filter((r) => r.day === day)) })),
  };
}

// Four-digit years only: the extremes a Date can hold parse, but the default window before them
// (or the arithmetic on them) is no date at all, and such times print as six-digit years.
const EARLIEST = Date.parse('0000-01-01T00:00:00Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

// An invalid Date is what text that is no ISO 8601 time becomes (`new Date('yesterday')`), so
// that is what the problem asks for.
/** checkTime refuses a time that is no date, or outside the years 0000 to 9999, naming `path`. */
export function checkTime(path: string, at: Date): Date {
  if (Number.isNaN(at.getTime())) throw InvalidRequestError.field(path, 'must be an ISO 8601 date or date-time');
  if (at.getTime() < EARLIEST || at.getTime() > LATEST) throw InvalidRequestError.field(path, 'must be in the years 0000 to 9999');
  return at;
}

function sum(rows: UsageRow[]): UsageTotals {
  const totals: UsageTotals = { jobs: 0, completed: 0, failed: 0, cancelled: 0, creditsCharged: 0, creditsRefunded: 0, bytes: 0 };
  for (const row of rows) {
    totals.jobs += row.jobs;
    totals.completed += row.completed;
    totals.failed += row.failed;
    totals.cancelled += row.cancelled;
    totals.creditsCharged += row.creditsCharged;
    totals.creditsRefunded += row.creditsRefunded;
    totals.bytes += row.bytes;
  }
  return totals;
}

/** stats takes ascending times; percentiles by the nearest-rank method. */
function stats(sorted: number[]): ProcessTimeStats {
  if (sorted.length === 0) return { avg: 0, p50: 0, p95: 0 };
  const rank = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
  return { avg: Math.round(sorted.reduce((a, b) => a + b, 0) / sorted.length), p50: rank(0.5), p95: rank(0.95) };
}
