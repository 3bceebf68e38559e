// PeriodicPass on a ManualClock: passes come from the injected timers as the clock moves (no
// waiting), a pass asked for while one runs joins it, a failed pass does not stop the loop, and
// stop leaves no timer behind.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ManualClock } from '../../src/domain/index.js';
import { PeriodicPass } from '../../src/loops/index.js';

describe('PeriodicPass', () => {
  it('runs a pass at start and one each time the clock passes the period', async () => {
    const clock = new ManualClock();
    let passes = 0;
    const loop = new PeriodicPass(async () => passes++, 1000, () => undefined, clock);
    loop.start();
    assert.equal(passes, 1, 'the first pass runs at start');
    await nextTurn(); // the pass settles, so the next tick starts a new one rather than joining it
    clock.advance(999);
    assert.equal(passes, 1);
    clock.advance(1);
    assert.equal(passes, 2);
    await nextTurn();
    clock.advance(1000);
    assert.equal(passes, 3);
    await loop.stop();
    assert.equal(clock.pendingTimers, 0, 'stop cancels the next pass');
    clock.advance(5000);
    assert.equal(passes, 3);
  });

  it('joins a pass under way instead of starting a second', async () => {
    const clock = new ManualClock();
    let release!: () => void;
    let passes = 0;
    const loop = new PeriodicPass(
      () => {
        passes++;
        return new Promise<void>((resolve) => (release = resolve));
      },
      1000,
      () => undefined,
      clock,
    );
    const first = loop.runOnce();
    const second = loop.runOnce();
    clock.advance(1000); // not started: no timer, and runOnce alone books none
    assert.equal(passes, 1);
    assert.equal(first, second);
    release();
    await first;
    const third = loop.runOnce();
    assert.equal(passes, 2, 'a pass after the last one ended runs anew');
    release();
    await third;
  });

  it('reports a failed pass and keeps going on the next tick', async () => {
    const clock = new ManualClock();
    const errors: unknown[] = [];
    let passes = 0;
    const loop = new PeriodicPass(
      async () => {
        passes++;
        if (passes === 1) throw new Error('store unavailable');
      },
      1000,
      (error) => errors.push(error),
      clock,
    );
    loop.start();
    await loop.runOnce(); // joins the first pass, which fails
    assert.equal(errors.length, 1);
    assert.match((errors[0] as Error).message, /store unavailable/);
    clock.advance(1000);
    await loop.runOnce();
    assert.equal(passes, 2);
    assert.equal(errors.length, 1);
    await loop.stop();
  });
});
