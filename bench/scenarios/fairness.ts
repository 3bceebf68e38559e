// Scenario 11, fairness (issue 17): what the fair claim costs. PostgreSQL, 1,000 active accounts
// with 10 pending jobs each (each account's made together, as a burst), claimed by 8
// concurrent loops of one-job claims, against the unfair claim in the same run: the same
// statement with the pre-fairness order (`priority DESC, id`) and no caps, made from today's
// SQL.jobClaim by bench/lib/unfairClaim.ts, on a schema of its own with the same jobs and the
// pending index of that time. Both run through the driver's Db with the same parameters, so they
// differ only in the statement and its index; the triggers of migration 0018 (a job's turn when
// it enters pending, the cap counters on a status change) run on both schemas alike. No account
// has a cap: the common case. Target ≥ 0.8× the unfair claim's rate. Beside it, the p50 of one
// claim alone at 1,000 active accounts and at 1 (one account holding the same number of jobs).
// And what the check of `after` (job dependencies, issue 18) costs jobs that wait for nothing:
// today's claim against itself with that check cut out, on a schema of its own with the same jobs.
// Target ≥ 0.9×.
import { runTool } from '../lib/children.js';
import { type BenchContext, freshSchema } from '../lib/context.js';
import { type BenchResult, makeResult } from '../lib/report.js';
import { type Scenario, interleave } from '../lib/scenario.js';
import { summarize } from '../lib/stats.js';

/** LOOPS is how many claims are in flight in a throughput run, as several workers' would be. */
const LOOPS = 8;

/** ClaimRun is what the claimLoop child reports of one run. */
interface ClaimRun {
  claimed: number;
  claimsPerSec: number;
  /** accountsSeen is how many accounts the run's claims went to. */
  accountsSeen: number;
  p50: number;
  p99: number;
}

export const fairness: Scenario = {
  name: 'fairness',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const { rounds, fairnessAccounts: accounts, fairnessJobsPerAccount: perAccount, fairnessClaims: claims, fairnessCostSamples: samples } = ctx.sizes;
    const pending = accounts * perAccount;
    if (rounds * (claims + samples) > pending) throw new Error(`fairness: ${rounds} rounds of ${claims + samples} claims need more than ${pending} pending jobs`);
    const maxMs = 10 * 60_000;
    const schemas = {
      fair: freshSchema('fair_claim'), unfair: freshSchema('unfair_claim'), oneAccount: freshSchema('fair_claim_one'), unchecked: freshSchema('unchecked_claim'),
    };
    const setup = async (schema: string, claim: 'fair' | 'unfair' | 'unchecked', count: number, jobsPerAccount: number) => {
      const made = await runTool<{ jobs: number; perSec: number }>('claimLoop', { url: ctx.pgUrl, schema, claim, action: 'setup', accounts: count, jobsPerAccount }, { maxMs });
      ctx.log(`${schema}: ${made.jobs} pending jobs of ${count} accounts at ${Math.round(made.perSec)}/s`);
    };
    await setup(schemas.fair, 'fair', accounts, perAccount);
    await setup(schemas.unfair, 'unfair', accounts, perAccount);
    await setup(schemas.oneAccount, 'fair', 1, pending);
    await setup(schemas.unchecked, 'unchecked', accounts, perAccount);

    const claimRun = (schema: string, claim: 'fair' | 'unfair' | 'unchecked', loops: number, count: number) => () =>
      runTool<ClaimRun>('claimLoop', { url: ctx.pgUrl, schema, claim, action: 'claims', loops, count }, { maxMs });
    const runs = await interleave(rounds, {
      unfair: claimRun(schemas.unfair, 'unfair', LOOPS, claims),
      fair: claimRun(schemas.fair, 'fair', LOOPS, claims),
      unfairCost: claimRun(schemas.unfair, 'unfair', 1, samples),
      fairCost: claimRun(schemas.fair, 'fair', 1, samples),
      oneAccountCost: claimRun(schemas.oneAccount, 'fair', 1, samples),
      unchecked: claimRun(schemas.unchecked, 'unchecked', LOOPS, claims),
    });
    // The evidence that the claims differ as they should: the fair one spreads over the accounts.
    ctx.log(`accounts served by the first throughput run's ${claims} claims: fair ${runs.fair[0]!.accountsSeen}, unfair ${runs.unfair[0]!.accountsSeen}`);

    const rate = (list: ClaimRun[]) => summarize(list.map((r) => r.claimsPerSec));
    const p50 = (list: ClaimRun[]) => summarize(list.map((r) => r.p50));
    const fairRate = rate(runs.fair);
    const fairCost = p50(runs.fairCost);
    const oneCost = p50(runs.oneAccountCost);
    const label = accounts.toLocaleString('en-US');
    return [
      makeResult({
        name: `fairness: claims/s, ${label} active accounts (PostgreSQL, ${LOOPS} loops)`, unit: 'claims/s', value: fairRate.median, spread: fairRate.spread,
        baseline: 'unfair claim', baselineValue: rate(runs.unfair).median, target: { on: 'ratio', op: '>=', limit: 0.8 },
        note: 'baseline: the same claim ordered by priority, id, without caps (bench/lib/unfairClaim.ts)',
      }),
      makeResult({
        name: `dependencies: claims/s of jobs without after, ${label} active accounts (PostgreSQL, ${LOOPS} loops)`, unit: 'claims/s',
        value: fairRate.median, spread: fairRate.spread, baseline: 'claim without the after check', baselineValue: rate(runs.unchecked).median,
        target: { on: 'ratio', op: '>=', limit: 0.9 }, note: 'baseline: the same claim with the check of after cut out (bench/lib/unfairClaim.ts)',
      }),
      makeResult({
        name: 'fairness: claim p50, 1 active account (PostgreSQL)', unit: 'ms', value: oneCost.median, spread: oneCost.spread,
        note: `one account holding all ${pending.toLocaleString('en-US')} pending jobs`,
      }),
      makeResult({
        name: `fairness: claim p50, ${label} active accounts (PostgreSQL)`, unit: 'ms', value: fairCost.median, spread: fairCost.spread,
        baseline: 'unfair claim', baselineValue: p50(runs.unfairCost).median,
      }),
    ];
  },
};
