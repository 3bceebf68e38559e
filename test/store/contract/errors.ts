// Contract: each driver translates its database's errors into the same domain errors: a unique
// violation is a conflict, a row pointing at a missing parent is not found (busy/locked is
// unavailable: see test/store/errorTranslation.test.ts and each driver's own busy test).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConflictError, NotFoundError, newId } from '../../../src/domain/index.js';
import { buildApiKey, buildJob, makeAccount } from '../../helpers/factories.js';
import { type OpenStore, balanceOf, rejectsWith, useFreshStore } from '../../helpers/store.js';

export function describeErrors(open: OpenStore): void {
  describe('error translation', () => {
    const store = useFreshStore(open);

    it('throws ConflictError for a second account with the same id, and keeps the first', async () => {
      const account = await makeAccount(store(), { name: 'first', creditBalance: 5 });
      await rejectsWith(store().accountInsert({ account: { ...account, name: 'second', creditBalance: 50 } }), ConflictError, 'conflict');
      assert.equal((await store().accountGet({ id: account.id }))?.name, 'first');
      assert.equal(await balanceOf(store(), account.id), 5);
    });

    it('throws ConflictError for a second API key with the same id', async () => {
      const account = await makeAccount(store());
      const key = buildApiKey(account.id);
      await store().apiKeyInsert({ key });
      await rejectsWith(store().apiKeyInsert({ key: { ...key, last4: 'zzzz' } }), ConflictError, 'conflict');
      assert.equal((await store().apiKeyGet({ id: key.id }))?.last4, key.last4);
    });

    it('throws ConflictError for a second job with the same id, charging nothing for it', async () => {
      const account = await makeAccount(store(), { creditBalance: 10 });
      const job = buildJob({ accountId: account.id, creditsCharged: 3 });
      await store().jobInsert({ job, idempotency: null });
      await rejectsWith(store().jobInsert({ job, idempotency: null }), ConflictError, 'conflict');
      assert.equal(await balanceOf(store(), account.id), 7, 'only the first insert was charged');
      assert.equal((await store().jobList({ accountId: account.id, limit: 10 })).total, 1);
    });

    it('throws NotFoundError for a free job of an unknown account, and stores no job', async () => {
      const job = buildJob({ accountId: newId('acct'), creditsCharged: 0 });
      await rejectsWith(store().jobInsert({ job, idempotency: null }), NotFoundError, 'not_found');
      assert.equal(await store().jobGet({ id: job.id }), null);
    });
  });
}
