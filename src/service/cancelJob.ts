import { type Job, JobNotFoundError, isId } from '../domain/index.js';
import type { Principal, ServiceDeps } from './deps.js';

/**
 * cancelJob makes a pending or running job cancelled at once and refunds it. A worker running it
 * hears of it on the bus (its abort signal fires) and whatever it reports later is discarded.
 */
export async function cancelJob(deps: ServiceDeps, principal: Principal, id: string): Promise<Job> {
  if (!isId('job', id)) throw new JobNotFoundError(id);
  const job = await deps.store.jobCancel({ id, accountId: principal.accountId, now: deps.clock.now() });
  deps.bus.publish({ kind: 'cancelled', job });
  return job;
}
