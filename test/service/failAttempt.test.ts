// The service, not the worker, decides whether a failed attempt is retried: from the job as
// stored. Whatever copy of `attempts`/`maxAttempts` a worker holds (stale, or forged, as a worker
// over HTTP could send), the outcome is the same.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type Job, LeaseLostError, ManualClock } from '../../src/domain/index.js';
import { JobTypeRegistry, defineJobType } from '../../src/jobtypes/index.js';
import { type ServiceDeps, claimJobs, createAccount, createJob, failAttempt } from '../../src/service/index.js';
import { runAttempt } from '../../src/worker/index.js';
import { memoryDeps } from '../helpers/deps.js';

const failing = defineJobType({
  type: 'test/fails',
  description: 'Always fails, retryably.',
  inputSchema: { type: 'object' },
  creditCost: 1,
  timeoutMs: 60_000,
  maxAttempts: 2,
  run() {
    throw new Error('it broke');
  },
});

describe('failAttempt decides retries from the stored job', () => {
  let deps: ServiceDeps;
  let claim: () => Promise<Job>;
  let created: Job;

  beforeEach(async () => {
    deps = memoryDeps({ registry: new JobTypeRegistry([failing]), config: { retryBaseMs: 1_000 }, random: () => 0.5 });
    const { account } = await createAccount(deps, { name: 'a', credits: 5 });
    ({ job: created } = await createJob(deps, { accountId: account.id, apiKeyId: null, apiKeyUsed: null }, { type: 'test/fails' }));
    claim = async () => {
      (deps.clock as ManualClock).advance(60_000); // past any retry's runAt
      const [job] = await claimJobs(deps, { workerId: 'w', types: ['test/fails'], limit: 1 });
      assert.ok(job, 'a job to claim');
      return job;
    };
  });
  afterEach(() => deps.store.close());

  const failure = { error: { code: 'boom', message: 'it broke' }, retryable: true, processTime: 1 };
  /** leaseOf is the attempt a worker reports with; any copy it sends along rides on it. */
  const leaseOf = (job: Job) => ({ id: job.id, leaseToken: job.leaseToken! });

  it('retries when the stored job has attempts left, though the copy says they are spent', async () => {
    const first = await claim();
    const forged = { ...leaseOf(first), attempts: 5, maxAttempts: 5 };
    const after = await failAttempt(deps, forged, failure);
    assert.equal(after.status, 'pending');
    assert.equal(after.failedAt, null);
  });

  it('fails for good when the stored attempts are spent, though the copy says many remain', async () => {
    const first = await claim();
    await failAttempt(deps, leaseOf(first), failure);
    const second = await claim();
    const forged = { ...leaseOf(second), attempts: 0, maxAttempts: 100 };
    const after = await failAttempt(deps, forged, failure);
    assert.equal(after.status, 'failed');
    assert.equal(after.attempts, 2);
    assert.equal(after.creditsRefunded, created.creditsCharged);
  });

  it('refuses a stale lease and changes nothing', async () => {
    const first = await claim();
    await assert.rejects(failAttempt(deps, { id: first.id, leaseToken: 'not-the-lease' }, failure), LeaseLostError);
    assert.equal((await deps.store.jobGet({ id: first.id }))!.status, 'running');
  });

  it('ignores the copy a worker runs with: a job claimed for its last attempt fails for good', async () => {
    await failAttempt(deps, leaseOf(await claim()), failure);
    const last = await claim();
    const running = runAttempt(deps, { ...last, attempts: 1, maxAttempts: 9 }, { heartbeatMs: 60_000, onError: assert.fail, onWarn: assert.fail });
    await running.done;
    const stored = (await deps.store.jobGet({ id: last.id }))!;
    assert.equal(stored.status, 'failed');
    assert.deepEqual(stored.error, { code: 'handler_error', message: 'it broke' });
  });
});
