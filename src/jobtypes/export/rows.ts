/**
 * One exported job, as a CSV row or an NDJSON line: what usage analytics needs (who ran what,
 * when, how long, how big, what it cost), not the job's input or output.
 */
import type { AccountJob } from '../define.js';

/** EXPORT_COLUMNS are the exported fields, in CSV column order. */
export const EXPORT_COLUMNS = [
  'id',
  'type',
  'status',
  'createdAt',
  'startedAt',
  'finishedAt',
  'processTimeMs',
  'size',
  'attempts',
  'maxAttempts',
  'creditsCharged',
  'creditsRefunded',
  'priority',
  'apiKeyUsed',
  'worker',
  'errorCode',
  'originalJobId',
  'metadata',
] as const;

/** ExportRow is one job's exported fields: times as ISO 8601, absent values null, metadata as an object. */
export type ExportRow = Record<(typeof EXPORT_COLUMNS)[number], string | number | object | null>;

/** exportRow picks a job's exported fields; `finishedAt` is when it completed, failed or was cancelled. */
export function exportRow(job: AccountJob): ExportRow {
  const iso = (date: Date | null) => (date ? date.toISOString() : null);
  return {
    id: job.id,
    type: job.type,
    status: job.status,
    createdAt: iso(job.createdAt),
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.completedAt ?? job.failedAt ?? job.cancelledAt),
    processTimeMs: job.processTime,
    size: job.size,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    creditsCharged: job.creditsCharged,
    creditsRefunded: job.creditsRefunded,
    priority: job.priority,
    apiKeyUsed: job.apiKeyUsed,
    worker: job.worker,
    errorCode: job.error?.code ?? null,
    originalJobId: job.originalJobId,
    metadata: job.metadata,
  };
}

/** csvHeader is the CSV's first line. */
export function csvHeader(): string {
  return `${EXPORT_COLUMNS.join(',')}\r\n`;
}

/**
 * csvLine writes a row per RFC 4180: CRLF line ends, a field quoted (quotes doubled) when it holds
 * a comma, quote or line break; null is an empty field, metadata its JSON. No field can start with
 * `=`, `+`, `-` or `@` (ids, names and codes start with a letter or digit, metadata with `{`), so a
 * spreadsheet never reads a cell as a formula.
 */
export function csvLine(row: ExportRow): string {
  return `${EXPORT_COLUMNS.map((column) => csvField(row[column])).join(',')}\r\n`;
}

function csvField(value: string | number | object | null): string {
  if (value === null) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** ndjsonLine writes a row as one line of JSON. */
export function ndjsonLine(row: ExportRow): string {
  return `${JSON.stringify(row)}\n`;
}
