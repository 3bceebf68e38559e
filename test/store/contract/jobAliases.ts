// Contract: a job alias (a dialect's own id for a job) finds its job; an alias is taken once; an
// unknown alias finds nothing; purging the job takes its aliases with it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { ConflictError } from '../../../src/domain/index.js';
import { T0, makeAccount, makeJob } from '../../helpers/factories.js';
import { type OpenStore, rejectsWith, useFreshStore } from '../../helpers/store.js';

export function describeJobAliases(open: OpenStore): void {
  describe('job aliases', () => {
    const store = useFreshStore(open);

    it('finds the job by its alias, refuses a taken alias, and forgets the alias with the job', async () => {
      const account = await makeAccount(store());
      const job = await makeJob(store(), { accountId: account.id, status: 'completed' });
      const other = await makeJob(store(), { accountId: account.id });
      const alias = randomUUID();
      await store().jobAliasInsert({ alias, jobId: job.id, now: T0 });
      assert.equal(await store().jobAliasGet({ alias }), job.id);
      assert.equal(await store().jobAliasGet({ alias: randomUUID() }), null);
      await rejectsWith(store().jobAliasInsert({ alias, jobId: other.id, now: T0 }), ConflictError, 'conflict');
      assert.equal(await store().jobAliasGet({ alias }), job.id, 'the refused insert changed nothing');

      await store().jobPurge({ id: job.id, accountId: account.id });
      assert.equal(await store().jobAliasGet({ alias }), null);
    });
  });
}
