import { newId, type Job } from '../../domain/index.js';
import type { JobInsertParams } from '../types.js';
import type { WriteContext } from './context.js';
import type { Db } from './db.js';
import { insertJob } from './jobWrites.js';
import { SQL } from './queries.js';
import { jobRecord } from './rows.js';

type Created = { job: Job; replayed: boolean };

interface Waiting {
  p: JobInsertParams;
  resolve: (created: Created) => void;
  reject: (error: unknown) => void;
}

/**
 * CreateGroups is group commit for PostgreSQL creates, as the SQLite driver's WriteQueue is for
 * its writes: while `maxInFlight` create statements are under way, the creates that arrive wait,
 * and go together in the next statement (SQL.jobCreateGroup: one round trip, one commit, one
 * trigger run for the counters and the NOTIFY, however many jobs). A create that the group
 * statement does not take — it has an idempotency key, or its account's balance must be checked
 * — and every create of a group whose statement failed (one bad row fails them all) runs the
 * single create (insertJob), so each gets its own answer. A create answers only after its commit.
 */
export class CreateGroups {
  private waiting: Waiting[] = [];
  private inFlight = 0;
  private drained: (() => void)[] = [];

  constructor(
    private readonly db: Db,
    private readonly c: WriteContext,
    private readonly maxInFlight = 2,
    private readonly maxGroup = 500,
  ) {}

  /** insert creates the job (see Store.jobInsert). */
  insert(p: JobInsertParams): Promise<Created> {
    if (p.idempotency) return insertJob(this.db, p, this.c);
    return new Promise((resolve, reject) => {
      this.waiting.push({ p, resolve, reject });
      this.flush();
    });
  }

  /** drain settles once every create asked for so far has answered (the store's close waits for it). */
  drain(): Promise<void> {
    if (this.inFlight === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private flush(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const group = this.waiting.splice(0, this.maxGroup);
      this.inFlight++;
      void this.write(group).finally(() => {
        this.inFlight--;
        this.flush();
        if (this.inFlight === 0) for (const resolve of this.drained.splice(0)) resolve();
      });
    }
  }

  private async write(group: Waiting[]): Promise<void> {
    let written = new Set<string>();
    if (group.length > 1) {
      try {
        const jobs = group.map((w) => w.p.job);
        const params = [JSON.stringify(jobs.map(jobRecord)), jobs.map((j) => j.id), jobs.map((j) => newId('led', j.createdAt.getTime())), this.c.origin];
        written = new Set((await this.db.rows<{ id: string }>(SQL.jobCreateGroup, params)).map((row) => row.id));
      } catch {
        // One row the group could not take (a duplicate id, a value the database refuses) fails
        // the statement: each create then runs alone below and answers for itself.
      }
    }
    await Promise.all(
      group.map(async (w) => {
        if (written.has(w.p.job.id)) return w.resolve({ job: w.p.job, replayed: false });
        try {
          w.resolve(await insertJob(this.db, w.p, this.c));
        } catch (error) {
          w.reject(error);
        }
      }),
    );
  }
}
