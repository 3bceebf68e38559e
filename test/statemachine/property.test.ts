// Property-based test of the job state machine against the real SQLite store: random sequences of
// create, claim, heartbeat, progress, complete, fail, cancel, clock moves and reaps, with stale
// lease tokens mixed in. After every step: only legal moves, final jobs frozen, refunds exactly
// once, counters exact; at the end every job can be driven to a final state.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { EventBus } from '../../src/events/index.js';
import { apiLinks } from '../../src/http/links.js';
import {
  type Job,
  type JobStatus,
  JOB_STATUSES,
  JobNotCancellableError,
  LeaseLostError,
  ManualClock,
  canMove,
  isFinalStatus,
} from '../../src/domain/index.js';
import { BUILTIN_JOB_TYPES, JobTypeRegistry } from '../../src/jobtypes/index.js';
import {
  type ServiceDeps,
  cancelJob,
  claimJobs,
  completeAttempt,
  createAccount,
  createJob,
  defaultServiceConfig,
  failAttempt,
  heartbeatAttempt,
  reapExpired,
  reportProgress,
} from '../../src/service/index.js';
import { openSqlite } from '../../src/store/sqlite/index.js';
import { webhookDeliveries } from '../helpers/store.js';

const START_CREDITS = 1_000;

type Action =
  | { kind: 'create'; priority: number }
  | { kind: 'claim'; limit: number }
  | { kind: 'heartbeat' | 'progress' | 'complete'; job: number; stale: boolean }
  | { kind: 'fail'; job: number; stale: boolean; retryable: boolean }
  | { kind: 'cancel'; job: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'reap' };

const jobRef = fc.nat({ max: 11 });
const action: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('create' as const), priority: fc.integer({ min: -2, max: 2 }) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('claim' as const), limit: fc.integer({ min: 1, max: 3 }) }), weight: 3 },
  fc.record({ kind: fc.constantFrom('heartbeat' as const, 'progress' as const, 'complete' as const), job: jobRef, stale: fc.boolean() }),
  fc.record({ kind: fc.constant('fail' as const), job: jobRef, stale: fc.boolean(), retryable: fc.boolean() }),
  fc.record({ kind: fc.constant('cancel' as const), job: jobRef }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 40_000 }) }),
  fc.record({ kind: fc.constant('reap' as const) }),
);

async function runScenario(actions: Action[]): Promise<void> {
  const store = openSqlite(':memory:', { webhookDeliveries });
  const deps: ServiceDeps = {
    store,
    clock: new ManualClock(),
    registry: new JobTypeRegistry(BUILTIN_JOB_TYPES),
    bus: new EventBus(),
    links: apiLinks,
    config: { ...defaultServiceConfig, leaseMs: 30_000, retryBaseMs: 1_000 },
    random: () => 0.5,
  };
  const clock = deps.clock as ManualClock;
  try {
    const { account } = await createAccount(deps, { name: 'p', credits: START_CREDITS });
    const principal = { accountId: account.id, apiKeyId: null, apiKeyUsed: null };
    const ids: string[] = [];
    const tokens = new Map<string, string[]>(); // every lease token each job was ever given
    const seen = new Map<string, Job>();

    const attemptOf = (index: number, stale: boolean) => {
      const id = ids[index % Math.max(1, ids.length)];
      if (!id) return null;
      const given = tokens.get(id) ?? [];
      const token = stale ? (given.length > 1 ? given[0]! : 'not-a-token') : given.at(-1) ?? 'never-claimed';
      return { id, leaseToken: token };
    };
    const tolerate = async (run: () => Promise<unknown>) => {
      try {
        await run();
      } catch (error) {
        if (!(error instanceof LeaseLostError) && !(error instanceof JobNotCancellableError)) throw error;
      }
    };

    const check = async (step: string) => {
      let charged = 0;
      let refunded = 0;
      const counts = new Map<JobStatus, number>();
      for (const id of ids) {
        const job = (await store.jobGet({ id }))!;
        const before = seen.get(id);
        if (before) {
          if (isFinalStatus(before.status)) assert.deepEqual(job, before, `${step}: final job ${id} changed`);
          else if (before.status !== job.status) {
            // A step may chain two moves (claim then cancel cannot, but retry→claim can happen across steps only).
            assert.ok(canMove(before.status, job.status), `${step}: ${id} moved ${before.status} → ${job.status}`);
          }
        }
        const shouldRefund = job.status === 'failed' || job.status === 'cancelled';
        assert.equal(job.creditsRefunded, shouldRefund ? job.creditsCharged : 0, `${step}: refund of ${id} (${job.status})`);
        charged += job.creditsCharged;
        refunded += job.creditsRefunded;
        counts.set(job.status, (counts.get(job.status) ?? 0) + 1);
        seen.set(id, job);
      }
      const balance = (await store.accountGet({ id: account.id }))!.creditBalance;
      assert.equal(balance, START_CREDITS - charged + refunded, `${step}: balance`);
      const refunds = store.db.prepare("SELECT job_id FROM ledger WHERE kind = 'refund' GROUP BY job_id HAVING COUNT(*) > 1").all();
      assert.deepEqual(refunds, [], `${step}: a job was refunded twice`);
      for (const status of JOB_STATUSES) {
        const { total } = await store.jobList({ accountId: account.id, statuses: [status], limit: 1 });
        assert.equal(total, counts.get(status) ?? 0, `${step}: total of ${status}`);
      }
    };

    for (const [n, step] of actions.entries()) {
      const label = `step ${n} ${JSON.stringify(step)}`;
      switch (step.kind) {
        case 'create': {
          const { job } = await createJob(deps, principal, { type: 'demo/sleep', input: { durationMs: 0 }, priority: step.priority });
          ids.push(job.id);
          break;
        }
        case 'claim':
          for (const job of await claimJobs(deps, { workerId: 'w', types: ['demo/sleep'], limit: step.limit })) {
            tokens.set(job.id, [...(tokens.get(job.id) ?? []), job.leaseToken!]);
          }
          break;
        case 'heartbeat':
        case 'progress':
        case 'complete': {
          const attempt = attemptOf(step.job, step.stale);
          if (!attempt) break;
          if (step.kind === 'heartbeat') await tolerate(() => heartbeatAttempt(deps, attempt));
          if (step.kind === 'progress') await tolerate(() => reportProgress(deps, attempt, { progress: 50 }));
          if (step.kind === 'complete') await tolerate(() => completeAttempt(deps, attempt, { output: { ok: 1 }, size: 0, processTime: 1 }));
          break;
        }
        case 'fail': {
          const attempt = attemptOf(step.job, step.stale);
          if (!attempt) break;
          const job = (await store.jobGet({ id: attempt.id }))!;
          await tolerate(() =>
            failAttempt(deps, { ...job, leaseToken: attempt.leaseToken }, { error: { code: 'boom' }, retryable: step.retryable, processTime: 1 }),
          );
          break;
        }
        case 'cancel': {
          const id = ids[step.job % Math.max(1, ids.length)];
          if (id) await tolerate(() => cancelJob(deps, principal, id));
          break;
        }
        case 'advance':
          clock.advance(step.ms);
          break;
        case 'reap':
          await reapExpired(deps, { limit: 100 });
          break;
      }
      await check(label);
    }

    // Every job can still be brought to a final state.
    for (const id of ids) await tolerate(() => cancelJob(deps, principal, id));
    await check('final cancel');
    for (const id of ids) assert.ok(isFinalStatus(seen.get(id)!.status), `${id} is not final`);
  } finally {
    await store.close();
  }
}

describe('the job state machine (property-based, real SQLite store)', () => {
  it('accepts only legal moves, freezes final jobs, refunds exactly once and keeps counters exact', async () => {
    await fc.assert(fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 40 }), runScenario), { numRuns: 150 });
  });
});
