import type { Job } from '../../../domain/index.js';

/**
 * PLATFORM_TYPES shows Longrun types under the platform's names where Longrun has the counterpart;
 * any other type shows its Longrun name.
 */
export const PLATFORM_TYPES: Readonly<Record<string, string>> = {
  'pdf/extract': 'document_processing',
  'web/crawl': 'web_crawling',
  'jobs/export': 'export',
};

/** platformType is a Longrun type as the platform names it. */
export const platformType = (type: string) => PLATFORM_TYPES[type] ?? type;

/**
 * platformJob is a job as the document/crawl platform shows it. `result` is the output once
 * completed, `{error: {code, message}}` once failed or cancelled (the document says to look there
 * for error details), else null; `completedAt` is when the job ended, whichever way.
 */
export function platformJob(job: Job) {
  const ended = job.completedAt ?? job.failedAt ?? job.cancelledAt;
  return {
    id: job.id,
    type: platformType(job.type),
    status: job.status,
    progress: job.progress,
    result: job.status === 'completed' ? job.output : job.error ? { error: job.error } : null,
    createdAt: job.createdAt.toISOString(),
    completedAt: ended ? ended.toISOString() : null,
  };
}

/** platformRerun is the answer to a rerun: the new job. */
export function platformRerun(job: Job) {
  return { id: job.id, type: platformType(job.type), status: job.status, originalJobId: job.originalJobId, createdAt: job.createdAt.toISOString() };
}

const envelope = (data: unknown) => ({
  type: 'object',
  properties: { data, error: { type: 'null', description: 'null on success.' } },
});

/** platformJobSchema documents platformJob inside its envelope. */
export const platformJobSchema = envelope({
  type: 'object',
  description: 'A job as the platform shows it.',
  properties: {
    id: { type: 'string' },
    type: { type: 'string', description: 'document_processing (pdf/extract), web_crawling (web/crawl), export (jobs/export), or the Longrun type.' },
    status: { type: 'string', enum: ['pending', 'running', 'completed', 'failed', 'cancelled'] },
    progress: { type: 'integer', minimum: 0, maximum: 100 },
    result: { description: 'The output once completed; {error: {code, message}} once failed or cancelled; else null.' },
    createdAt: { type: 'string', format: 'date-time' },
    completedAt: { type: ['string', 'null'], format: 'date-time', description: 'When it ended (completed, failed or cancelled).' },
  },
});

/** platformRerunSchema documents platformRerun inside its envelope. */
export const platformRerunSchema = envelope({
  type: 'object',
  description: 'The new job.',
  properties: {
    id: { type: 'string' },
    type: { type: 'string' },
    status: { type: 'string', enum: ['pending'] },
    originalJobId: { type: 'string', description: 'The job it reruns.' },
    createdAt: { type: 'string', format: 'date-time' },
  },
});

/** platformErrorSchema documents an error answer. */
export const platformErrorSchema = {
  type: 'object',
  description: 'An error: data is null.',
  properties: { data: { type: 'null' }, error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } },
} as const;
