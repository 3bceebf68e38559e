// The fairness scenario's child. `setup` fills a fresh PostgreSQL schema with `accounts` accounts of
// `jobsPerAccount` pending jobs each, each account's jobs made together (a burst of its own, so
// the oldest-first claim serves accounts one after another and the fair claim takes turns); the
// `unfair` schema then gets the pending index of the pre-fairness claim. `claims` runs `loops` loops that each claim one job at
// a time (no complete: the figure is the claim) until `count` are claimed, and reports claims per
// second and the latency of each claim statement. Both claims run as one statement on the store's
// own pool through the driver's Db, with the parameters the driver gives them (jobWrites.ts claimJobs).
import { webhookDeliveryPolicy } from '../../src/service/webhookDeliveries.js';
import { jobView } from '../../src/http/jobView.js';
import { Db } from '../../src/store/postgres/db.js';
import { openPostgres } from '../../src/store/postgres/index.js';
import { SQL } from '../../src/store/postgres/queries.js';
import { at, buildJob, makeAccount } from '../../test/helpers/factories.js';
import { childInput, exitWithParent, main, nowMs, report } from '../lib/child.js';
import { UNCHECKED_CLAIM_SQL, UNFAIR_CLAIM_SQL, UNFAIR_INDEX_SQL } from '../lib/unfairClaim.js';
import { LatencyRecorder } from '../lib/stats.js';

/** CLAIM_TYPE is the one job type of the fairness scenario. */
const CLAIM_TYPE = 'bench/noop';
/** INSERT_BATCH is how many inserts are asked for at once in a setup. */
const INSERT_BATCH = 1000;

interface Input {
  url: string;
  schema: string;
  /** claim: today's claim, the pre-fairness one, or today's without the check of `after`. */
  claim: 'fair' | 'unfair' | 'unchecked';
  action: 'setup' | 'claims';
  accounts?: number;
  jobsPerAccount?: number;
  loops?: number;
  count?: number;
}

main(async () => {
  exitWithParent(20 * 60_000);
  const input = childInput<Input>();
  const store = await openPostgres(input.url, { schema: input.schema, webhookDeliveries: webhookDeliveryPolicy(jobView) });
  const db = new Db(store.pool);
  try {
    if (input.action === 'setup') {
      const started = performance.now();
      const accounts = await Promise.all(Array.from({ length: input.accounts! }, () => makeAccount(store, { creditBalance: null })));
      // Inserts asked for together go out as group statements (the store's group commit).
      const jobs = accounts.flatMap((account) => Array.from({ length: input.jobsPerAccount! }, () => account.id));
      for (let from = 0; from < jobs.length; from += INSERT_BATCH) {
        await Promise.all(
          jobs.slice(from, from + INSERT_BATCH).map((accountId, i) =>
            store.jobInsert({ job: buildJob({ accountId, type: CLAIM_TYPE, createdAt: at(from + i) }), idempotency: null }),
          ),
        );
      }
      // After the inserts: the turns a job gets on entering pending are read from the fair index.
      if (input.claim === 'unfair') await db.simple(UNFAIR_INDEX_SQL);
      report({ jobs: jobs.length, perSec: jobs.length / ((performance.now() - started) / 1000) });
      return;
    }

    const statement = { fair: SQL.jobClaim, unfair: UNFAIR_CLAIM_SQL, unchecked: UNCHECKED_CLAIM_SQL }[input.claim];
    const latency = new LatencyRecorder();
    const accountsSeen = new Set<string>();
    let claimed = 0;
    const loop = async () => {
      while (claimed < input.count!) {
        const now = new Date();
        const params = ['bench-claims', now, new Date(now.getTime() + 600_000), [CLAIM_TYPE], 1, store.instanceId, false];
        const began = nowMs();
        const rows = await db.rows<{ account_id: string }>(statement, params);
        latency.record(nowMs() - began);
        if (rows.length === 0) throw new Error(`the ${input.claim} schema ran out of pending jobs after ${claimed} claims`);
        claimed++;
        accountsSeen.add(rows[0]!.account_id);
      }
    };
    const started = nowMs();
    await Promise.all(Array.from({ length: input.loops! }, loop));
    const seconds = (nowMs() - started) / 1000;
    report({ claimed, claimsPerSec: claimed / seconds, accountsSeen: accountsSeen.size, ...latency.summary() });
  } finally {
    await store.close();
  }
});
