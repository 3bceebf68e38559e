import { type Job, type JsonValue, newId } from '../../domain/index.js';
import type { JobInsertParams, LeaseParams } from '../types.js';
import type { WriteContext } from './context.js';
import type { Db } from './db.js';
import { completeJob, insertJob } from './jobWrites.js';
import { SQL } from './queries.js';
import { type JobRow, jobFromRow, jobRecord } from './rows.js';
import { StatementGroups } from './statementGroups.js';

/** CompleteParams are Store.jobComplete's. */
type CompleteParams = LeaseParams & { output: JsonValue | null; size: number; processTime: number };

/**
 * createGroups writes creates without an idempotency key in groups (SQL.jobCreateGroup takes those
 * that need no balance check; the rest, each alone, run insertJob).
 */
export function createGroups(db: Db, c: WriteContext): StatementGroups<JobInsertParams, { job: Job; replayed: boolean }> {
  return new StatementGroups({
    alone: (p) => insertJob(db, p, c),
    async together(group) {
      const jobs = group.map((p) => p.job);
      const params = [JSON.stringify(jobs.map(jobRecord)), jobs.map((j) => j.id), jobs.map((j) => newId('led', j.createdAt.getTime())), c.origin];
      const written = new Set((await db.rows<{ id: string }>(SQL.jobCreateGroup, params)).map((row) => row.id));
      return new Map(jobs.flatMap((job, i) => (written.has(job.id) ? [[i, { job, replayed: false }] as const] : [])));
    },
  });
}

/**
 * completeGroups writes completes in groups (SQL.jobCompleteGroup takes those of jobs without a
 * webhook URL whose lease still holds; the rest, each alone, run completeJob, which also tells a
 * lost lease).
 */
export function completeGroups(db: Db, c: WriteContext): StatementGroups<CompleteParams, Job> {
  return new StatementGroups({
    alone: (p) => completeJob(db, p, c),
    async together(group) {
      const input = group.map((p) => ({
        id: p.id, lease_token: p.leaseToken, now: p.now, output: p.output, size: p.size, process_time: p.processTime,
      }));
      const rows = await db.rows<JobRow>(SQL.jobCompleteGroup, [JSON.stringify(input), c.origin]);
      const byId = new Map(rows.map((row) => [row.id, jobFromRow(row)]));
      // A job listed twice (a repeated complete) is answered once here; the other asks alone.
      const answered = new Set<string>();
      return new Map(group.flatMap((p, i) => {
        const job = byId.get(p.id);
        if (!job || answered.has(p.id)) return [];
        answered.add(p.id);
        return [[i, job] as const];
      }));
    },
  });
}
