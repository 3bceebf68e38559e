// Contract: accounts (balances, unlimited credit, adjustments) and API keys (insert, revoke).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidRequestError, NotFoundError, newId } from '../../../src/domain/index.js';
import { T0, at, buildAccount, buildApiKey, makeAccount } from '../../helpers/factories.js';
import { type OpenStore, balanceOf, rejectsWith, useFreshStore } from '../../helpers/store.js';

export function describeAccounts(open: OpenStore): void {
  describe('accounts', () => {
    const store = useFreshStore(open);

    it('answers ping and names its driver', async () => {
      await store().ping();
      assert.ok(['sqlite', 'postgres'].includes(store().driver));
      assert.equal(typeof store().instanceId, 'string');
      assert.ok(store().instanceId.length > 0);
    });

    it('inserts an account and reads it back unchanged', async () => {
      const account = buildAccount({ name: 'Acme', creditBalance: 42 });
      assert.deepEqual(await store().accountInsert({ account }), account);
      assert.deepEqual(await store().accountGet({ id: account.id }), account);
    });

    it('returns null for an unknown account', async () => {
      assert.equal(await store().accountGet({ id: newId('acct') }), null);
    });

    it('finds accounts by their exact name, oldest first', async () => {
      const first = await makeAccount(store(), { name: 'acme' });
      await makeAccount(store(), { name: 'Acme' });
      const second = await makeAccount(store(), { name: 'acme' });
      assert.deepEqual(await store().accountFindByName({ name: 'acme' }), [first, second]);
      assert.deepEqual(await store().accountFindByName({ name: 'nobody' }), []);
    });

    it('counts the accounts', async () => {
      assert.equal(await store().accountCount(), 0);
      await makeAccount(store());
      await makeAccount(store(), { creditBalance: null });
      assert.equal(await store().accountCount(), 2);
    });

    it('lists the accounts oldest first, a page at a time after the last id seen', async () => {
      assert.deepEqual(await store().accountList({ afterId: null, limit: 10 }), []);
      const made = [];
      for (let i = 1; i <= 5; i++) made.push(await makeAccount(store(), { name: `a${i}`, createdAt: at(i * 1_000), creditBalance: i === 3 ? null : i }));
      const first = await store().accountList({ afterId: null, limit: 2 });
      assert.deepEqual(first, made.slice(0, 2));
      const second = await store().accountList({ afterId: first[1]!.id, limit: 2 });
      assert.deepEqual(second, made.slice(2, 4));
      assert.deepEqual(await store().accountList({ afterId: second[1]!.id, limit: 2 }), made.slice(4));
      assert.deepEqual(await store().accountList({ afterId: made[4]!.id, limit: 2 }), []);
    });

    it('keeps a null balance as unlimited', async () => {
      const account = await makeAccount(store(), { creditBalance: null });
      assert.equal(await balanceOf(store(), account.id), null);
    });

    it('adds credits and removes them', async () => {
      const account = await makeAccount(store(), { creditBalance: 10 });
      const added = await store().accountAdjustCredits({ accountId: account.id, amount: 5, now: at(1) });
      assert.deepEqual(added, { ...account, creditBalance: 15 });
      const removed = await store().accountAdjustCredits({ accountId: account.id, amount: -15, now: at(2) });
      assert.equal(removed.creditBalance, 0);
      assert.equal(await balanceOf(store(), account.id), 0);
    });

    it('refuses to take the balance below zero and leaves it unchanged', async () => {
      const account = await makeAccount(store(), { creditBalance: 3 });
      const error = await rejectsWith(
        store().accountAdjustCredits({ accountId: account.id, amount: -4, now: at(1) }),
        InvalidRequestError,
        'invalid_request',
      );
      assert.equal(error.status, 400);
      assert.equal(await balanceOf(store(), account.id), 3);
    });

    it('throws NotFoundError when adjusting an unknown account', async () => {
      await rejectsWith(store().accountAdjustCredits({ accountId: newId('acct'), amount: 5, now: T0 }), NotFoundError, 'not_found');
    });

    it('keeps an unlimited balance unlimited when credits are added or removed', async () => {
      const account = await makeAccount(store(), { creditBalance: null });
      assert.equal((await store().accountAdjustCredits({ accountId: account.id, amount: 5, now: at(1) })).creditBalance, null);
      assert.equal((await store().accountAdjustCredits({ accountId: account.id, amount: -1000, now: at(2) })).creditBalance, null);
      assert.equal(await balanceOf(store(), account.id), null);
    });
  });

  describe('api keys', () => {
    const store = useFreshStore(open);

    it('throws NotFoundError for a key of an unknown account, and stores no key', async () => {
      const key = buildApiKey(newId('acct'));
      await rejectsWith(store().apiKeyInsert({ key }), NotFoundError, 'not_found');
      assert.equal(await store().apiKeyGet({ id: key.id }), null);
    });

    it('inserts a key and reads it back unrevoked', async () => {
      const account = await makeAccount(store());
      const key = buildApiKey(account.id);
      assert.deepEqual(await store().apiKeyInsert({ key }), key);
      assert.deepEqual(await store().apiKeyGet({ id: key.id }), key);
    });

    it('returns null for an unknown key', async () => {
      assert.equal(await store().apiKeyGet({ id: newId('key') }), null);
    });

    it('revokes a key once: true, then false, with revokedAt set to the first time', async () => {
      const account = await makeAccount(store());
      const key = await store().apiKeyInsert({ key: buildApiKey(account.id) });
      assert.equal(await store().apiKeyRevoke({ id: key.id, now: at(1_000) }), true);
      assert.equal(await store().apiKeyRevoke({ id: key.id, now: at(2_000) }), false);
      assert.deepEqual(await store().apiKeyGet({ id: key.id }), { ...key, revokedAt: at(1_000) });
    });

    it('lists keys oldest first, revoked ones too, for every account or for one, a page at a time', async () => {
      const acme = await makeAccount(store(), { name: 'acme' });
      const other = await makeAccount(store(), { name: 'other' });
      const keys = [];
      for (let i = 1; i <= 4; i++) keys.push(await store().apiKeyInsert({ key: buildApiKey(i % 2 === 1 ? acme.id : other.id, { createdAt: at(i * 1_000) }) }));
      await store().apiKeyRevoke({ id: keys[0]!.id, now: at(10_000) });
      keys[0] = { ...keys[0]!, revokedAt: at(10_000) };

      assert.deepEqual(await store().apiKeyList({ accountId: null, afterId: null, limit: 10 }), keys);
      const page = await store().apiKeyList({ accountId: null, afterId: null, limit: 3 });
      assert.deepEqual(page, keys.slice(0, 3));
      assert.deepEqual(await store().apiKeyList({ accountId: null, afterId: page[2]!.id, limit: 3 }), keys.slice(3));
      assert.deepEqual(await store().apiKeyList({ accountId: acme.id, afterId: null, limit: 10 }), [keys[0], keys[2]]);
      assert.deepEqual(await store().apiKeyList({ accountId: other.id, afterId: keys[1]!.id, limit: 10 }), [keys[3]]);
      assert.deepEqual(await store().apiKeyList({ accountId: newId('acct'), afterId: null, limit: 10 }), []);
    });

    it('answers false when revoking an unknown key', async () => {
      assert.equal(await store().apiKeyRevoke({ id: newId('key'), now: T0 }), false);
    });
  });
}
