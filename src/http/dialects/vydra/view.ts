import type { Job, JobStatus } from '../../../domain/index.js';

/** VYDRA_STATUSES are vydra's statuses: Longrun's own five. */
export const VYDRA_STATUSES: readonly JobStatus[] = ['pending', 'running', 'completed', 'failed', 'cancelled'];

/** What a job says while it has no status message of its own. */
const DEFAULT_MESSAGE: Record<JobStatus, string> = {
  pending: 'Waiting to start...',
  running: 'Processing...',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** vydraErrorCode is a Longrun error code in vydra's style (`generation_failed` → `GENERATION_FAILED`). */
export const vydraErrorCode = (code: string) => code.toUpperCase();

/** vydraRefund is what was refunded, as vydra's cancel answer and failure webhook show it. */
export function vydraRefund(job: Job) {
  return { applied: job.creditsRefunded > 0, creditsRefunded: job.creditsRefunded };
}

/**
 * vydraJob is a job as vydra's Jobs API shows it, in one of the document's response states:
 * `output` once completed; `error {message, code}`, `creditsRefunded` and `refundStatus` once
 * failed or cancelled.
 */
export function vydraJob(job: Job) {
  const ended = job.completedAt ?? job.failedAt ?? job.cancelledAt;
  const failed = job.status === 'failed' || job.status === 'cancelled';
  return {
    id: job.id,
    status: job.status,
    progress: job.progress,
    workflowSlug: job.type,
    statusMessage: job.statusMessage ?? (job.status === 'failed' ? job.error?.message : undefined) ?? DEFAULT_MESSAGE[job.status],
    creditsCharged: job.creditsCharged,
    createdAt: job.createdAt.toISOString(),
    completedAt: ended ? ended.toISOString() : null,
    output: job.status === 'completed' ? job.output : null,
    ...(failed
      ? {
          error: { message: job.error?.message ?? DEFAULT_MESSAGE[job.status], code: vydraErrorCode(job.error?.code ?? job.status) },
          creditsRefunded: job.creditsRefunded,
          refundStatus: job.creditsRefunded > 0 ? 'completed' : 'none',
        }
      : {}),
  };
}

/**
 * vydraWebhook is the document's webhook payload: on success `{jobId, status, workflow, output,
 * completedAt}`, on failure (or cancel) `{jobId, status, workflow, error, refund, completedAt}`.
 */
export function vydraWebhook(job: Job, event: string) {
  if (event !== 'job.completed' && event !== 'job.failed' && event !== 'job.cancelled') return null;
  const view = vydraJob(job);
  const outcome = job.status === 'completed' ? { output: view.output } : { error: view.error, refund: vydraRefund(job) };
  return { jobId: job.id, status: job.status, workflow: job.type, ...outcome, completedAt: view.completedAt };
}

/** vydraCreated is the answer to a create, with absolute links to the job. */
export function vydraCreated(job: Job, self: string) {
  return {
    id: job.id,
    status: job.status,
    workflow: job.type,
    creditsCharged: job.creditsCharged,
    createdAt: job.createdAt.toISOString(),
    _links: { self, status: self },
  };
}

/** vydraJobSchema documents vydraJob. */
export const vydraJobSchema = {
  type: 'object',
  description: 'A job as vydra shows it.',
  properties: {
    id: { type: 'string' },
    status: { type: 'string', enum: [...VYDRA_STATUSES] },
    progress: { type: 'integer', minimum: 0, maximum: 100 },
    workflowSlug: { type: 'string', description: 'The Longrun job type.' },
    statusMessage: { type: 'string', description: 'What the worker last said, else a word on the status.' },
    creditsCharged: { type: 'integer' },
    createdAt: { type: 'string', format: 'date-time' },
    completedAt: { type: ['string', 'null'], format: 'date-time', description: 'When it ended, whichever way.' },
    output: { description: 'The job’s output once completed, else null.' },
    error: { type: 'object', properties: { message: { type: 'string' }, code: { type: 'string' } }, description: 'Once failed or cancelled.' },
    creditsRefunded: { type: 'integer', description: 'Once failed or cancelled.' },
    refundStatus: { type: 'string', enum: ['completed', 'none'], description: 'Once failed or cancelled.' },
  },
} as const;
