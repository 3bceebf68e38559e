// Contract: the request budget of a key (rateTake), on the clock the caller passes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { T0, at } from '../../helpers/factories.js';
import { type OpenStore, useFreshStore } from '../../helpers/store.js';

export function describeRate(open: OpenStore): void {
  describe('rate budgets', () => {
    const store = useFreshStore(open);
    const take = (key: string, now: Date, ratePerSecond = 10, burst = 3) => store().rateTake({ key, now, ratePerSecond, burst });

    it('allows a burst, then refuses until tokens flow back in', async () => {
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await take('k', T0));
      assert.deepEqual(answers.map((a) => a.allowed), [true, true, true, false]);
      assert.deepEqual(answers.map((a) => Math.round(a.tokens * 1000) / 1000), [2, 1, 0, 0]);
      // 100 ms at 10/s is one token: one more request, then none.
      assert.equal((await take('k', at(100))).allowed, true);
      assert.equal((await take('k', at(100))).allowed, false);
    });

    it('refills no further than the burst, and not at all when the clock steps back', async () => {
      for (let i = 0; i < 3; i++) await take('k', T0);
      const later = await take('k', at(60_000));
      assert.equal(later.allowed, true);
      assert.ok(Math.abs(later.tokens - 2) < 1e-9, `a full bucket less one, not ${later.tokens}`);
      await take('k', at(60_000));
      await take('k', at(60_000));
      const back = await take('k', at(59_000));
      assert.equal(back.allowed, false, 'a clock that stepped back gave tokens');
    });

    it('keeps one bucket per key', async () => {
      assert.equal((await take('a', T0, 1, 1)).allowed, true);
      assert.equal((await take('a', T0, 1, 1)).allowed, false);
      assert.equal((await take('b', T0, 1, 1)).allowed, true);
    });
  });
}
