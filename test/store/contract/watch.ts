// Contract: `watch` on one store hears what another store on the same database (another process)
// commits, and its stop function stops it. Waits are for the callback, each bounded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeAccount, makeJob } from '../../helpers/factories.js';
import { type OpenStorePair, useFreshPair, watchCalls } from '../../helpers/store.js';

export function describeWatch(openPair: OpenStorePair): void {
  describe('watch', () => {
    const pair = useFreshPair(openPair);

    it('calls onChange on one store after another store on the same database commits', async () => {
      const { first, second } = pair();
      const account = await makeAccount(first);
      const seen = watchCalls();
      const stop = second.watch(seen.fn);
      await pair().watching();
      await makeJob(first, { accountId: account.id }); // one commit

      await seen.reach(1);
      stop();
    });

    it('stops calling onChange once its stop function is called', async () => {
      const { first, second } = pair();
      const account = await makeAccount(first);
      const stopped = watchCalls();
      const still = watchCalls();
      const stop = second.watch(stopped.fn);
      const stopStill = second.watch(still.fn);
      await pair().watching();
      await makeJob(first, { accountId: account.id });
      await Promise.all([stopped.reach(1), still.reach(1)]);
      stop();
      const before = { stopped: stopped.count, still: still.count };
      await makeJob(first, { accountId: account.id });
      // The watcher left running proves the commit was heard; the stopped one heard nothing more.
      await still.reach(before.still + 1);
      assert.equal(stopped.count, before.stopped);
      stopStill();
    });
  });
}
