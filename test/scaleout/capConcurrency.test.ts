// Concurrency caps across worker processes on PostgreSQL (issue 17): four OS processes, each with
// its own PostgresStore on one schema, claim and complete the jobs of an account capped at 2, an
// account whose one type is capped at 1, and an uncapped account, all at once. A monitor in this
// process samples the running set the whole time: the caps are never exceeded, are reached (so
// the test can fail), and every job completes exactly once. Needs LONGRUN_TEST_POSTGRES_URL.
// Waits on process output and on the monitor's own loop; no sleeps.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Account, Job } from '../../src/domain/index.js';
import { type PostgresStore, openPostgres } from '../../src/store/postgres/index.js';
import { at, buildJob, makeAccount } from '../helpers/factories.js';
import { type LongrunProcess, spawnTsx } from '../helpers/processes.js';
import { webhookDeliveries } from '../helpers/store.js';
import { type Cluster, POSTGRES_URL, SKIP_WITHOUT_POSTGRES, openCluster } from './cluster.js';

const TYPES = ['cap/a', 'cap/b'];
const WORKERS = 4;
const CAPPED_JOBS = 200;
const TYPE_CAPPED_JOBS = 100;
const UNCAPPED_JOBS = 200;
const TOTAL = CAPPED_JOBS + TYPE_CAPPED_JOBS + UNCAPPED_JOBS;
/** DEADLINE_MS bounds the claiming; on a quiet machine it takes a few seconds. */
const DEADLINE_MS = 90_000;

/** insertJobs writes `count` pending jobs of the account, alternating between TYPES, `fromMs` onwards. */
async function insertJobs(store: PostgresStore, account: Account, count: number, fromMs: number): Promise<Job[]> {
  const jobs = Array.from({ length: count }, (_, i) => buildJob({ accountId: account.id, type: TYPES[i % TYPES.length]!, createdAt: at(fromMs + i) }));
  return (await store.jobInsertAll(jobs.map((job) => ({ job, idempotency: null })))).map((w) => w.job);
}

/** startClaimers spawns the claiming processes on the cluster's schema and waits until each has its store open. */
async function startClaimers(cluster: Cluster): Promise<LongrunProcess[]> {
  const claimers = Array.from({ length: WORKERS }, (_, i) => {
    const input = { url: POSTGRES_URL, schema: cluster.schema, workerId: `claimer-${i + 1}`, types: TYPES, limit: 3, maxHoldTurns: 20 };
    return spawnTsx(`claimer-${i + 1}`, ['test/scaleout/capClaimer.ts', JSON.stringify(input)], {}, { stdin: true });
  });
  // Registered with the cluster, whose clean-up kills them by pid whatever happens here.
  cluster.processes.push(...claimers);
  await Promise.all(claimers.map((c) => c.waitForLine(/^ready$/)));
  return claimers;
}

/** Peaks are the most running jobs the monitor saw at once: the capped account's, and the type-capped account's of its capped type. */
interface Peaks {
  capped: number;
  typed: number;
  samples: number;
}

const completedLines = (claimers: LongrunProcess[]) => claimers.flatMap((c) => c.stdout.filter((line) => line.startsWith('completed ')));

describe('scale-out: concurrency caps across worker processes on PostgreSQL', SKIP_WITHOUT_POSTGRES, () => {
  it('never runs more than an account\'s cap of 2 (or a type\'s cap of 1) with 4 processes claiming at once, and completes every job once', { timeout: 180_000 }, async (t) => {
    const cluster = await openCluster(t);
    const store = await openPostgres(POSTGRES_URL!, { schema: cluster.schema, webhookDeliveries });
    try {
      const capped = await makeAccount(store, { creditBalance: null });
      const typeCapped = await makeAccount(store, { creditBalance: null });
      const uncapped = await makeAccount(store, { creditBalance: null });
      await store.accountSchedulingSet({ accountId: capped.id, change: { maxConcurrency: 2 } });
      await store.accountSchedulingSet({ accountId: typeCapped.id, change: { maxConcurrencyByType: { 'cap/b': 1 } } });
      const jobs = [
        ...(await insertJobs(store, capped, CAPPED_JOBS, 0)),
        ...(await insertJobs(store, typeCapped, TYPE_CAPPED_JOBS, 1_000)),
        ...(await insertJobs(store, uncapped, UNCAPPED_JOBS, 2_000)),
      ];

      const claimers = await startClaimers(cluster);
      const began = Date.now();
      for (const c of claimers) c.child.stdin!.write('go\n');

      // The monitor: one sample after another on its own connection until every job is reported
      // done, a claimer dies, or the deadline passes.
      const peaks: Peaks = { capped: 0, typed: 0, samples: 0 };
      const deadline = Date.now() + DEADLINE_MS;
      while (completedLines(claimers).length < TOTAL) {
        const [sample] = await cluster.sql<{ capped: number; typed: number }>(
          `SELECT count(*) FILTER (WHERE account_id = $1)::int AS capped, count(*) FILTER (WHERE account_id = $2 AND type = 'cap/b')::int AS typed
           FROM jobs WHERE status = 'running'`,
          [capped.id, typeCapped.id],
        );
        peaks.capped = Math.max(peaks.capped, sample!.capped);
        peaks.typed = Math.max(peaks.typed, sample!.typed);
        peaks.samples++;
        const dead = claimers.find((c) => c.child.exitCode !== null || c.child.signalCode !== null);
        assert.equal(dead, undefined, `a claimer exited while jobs were left\n${dead?.output()}`);
        assert.ok(Date.now() < deadline, `${completedLines(claimers).length} of ${TOTAL} jobs done after ${DEADLINE_MS} ms`);
      }
      const claimingMs = Date.now() - began;
      for (const c of claimers) c.child.stdin!.write('stop\n');
      const exits = await Promise.all(claimers.map((c) => c.exited));
      claimers.forEach((c, i) => assert.deepEqual(exits[i], { code: 0, signal: null }, `${c.name} stopped cleanly\n${c.output()}`));

      const perClaimer = claimers.map((c) => c.stdout.filter((line) => line.startsWith('completed ')).length);
      console.log(`cap test: ${TOTAL} jobs in ${claimingMs} ms, ${peaks.samples} samples of the running set; peaks ${peaks.capped} (cap 2), ${peaks.typed} (type cap 1); jobs per claimer ${perClaimer.join(' / ')}`);
      assert.equal(peaks.capped, 2, 'the capped account ran at most 2 jobs at once, and did reach 2');
      assert.equal(peaks.typed, 1, 'the type-capped account ran at most 1 job of that type at once, and did reach 1');

      // Every job reported done exactly once, by one claimer, and the store agrees.
      const reported = completedLines(claimers).map((line) => line.slice('completed '.length));
      assert.equal(reported.length, TOTAL, 'completions reported');
      assert.deepEqual([...new Set(reported)].sort(), jobs.map((j) => j.id).sort(), 'each job completed once');
      const rows = await cluster.sql<{ status: string; attempts: number; jobs: number }>(
        'SELECT status, attempts, count(*)::int AS jobs FROM jobs GROUP BY status, attempts',
      );
      assert.deepEqual(rows, [{ status: 'completed', attempts: 1, jobs: TOTAL }]);
      const [events] = await cluster.sql<{ started: number; completed: number; other: number }>(
        `SELECT count(*) FILTER (WHERE kind = 'started')::int AS started, count(*) FILTER (WHERE kind = 'completed')::int AS completed,
           count(*) FILTER (WHERE kind NOT IN ('created', 'started', 'completed'))::int AS other FROM job_events`,
      );
      assert.deepEqual(events, { started: TOTAL, completed: TOTAL, other: 0 });
      // The caps' own counters are back to nothing running.
      assert.equal((await store.accountSchedulingGet({ accountId: capped.id }))!.running, 0);
      const limits = await cluster.sql<{ running: number }>('SELECT running FROM account_limits');
      assert.deepEqual(limits, [{ running: 0 }, { running: 0 }]);
    } finally {
      await store.close();
    }
  });
});
