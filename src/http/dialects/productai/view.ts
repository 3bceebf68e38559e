import type { Job, JobStatus } from '../../../domain/index.js';

/** productai knows four statuses; a cancelled job is `failed`, since the document's loops know no other end. */
const STATUS: Record<JobStatus, string> = { pending: 'pending', running: 'processing', completed: 'completed', failed: 'failed', cancelled: 'failed' };

/** PRODUCTAI_STATUSES are the statuses the dialect shows, with the Longrun statuses each filters on. */
export const PRODUCTAI_STATUSES: Readonly<Record<string, JobStatus[]>> = {
  pending: ['pending'],
  processing: ['running'],
  completed: ['completed'],
  failed: ['failed', 'cancelled'],
};

/** ProductaiImage is one image of a completed job, with its signed URL. */
export interface ProductaiImage {
  url: string;
  width: number | null;
  height: number | null;
}

const iso = (d: Date | null) => (d === null ? undefined : d.toISOString());

/** numImages is the input's image count when it has one (`num_images`, or `numImages`). */
function numImages(job: Job): number | undefined {
  const n = job.input.num_images ?? job.input.numImages;
  return typeof n === 'number' ? n : undefined;
}

/**
 * productaiJob is a job as productai's Jobs API shows it; fields the document shows only in some
 * states are left out in the others (JSON drops undefined). `model` is the Longrun job type;
 * `tokens_used` the credits consumed, net of refunds.
 */
export function productaiJob(job: Job, images: ProductaiImage[]) {
  const status = STATUS[job.status];
  return {
    job_id: job.id,
    status,
    progress: job.progress,
    created_at: job.createdAt.toISOString(),
    started_at: iso(job.startedAt),
    completed_at: iso(job.completedAt),
    failed_at: iso(job.failedAt ?? job.cancelledAt),
    model: job.type,
    num_images: numImages(job),
    images: status === 'completed' ? images : undefined,
    tokens_used: job.creditsCharged - job.creditsRefunded,
    error: status === 'failed' ? productaiError(job) : undefined,
  };
}

/** productaiError is why a job failed; a cancelled job says so. */
export function productaiError(job: Job) {
  if (job.status === 'cancelled') return { code: 'cancelled', message: 'The job was cancelled' };
  return { code: job.error?.code ?? 'failed', message: job.error?.message ?? 'The job failed' };
}

/** productaiJobSchema documents productaiJob. */
export const productaiJobSchema = {
  type: 'object',
  description: 'A generation job as productai shows it.',
  properties: {
    job_id: { type: 'string' },
    status: { type: 'string', enum: Object.keys(PRODUCTAI_STATUSES), description: 'A cancelled job is failed, with error.code "cancelled".' },
    progress: { type: 'integer', minimum: 0, maximum: 100 },
    created_at: { type: 'string', format: 'date-time' },
    started_at: { type: 'string', format: 'date-time', description: 'Once started.' },
    completed_at: { type: 'string', format: 'date-time', description: 'Once completed.' },
    failed_at: { type: 'string', format: 'date-time', description: 'Once failed or cancelled.' },
    model: { type: 'string', description: 'The Longrun job type.' },
    num_images: { type: 'integer', description: 'The input’s num_images, when it has one.' },
    images: {
      type: 'array',
      description: 'The job’s image files, once completed. Each url is a signed link that works for an hour with no key.',
      items: { type: 'object', properties: { url: { type: 'string' }, width: { type: ['integer', 'null'] }, height: { type: ['integer', 'null'] } } },
    },
    tokens_used: { type: 'integer', description: 'Credits consumed, net of refunds.' },
    error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, description: 'Once failed.' },
  },
} as const;
