import type { Job } from '../domain/index.js';
import type { ServiceDeps } from './deps.js';

/**
 * failRounds runs `round` (a store write that fails pending jobs which can no longer start, up
 * to `limit` at a time) for up to `maxBatches` rounds and tells this process's listeners of each
 * failed job, so a large backlog is spread over several passes. It stops at a round that fails
 * fewer than `limit`, or, with `untilNone`, only at one that fails none: failing a job may make
 * others unstartable in turn (the jobs waiting for it). Returns how many jobs it failed.
 */
export async function failRounds(
  deps: ServiceDeps,
  p: { limit: number; maxBatches: number; untilNone?: boolean },
  round: (now: Date, limit: number) => Promise<Job[]>,
): Promise<number> {
  let failed = 0;
  for (let n = 0; n < p.maxBatches; n++) {
    const jobs = await round(deps.clock.now(), p.limit);
    for (const job of jobs) deps.bus.publish({ kind: 'failed', job });
    failed += jobs.length;
    if (jobs.length === 0 || (!p.untilNone && jobs.length < p.limit)) break;
  }
  return failed;
}
