import { type Job, JobNotRerunnableError, isFinalStatus, wholeInput } from '../domain/index.js';
import { createJob } from './createJob.js';
import type { Principal, ServiceDeps } from './deps.js';
import { getJob } from './readJobs.js';

/** rerunJob creates a new job with the same type, input, priority and webhook (URL, events, format) as a final one. */
export async function rerunJob(deps: ServiceDeps, principal: Principal, id: string): Promise<Job> {
  const original = await getJob(deps, principal, id);
  if (!isFinalStatus(original.status)) throw new JobNotRerunnableError(id, original.status);
  const { job } = await createJob(
    deps,
    principal,
    {
      type: original.type,
      input: wholeInput(original),
      priority: original.priority,
      webhookUrl: original.webhookUrl,
      webhookEvents: original.webhookEvents,
      metadata: original.metadata,
      maxAttempts: original.maxAttempts,
      timeoutMs: original.timeoutMs,
    },
    { originalJobId: original.id, webhookFormat: original.webhookFormat },
  );
  return job;
}
