import { randomUUID } from 'node:crypto';
import { type Job, JobNotFoundError } from '../domain/index.js';
import { type CreateJobRequest, createJob } from './createJob.js';
import type { Principal, ServiceDeps } from './deps.js';

/**
 * createAliasedJob creates a job as createJob does and names it by a fresh random UUID v4 too: a
 * capability (122 random bits from the CSPRNG, unlike the time-ordered job id) for a dialect whose
 * reads carry no key. The alias is written after the job; should that write fail, the job stands
 * and is charged, reachable by its own id, and the client is told of the failure.
 */
export async function createAliasedJob(deps: ServiceDeps, principal: Principal, request: CreateJobRequest): Promise<{ job: Job; alias: string }> {
  const { job } = await createJob(deps, principal, request);
  const alias = randomUUID();
  await deps.store.jobAliasInsert({ alias, jobId: job.id, now: deps.clock.now() });
  return { job, alias };
}

/**
 * getAliasedJob is the job `alias` names. With a principal, only that account's job is found (and
 * a Longrun job id is taken as well, so a job made another way is readable too); without one, the
 * alias alone is the proof of access.
 */
export async function getAliasedJob(deps: ServiceDeps, alias: string, principal: Principal | null): Promise<Job> {
  const jobId = (await deps.store.jobAliasGet({ alias })) ?? (principal ? alias : null);
  const job = jobId === null ? null : await deps.store.jobGet({ id: jobId, ...(principal ? { accountId: principal.accountId } : {}) });
  if (!job) throw new JobNotFoundError(alias);
  return job;
}
