import type { ServiceDeps } from './deps.js';

/** PurgeOptions say what retention keeps and how much one pass may delete. */
export interface PurgeOptions {
  /** retentionMs is how long a final job is kept after it became final. */
  retentionMs: number;
  /** batch is how many jobs one store round deletes. */
  batch: number;
  /** maxBatches bounds one pass, so a large backlog is worked off over several passes. */
  maxBatches: number;
  /**
   * deleteFiles removes a job's output files (default: the service's file store). It runs before the job's row is deleted, so a crash
   * in between leaves a job whose files are gone (deleted again on the next pass), never files
   * that no job owns.
   */
  deleteFiles?: (jobId: string) => Promise<void>;
}

/**
 * purgeExpired is retention: it deletes final jobs that became final more than `retentionMs`
 * ago, with their events and files (the ledger keeps their credit movements), and forgets
 * idempotency keys past their expiry. Returns how many of each it deleted.
 */
export async function purgeExpired(deps: ServiceDeps, p: PurgeOptions): Promise<{ jobs: number; idempotencyKeys: number }> {
  const now = deps.clock.now();
  const before = new Date(now.getTime() - p.retentionMs);
  let jobs = 0;
  let idempotencyKeys = 0;
  for (let round = 0; round < p.maxBatches; round++) {
    const ids = await deps.store.jobListFinishedBefore({ before, limit: p.batch });
    if (ids.length === 0) break;
    const deleteFiles = p.deleteFiles ?? (deps.files ? (id: string) => deps.files!.deleteJobFiles(id) : undefined);
    if (deleteFiles) for (const id of ids) await deleteFiles(id);
    jobs += (await deps.store.jobDelete({ ids, finishedBefore: before })).length;
    if (ids.length < p.batch) break;
  }
  for (let round = 0; round < p.maxBatches; round++) {
    const purged = await deps.store.idempotencyPurge({ now, limit: p.batch });
    idempotencyKeys += purged;
    if (purged < p.batch) break;
  }
  return { jobs, idempotencyKeys };
}
