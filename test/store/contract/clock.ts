// Contract: clockNow reads the database's clock, which DatabaseClock follows across processes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DatabaseClock } from '../../../src/store/index.js';
import { type OpenStore, useFreshStore } from '../../helpers/store.js';

export function describeClock(open: OpenStore): void {
  describe('clockNow', () => {
    const store = useFreshStore(open);

    it('reads a clock within a minute of this machine’s (both run here)', async () => {
      const now = await store().clockNow();
      assert.ok(now instanceof Date);
      assert.ok(Math.abs(now.getTime() - Date.now()) < 60_000);
    });

    it('moves forward', async () => {
      const first = await store().clockNow();
      const second = await store().clockNow();
      assert.ok(second.getTime() >= first.getTime());
    });

    it('gives DatabaseClock an offset it then adds to the machine’s clock', async () => {
      const clock = new DatabaseClock(store());
      await clock.sync();
      assert.ok(Math.abs(clock.offset) < 60_000);
      const database = (await store().clockNow()).getTime();
      assert.ok(Math.abs(clock.now().getTime() - database) < 1_000);
    });
  });
}
