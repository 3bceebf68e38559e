// The store contract: every driver must pass this suite unchanged (see STYLE.md, "Test every
// store with one contract suite"). Each area lives in contract/ and gets a fresh store per test.
import { describe } from 'node:test';
import type { OpenStore, OpenStorePair } from '../helpers/store.js';
import { describeAccounts } from './contract/accounts.js';
import { describeCancel } from './contract/cancel.js';
import { describeClaim } from './contract/claim.js';
import { describeClock } from './contract/clock.js';
import { describeDeliveries } from './contract/deliveries.js';
import { describeErrors } from './contract/errors.js';
import { describeEvents } from './contract/events.js';
import { describeExpired } from './contract/expired.js';
import { describeFairness } from './contract/fairness.js';
import { describeFiles } from './contract/files.js';
import { describeJobAliases } from './contract/jobAliases.js';
import { describeJobsInsert } from './contract/jobs-insert.js';
import { describeJobsInsertAll } from './contract/jobs-insert-all.js';
import { describeJobTypeSpecs } from './contract/jobTypeSpecs.js';
import { describeLease } from './contract/lease.js';
import { describeLedger } from './contract/ledger.js';
import { describeList } from './contract/list.js';
import { describePurge } from './contract/purge.js';
import { describeQueue } from './contract/queue.js';
import { describeRate } from './contract/rate.js';
import { describeRetention } from './contract/retention.js';
import { describeDependencies } from './contract/dependencies.js';
import { describeStartBy } from './contract/startBy.js';
import { describeStats } from './contract/stats.js';
import { describeTransitions } from './contract/transitions.js';
import { describeUsage } from './contract/usage.js';
import { describeWatch } from './contract/watch.js';
import { describeWorkers } from './contract/workers.js';

/**
 * describeStoreContract runs the whole contract against the stores `open` makes (one per test);
 * `openPair` opens two stores on one database for what crosses processes (watch).
 */
export function describeStoreContract(name: string, open: OpenStore, openPair: OpenStorePair): void {
  describe(`store contract: ${name}`, () => {
    describeAccounts(open);
    describeJobsInsert(open);
    describeJobAliases(open);
    describeJobsInsertAll(open);
    describeList(open);
    describeQueue(open);
    describeClaim(open);
    describeFairness(open);
    describeLease(open);
    describeTransitions(open);
    describeCancel(open);
    describeLedger(open);
    describeExpired(open);
    describeStartBy(open, openPair);
    describeDependencies(open, openPair);
    describeUsage(open);
    describeStats(open);
    describeEvents(open);
    describeClock(open);
    describeRate(open);
    describeRetention(open);
    describePurge(open);
    describeDeliveries(open);
    describeJobTypeSpecs(open);
    describeErrors(open);
    describeWorkers(open);
    describeFiles(open);
    describeWatch(openPair);
  });
}
