import type { Job, JobStatus } from '../../../domain/index.js';

const STATUS: Record<JobStatus, string> = { pending: 'queued', running: 'running', completed: 'done', failed: 'failed', cancelled: 'failed' };

/** CleariflowImage is the screenshot a done job shows inline. */
export interface CleariflowImage {
  bytes: Buffer;
  contentType: string;
}

/**
 * cleariflowJob is a job as cleariflow's async screenshot API shows one, under the id the client
 * was given. A done job carries its first output file inline as base64 (`image`); a failed or
 * cancelled job, why, as a string.
 */
export function cleariflowJob(jobId: string, job: Job, image: CleariflowImage | null) {
  const status = STATUS[job.status];
  return {
    job_id: jobId,
    status,
    ...(status === 'done'
      ? {
          result: {
            ok: true,
            image_base64: image ? image.bytes.toString('base64') : null,
            content_type: image?.contentType ?? null,
            meta: { elapsed_ms: job.processTime },
          },
        }
      : {}),
    ...(status === 'failed' ? { error: job.status === 'cancelled' ? 'cancelled' : (job.error?.message ?? job.error?.code ?? 'failed') } : {}),
  };
}

/** cleariflowJobSchema documents cleariflowJob. */
export const cleariflowJobSchema = {
  type: 'object',
  description: 'An async screenshot job.',
  properties: {
    job_id: { type: 'string', format: 'uuid', description: 'The id the create answered.' },
    status: { type: 'string', enum: ['queued', 'running', 'done', 'failed'], description: 'queued, running, done or failed (a cancelled job is failed).' },
    result: {
      type: 'object',
      description: 'Present when done.',
      properties: {
        ok: { type: 'boolean' },
        image_base64: { type: ['string', 'null'], description: 'The screenshot, base64.' },
        content_type: { type: ['string', 'null'], description: 'Its media type (image/png, image/jpeg, image/webp).' },
        meta: { type: 'object', properties: { elapsed_ms: { type: 'integer', description: 'Milliseconds the render took.' } } },
      },
    },
    error: { type: 'string', description: 'Why it failed; present when failed ("cancelled" for a cancelled job).' },
  },
} as const;
