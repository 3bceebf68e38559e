import { JobNotPurgeableError, isFinalStatus } from '../domain/index.js';
import type { Principal, ServiceDeps } from './deps.js';
import { getJob } from './readJobs.js';

/**
 * purgeJob deletes the caller's final job now, as retention would later: its output files first,
 * then the job with its events, webhook deliveries and idempotency keys. The ledger keeps its
 * credit movements. A pending or running job is refused (cancel it first). Files go first for
 * the reason retention's do: a crash in between leaves a job without files, which a second purge
 * deletes, never files that no job owns. A final job never changes again, so the check holds.
 */
export async function purgeJob(deps: ServiceDeps, principal: Principal, id: string): Promise<void> {
  const job = await getJob(deps, principal, id);
  if (!isFinalStatus(job.status)) throw new JobNotPurgeableError(job.id, job.status);
  await deps.files?.deleteJobFiles(job.id);
  await deps.store.jobPurge({ id: job.id, accountId: principal.accountId });
}
