/**
 * JobAliasStore is the part of the Store contract that names jobs by other ids: a compatibility
 * dialect's own id for a job (cleariflow's capability `job_id`), table job_aliases (migration 0012).
 */
export interface JobAliasStore {
  /** jobAliasInsert names a job by `alias` too (a dialect's id for it); a taken alias is a ConflictError. */
  jobAliasInsert(p: { alias: string; jobId: string; now: Date }): Promise<void>;
  /** jobAliasGet is the id of the job `alias` names, or null; the job's deletion removes its aliases. */
  jobAliasGet(p: { alias: string }): Promise<string | null>;
}
