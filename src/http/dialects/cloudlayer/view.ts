import type { Job, JobStatus } from '../../../domain/index.js';

/** cloudlayer knows four statuses; a cancelled job is `failed`, so the documented polling loop ends. */
const STATUS: Record<JobStatus, string> = { pending: 'pending', running: 'processing', completed: 'completed', failed: 'failed', cancelled: 'failed' };

/** cloudlayerStatuses are the statuses the dialect shows. */
export const CLOUDLAYER_STATUSES = ['pending', 'processing', 'completed', 'failed'] as const;

/**
 * cloudlayerJob is a job as cloudlayer.io's Jobs API shows one. `params` is the input without
 * its private fields; `apiCreditCost` is the credits consumed net of refunds. `error` (not in the
 * document, which says to "check the response for error details") says why a failed job failed.
 */
export function cloudlayerJob(job: Job) {
  return {
    id: job.id,
    uid: job.accountId,
    apiKeyUsed: job.apiKeyUsed,
    type: job.type,
    status: STATUS[job.status],
    params: job.input,
    size: job.size,
    processTime: job.processTime,
    apiCreditCost: job.creditsCharged - job.creditsRefunded,
    worker: job.worker,
    timestamp: job.createdAt.toISOString(),
    ...(STATUS[job.status] === 'failed' ? { error: job.error?.message ?? job.error?.code ?? 'failed' } : {}),
  };
}

/** cloudlayerJobSchema documents cloudlayerJob. */
export const cloudlayerJobSchema = {
  type: 'object',
  description: 'A job as cloudlayer.io shows it.',
  properties: {
    id: { type: 'string', description: 'The job id (the Longrun job id).' },
    uid: { type: 'string', description: 'The account that owns the job.' },
    apiKeyUsed: { type: ['string', 'null'], description: 'The key that created it, masked to its last 4 characters.' },
    type: { type: 'string', description: 'The job type (html/pdf, url/image, …, or any Longrun type).' },
    status: { type: 'string', enum: [...CLOUDLAYER_STATUSES], description: 'pending, processing, completed or failed (a cancelled job is failed).' },
    params: { type: 'object', description: 'The input sent, without private fields (the html or template body).' },
    size: { type: 'integer', description: 'Bytes of output files; 0 for pending or failed jobs.' },
    processTime: { type: 'integer', description: 'Milliseconds the last attempt ran; 0 for pending jobs.' },
    apiCreditCost: { type: 'integer', description: 'Credits consumed, net of refunds.' },
    worker: { type: ['string', 'null'], description: 'The worker that ran it.' },
    timestamp: { type: 'string', format: 'date-time', description: 'When the job was created.' },
    error: { type: 'string', description: 'Why it failed (failed jobs only; "cancelled" for a cancelled job).' },
  },
} as const;
