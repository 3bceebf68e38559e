// Contract: jobList pages (newest first, limit/offset, beforeId cursor), filters, and totals.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Job, JobStatus } from '../../../src/domain/index.js';
import type { JobListParams } from '../../../src/store/index.js';
import { at, makeAccount, makeJob } from '../../helpers/factories.js';
import { type OpenStore, useFreshStore } from '../../helpers/store.js';

const ids = (jobs: Job[]) => jobs.map((j) => j.id);

export function describeList(open: OpenStore): void {
  describe('jobList', () => {
    const store = useFreshStore(open);

    /** makeJobs makes `n` pending jobs one second apart (oldest first) and returns them in that order. */
    async function makeJobs(accountId: string, n: number, overrides: (i: number) => Partial<Job> = () => ({})): Promise<Job[]> {
      const jobs: Job[] = [];
      for (let i = 0; i < n; i++) jobs.push(await makeJob(store(), { accountId, createdAt: at(i * 1_000), ...overrides(i) }));
      return jobs;
    }

    const list = (p: JobListParams) => store().jobList(p);

    it('lists newest first', async () => {
      const account = await makeAccount(store());
      const jobs = await makeJobs(account.id, 5);
      const page = await list({ accountId: account.id, limit: 10 });
      assert.deepEqual(page, { jobs: [...jobs].reverse(), total: 5 });
    });

    it('returns an empty page and a zero total for an account without jobs', async () => {
      const account = await makeAccount(store());
      assert.deepEqual(await list({ accountId: account.id, limit: 10 }), { jobs: [], total: 0 });
    });

    it('lists only the account\'s own jobs and counts only them', async () => {
      const a = await makeAccount(store());
      const b = await makeAccount(store());
      const mine = await makeJobs(a.id, 2);
      await makeJobs(b.id, 3);
      assert.deepEqual(await list({ accountId: a.id, limit: 10 }), { jobs: [...mine].reverse(), total: 2 });
    });

    it('applies limit and offset', async () => {
      const account = await makeAccount(store());
      const newest = (await makeJobs(account.id, 6)).reverse();
      assert.deepEqual(ids((await list({ accountId: account.id, limit: 2 })).jobs), ids(newest.slice(0, 2)));
      assert.deepEqual(ids((await list({ accountId: account.id, limit: 2, offset: 2 })).jobs), ids(newest.slice(2, 4)));
      assert.deepEqual(ids((await list({ accountId: account.id, limit: 10, offset: 5 })).jobs), ids(newest.slice(5)));
      assert.deepEqual((await list({ accountId: account.id, limit: 10, offset: 6 })).jobs, []);
    });

    it('continues after beforeId exactly where the previous page ended, with no gaps or repeats', async () => {
      const account = await makeAccount(store());
      const newest = (await makeJobs(account.id, 7)).reverse();
      const seen: string[] = [];
      const sizes: number[] = [];
      let beforeId: string | undefined;
      for (let round = 0; round < 10; round++) {
        const page = await list({ accountId: account.id, limit: 3, ...(beforeId ? { beforeId } : {}) });
        assert.equal(page.total, 7);
        sizes.push(page.jobs.length);
        if (page.jobs.length === 0) break;
        seen.push(...ids(page.jobs));
        beforeId = page.jobs[page.jobs.length - 1]!.id;
      }
      assert.deepEqual(sizes, [3, 3, 1, 0]);
      assert.deepEqual(seen, ids(newest));
    });

    it('skips offset jobs after the beforeId cursor', async () => {
      const account = await makeAccount(store());
      const newest = (await makeJobs(account.id, 6)).reverse();
      const page = await list({ accountId: account.id, limit: 2, offset: 1, beforeId: newest[1]!.id });
      assert.deepEqual(ids(page.jobs), ids(newest.slice(3, 5)));
      assert.equal(page.total, 6);
    });

    it('filters by one status, several statuses, a type, and both', async () => {
      const account = await makeAccount(store());
      const plan: [string, JobStatus][] = [
        ['t/a', 'running'], ['t/b', 'completed'], ['t/a', 'failed'], ['t/b', 'cancelled'],
        ['t/a', 'completed'], ['t/a', 'pending'], ['t/b', 'pending'], ['t/c', 'pending'],
      ];
      // Driven jobs come first, so makeJob's claim never meets an older pending job of the same type.
      const jobs = await makeJobs(account.id, plan.length, (i) => ({ type: plan[i]![0], status: plan[i]![1] }));
      const expect = (keep: (job: Job) => boolean) => {
        const matching = jobs.filter(keep).reverse();
        return { ids: ids(matching), total: matching.length };
      };
      const got = async (p: Omit<JobListParams, 'accountId' | 'limit'>) => {
        const page = await list({ accountId: account.id, limit: 100, ...p });
        return { ids: ids(page.jobs), total: page.total };
      };
      assert.deepEqual(await got({ statuses: ['pending'] }), expect((j) => j.status === 'pending'));
      assert.deepEqual(await got({ statuses: ['completed', 'failed', 'cancelled'] }), expect((j) => ['completed', 'failed', 'cancelled'].includes(j.status)));
      assert.deepEqual(await got({ type: 't/a' }), expect((j) => j.type === 't/a'));
      assert.deepEqual(await got({ statuses: ['pending', 'completed'], type: 't/b' }), expect((j) => j.type === 't/b' && ['pending', 'completed'].includes(j.status)));
      assert.deepEqual(await got({ statuses: ['running'], type: 't/c' }), { ids: [], total: 0 });
      assert.deepEqual(await got({ statuses: [] }), expect(() => true));
    });

    it('counts the total of all matching jobs whatever the limit, offset or cursor', async () => {
      const account = await makeAccount(store());
      const newest = (await makeJobs(account.id, 5, (i) => ({ type: i % 2 === 0 ? 't/even' : 't/odd' }))).reverse();
      assert.equal((await list({ accountId: account.id, limit: 1 })).total, 5);
      assert.equal((await list({ accountId: account.id, limit: 1, offset: 4 })).total, 5);
      assert.equal((await list({ accountId: account.id, limit: 1, beforeId: newest[3]!.id })).total, 5);
      assert.equal((await list({ accountId: account.id, limit: 1, type: 't/even', offset: 2 })).total, 3);
    });

    it('keeps totals right as jobs are claimed, completed, failed and cancelled', async () => {
      const account = await makeAccount(store());
      const jobs = await makeJobs(account.id, 4);
      const totals = async () => {
        const out: Record<string, number> = {};
        for (const status of ['pending', 'running', 'completed', 'failed', 'cancelled'] as const) {
          out[status] = (await list({ accountId: account.id, statuses: [status], limit: 1 })).total;
        }
        out.all = (await list({ accountId: account.id, limit: 1 })).total;
        return out;
      };
      assert.deepEqual(await totals(), { pending: 4, running: 0, completed: 0, failed: 0, cancelled: 0, all: 4 });
      const claimed = await store().jobClaim({ workerId: 'w', types: [jobs[0]!.type], now: at(10_000), leaseMs: 1_000, limit: 3 });
      assert.deepEqual(await totals(), { pending: 1, running: 3, completed: 0, failed: 0, cancelled: 0, all: 4 });
      const [a, b, c] = claimed.map((j) => ({ id: j.id, leaseToken: j.leaseToken!, now: at(11_000) }));
      await store().jobComplete({ ...a!, output: null, size: 0, processTime: 1 });
      await store().jobFail({ ...b!, error: { code: 'boom' }, processTime: 1, retryAt: null });
      await store().jobFail({ ...c!, error: { code: 'boom' }, processTime: 1, retryAt: at(20_000) });
      assert.deepEqual(await totals(), { pending: 2, running: 0, completed: 1, failed: 1, cancelled: 0, all: 4 });
      await store().jobCancel({ id: jobs[3]!.id, accountId: account.id, now: at(12_000) });
      assert.deepEqual(await totals(), { pending: 1, running: 0, completed: 1, failed: 1, cancelled: 1, all: 4 });
    });
  });
}
