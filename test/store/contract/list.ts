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

    it('filters by metadata key and string value, error code, priority, original job and created time', async () => {
      const account = await makeAccount(store());
      const other = await makeAccount(store());
      // Each job has its own type, so makeJob's claim of a failed one never meets another.
      const plan: Partial<Job>[] = [
        { status: 'failed', error: { code: 'timeout' }, metadata: { team: 'red' }, priority: 1 },
        { status: 'failed', error: { code: 'boom' }, metadata: { team: 'blue' } },
        { metadata: { team: 'red', n: 5 } },
        { metadata: { n: '5', 'a.b': 'x' }, priority: 1 },
        { metadata: { team: 7 } },
      ];
      const jobs = await makeJobs(account.id, plan.length, (i) => ({ type: `t/${i}`, ...plan[i] }));
      await makeJob(store(), { accountId: other.id, type: 't/other', metadata: { team: 'red' }, createdAt: at(500) });
      const rerun = await makeJob(store(), { accountId: account.id, type: 't/0', originalJobId: jobs[0]!.id, createdAt: at(9_000) });
      const got = async (p: Omit<JobListParams, 'accountId' | 'limit'>) => {
        const page = await list({ accountId: account.id, limit: 100, ...p });
        assert.equal(page.total, page.jobs.length);
        return ids(page.jobs);
      };
      const pick = (...at: number[]) => at.map((i) => jobs[i]!.id).reverse();
      assert.deepEqual(await got({ metadata: { key: 'team', value: 'red' } }), pick(0, 2));
      // Only string values match: 5 and 7 are numbers, '5' is a string.
      assert.deepEqual(await got({ metadata: { key: 'n', value: '5' } }), pick(3));
      assert.deepEqual(await got({ metadata: { key: 'team', value: '7' } }), []);
      // A key with a dot is a key, not a path.
      assert.deepEqual(await got({ metadata: { key: 'a.b', value: 'x' } }), pick(3));
      assert.deepEqual(await got({ errorCode: 'timeout' }), pick(0));
      assert.deepEqual(await got({ errorCode: 'boom', statuses: ['failed'] }), pick(1));
      assert.deepEqual(await got({ priority: 1, metadata: { key: 'team', value: 'red' } }), pick(0));
      assert.deepEqual(await got({ originalJobId: jobs[0]!.id }), [rerun.id]);
      // Created in [1 s, 3 s): jobs 1 and 2 (made one second apart from T0).
      assert.deepEqual(await got({ createdFrom: at(1_000), createdTo: at(3_000) }), pick(1, 2));
      assert.deepEqual(await got({ createdFrom: at(4_000) }), [rerun.id, ...pick(4)]);
    });

    it('pages a metadata filter by cursor and counts its total whatever the page', async () => {
      const account = await makeAccount(store());
      const newest = (await makeJobs(account.id, 7, (i) => ({ metadata: { even: i % 2 === 0 ? 'yes' : 'no' } }))).reverse();
      const even = newest.filter((j) => j.metadata.even === 'yes');
      const first = await list({ accountId: account.id, limit: 2, metadata: { key: 'even', value: 'yes' } });
      assert.deepEqual({ ids: ids(first.jobs), total: first.total }, { ids: ids(even.slice(0, 2)), total: 4 });
      const next = await list({ accountId: account.id, limit: 2, metadata: { key: 'even', value: 'yes' }, beforeId: first.jobs[1]!.id });
      assert.deepEqual({ ids: ids(next.jobs), total: next.total }, { ids: ids(even.slice(2, 4)), total: 4 });
      assert.equal(first.totalCapped, undefined);
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
