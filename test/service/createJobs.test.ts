// createJobs checks a batch's jobs as createJob checks one, but looks each job type and each
// webhook URL up once per batch: a thousand jobs of one type and URL cost one DNS lookup; and
// the jobs `after` names once per batch too.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LookupFn } from '../../src/egress/index.js';
import { createAccount, createJob, createJobs } from '../../src/service/index.js';
import { memoryDeps } from '../helpers/deps.js';

describe('createJobs', () => {
  it('looks each webhook URL\'s host up once per batch, not once per job', async (t) => {
    const asked: string[] = [];
    const lookup: LookupFn = async (hostname) => {
      asked.push(hostname);
      return [{ address: '93.184.216.34', family: 4 }];
    };
    const deps = memoryDeps({ lookup });
    t.after(() => deps.store.close());
    const { account } = await createAccount(deps, { name: 'a', credits: null });
    const principal = { accountId: account.id, apiKeyId: null, apiKeyUsed: null };
    const job = (hook: string) => ({ type: 'demo/sleep', input: { durationMs: 0 }, webhookUrl: `https://${hook}.example/hook` });
    const { jobs } = await createJobs(deps, principal, [job('a'), job('a'), job('b'), job('a'), job('b')]);
    assert.equal(jobs.length, 5);
    assert.deepEqual(asked.sort(), ['a.example', 'b.example']);
  });

  it('reads each job that after names once per batch, not once per job', async (t) => {
    const deps = memoryDeps();
    t.after(() => deps.store.close());
    const { account } = await createAccount(deps, { name: 'a', credits: null });
    const principal = { accountId: account.id, apiKeyId: null, apiKeyUsed: null };
    const sleep = { type: 'demo/sleep', input: { durationMs: 0 } };
    const { job: first } = await createJob(deps, principal, sleep);
    const { job: second } = await createJob(deps, principal, sleep);
    const read: string[] = [];
    const jobGet = deps.store.jobGet.bind(deps.store);
    deps.store.jobGet = async (p) => (read.push(p.id), jobGet(p));
    const { jobs } = await createJobs(deps, principal, [1, 2, 3].map(() => ({ ...sleep, after: [first.id, second.id] })));
    assert.deepEqual(jobs.map((job) => job.after), [1, 2, 3].map(() => [first.id, second.id]));
    assert.deepEqual(read.sort(), [first.id, second.id].sort());
  });
});
