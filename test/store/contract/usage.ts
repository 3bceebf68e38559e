// Contract: usageSummary buckets an account's jobs created in [from, to) by type and UTC day;
// usageProcessTimes lists the process times of its completed and failed jobs, ascending.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UsageRow } from '../../../src/store/index.js';
import { makeAccount, makeJob } from '../../helpers/factories.js';
import { type OpenStore, useFreshStore } from '../../helpers/store.js';

const utc = (iso: string) => new Date(`${iso}Z`);
const byDayThenType = (rows: UsageRow[]) => [...rows].sort((a, b) => a.day.localeCompare(b.day) || a.type.localeCompare(b.type));

export function describeUsage(open: OpenStore): void {
  describe('usage', () => {
    const store = useFreshStore(open);

    /** seed makes one account's jobs over two UTC days (pending ones last, so each claim takes its own job). */
    async function seed() {
      const account = await makeAccount(store(), { creditBalance: null });
      const make = (createdAt: string, over: Parameters<typeof makeJob>[1]) => makeJob(store(), { accountId: account.id, createdAt: utc(createdAt), ...over });
      await make('2026-01-26T12:00:00.000', { type: 'a', status: 'failed', creditsCharged: 3, processTime: 300 });
      await make('2026-01-26T13:00:00.000', { type: 'b', status: 'cancelled', creditsCharged: 1 });
      await make('2026-01-26T14:00:00.000', { type: 'b', status: 'completed', creditsCharged: 1, size: 10, processTime: 400 });
      await make('2026-01-26T23:59:59.999', { type: 'a', status: 'completed', creditsCharged: 2, size: 100, processTime: 500 });
      await make('2026-01-27T01:00:00.000', { type: 'a', status: 'completed', creditsCharged: 2, size: 50, processTime: 200 });
      await make('2026-01-27T02:00:00.000', { type: 'b', status: 'running', creditsCharged: 5 });
      await make('2026-01-27T00:00:00.000', { type: 'a', creditsCharged: 1 });
      // Another account's jobs in the same window never count.
      await makeJob(store(), { type: 'a', status: 'completed', createdAt: utc('2026-01-26T15:00:00.000'), processTime: 999, size: 7 });
      return account;
    }

    const row = (type: string, day: string, counts: Partial<UsageRow>): UsageRow => ({
      type, day, jobs: 0, completed: 0, failed: 0, cancelled: 0, creditsCharged: 0, creditsRefunded: 0, bytes: 0, ...counts,
    });

    it('summarises jobs by type and UTC day with counts, credits and bytes', async () => {
      const account = await seed();
      const rows = await store().usageSummary({ accountId: account.id, from: utc('2026-01-26T00:00:00.000'), to: utc('2026-01-28T00:00:00.000') });
      assert.deepEqual(byDayThenType(rows), [
        row('a', '2026-01-26', { jobs: 2, completed: 1, failed: 1, creditsCharged: 5, creditsRefunded: 3, bytes: 100 }),
        row('b', '2026-01-26', { jobs: 2, completed: 1, cancelled: 1, creditsCharged: 2, creditsRefunded: 1, bytes: 10 }),
        row('a', '2026-01-27', { jobs: 2, completed: 1, creditsCharged: 3, bytes: 50 }),
        row('b', '2026-01-27', { jobs: 1, creditsCharged: 5 }),
      ]);
    });

    it('counts only jobs created in [from, to)', async () => {
      const account = await seed();
      const rows = await store().usageSummary({ accountId: account.id, from: utc('2026-01-26T12:00:00.000'), to: utc('2026-01-27T00:00:00.000') });
      assert.deepEqual(byDayThenType(rows), [
        row('a', '2026-01-26', { jobs: 2, completed: 1, failed: 1, creditsCharged: 5, creditsRefunded: 3, bytes: 100 }),
        row('b', '2026-01-26', { jobs: 2, completed: 1, cancelled: 1, creditsCharged: 2, creditsRefunded: 1, bytes: 10 }),
      ]);
      const later = await store().usageSummary({ accountId: account.id, from: utc('2026-01-26T12:00:00.001'), to: utc('2026-01-26T23:59:59.999') });
      assert.deepEqual(byDayThenType(later), [row('b', '2026-01-26', { jobs: 2, completed: 1, cancelled: 1, creditsCharged: 2, creditsRefunded: 1, bytes: 10 })]);
    });

    it('returns no rows for a window without jobs', async () => {
      const account = await seed();
      assert.deepEqual(await store().usageSummary({ accountId: account.id, from: utc('2026-02-01T00:00:00.000'), to: utc('2026-03-01T00:00:00.000') }), []);
    });

    it('returns the process times of completed and failed jobs, ascending', async () => {
      const account = await seed();
      const window = { accountId: account.id, from: utc('2026-01-26T00:00:00.000'), to: utc('2026-01-28T00:00:00.000') };
      assert.deepEqual(await store().usageProcessTimes(window), [200, 300, 400, 500]);
    });

    it('filters process times by type and by window', async () => {
      const account = await seed();
      const window = { accountId: account.id, from: utc('2026-01-26T00:00:00.000'), to: utc('2026-01-28T00:00:00.000') };
      assert.deepEqual(await store().usageProcessTimes({ ...window, type: 'a' }), [200, 300, 500]);
      assert.deepEqual(await store().usageProcessTimes({ ...window, type: 'b' }), [400]);
      assert.deepEqual(await store().usageProcessTimes({ ...window, type: 'none' }), []);
      assert.deepEqual(await store().usageProcessTimes({ ...window, to: utc('2026-01-27T00:00:00.000') }), [300, 400, 500]);
    });

    it('leaves out a retried job that is pending again', async () => {
      const account = await makeAccount(store(), { creditBalance: null });
      const running = await makeJob(store(), { accountId: account.id, status: 'running', createdAt: utc('2026-01-26T12:00:00.000') });
      await store().jobFail({ id: running.id, leaseToken: running.leaseToken!, now: utc('2026-01-26T12:00:01.000'), error: { code: 'x' }, processTime: 700, retryAt: utc('2026-01-26T12:01:00.000') });
      assert.deepEqual(await store().usageProcessTimes({ accountId: account.id, from: utc('2026-01-26T00:00:00.000'), to: utc('2026-01-27T00:00:00.000') }), []);
    });
  });
}
