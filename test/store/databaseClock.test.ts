// DatabaseClock follows a database clock that runs ahead of or behind this machine's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DatabaseClock } from '../../src/store/index.js';

describe('DatabaseClock', () => {
  it('adds the measured offset of a skewed database clock', async () => {
    const skewMs = 90_000;
    const clock = new DatabaseClock({ clockNow: async () => new Date(Date.now() + skewMs) });
    await clock.sync();
    assert.ok(Math.abs(clock.offset - skewMs) < 1_000, `offset ${clock.offset}`);
    assert.ok(Math.abs(clock.now().getTime() - (Date.now() + skewMs)) < 1_000);
  });

  it('keeps the reading with the shortest round trip, not the last one', async () => {
    // The database's clock is exact (skew 0), but some answers are held back 200 ms on the way
    // back: such a reading puts the clock 100 ms behind; only the fast one says the true offset.
    // Both clocks are the test's, so nothing here waits on real time.
    let machine = 1_000_000;
    const holdMs = [200, 200, 0, 200, 200];
    let call = 0;
    const clock = new DatabaseClock(
      {
        clockNow: async () => {
          const database = new Date(machine);
          machine += holdMs[call++ % holdMs.length]!;
          return database;
        },
      },
      30_000,
      5,
      () => machine,
    );
    await clock.sync();
    assert.equal(call, 5);
    assert.equal(clock.offset, 0);
    assert.equal(clock.now().getTime(), machine);
  });

  it('keeps the last offset when a re-measure fails', async () => {
    let reachable = true;
    const clock = new DatabaseClock({
      clockNow: async () => {
        if (!reachable) throw new Error('down');
        return new Date(Date.now() - 5_000);
      },
    });
    await clock.start();
    const offset = clock.offset;
    reachable = false;
    await assert.rejects(clock.sync());
    assert.equal(clock.offset, offset);
    clock.stop();
  });
});
