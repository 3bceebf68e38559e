// The store with many jobs that the depth and read scenarios share: a SQLite file grown in steps
// (1k, 100k, 1M pending) by the populate child. The pending jobs are `bench/backlog`, at a lower
// priority than the jobs being measured, and no bench worker takes them: they are depth, not work.
import type { BenchContext } from './context.js';
import { freshDir } from './context.js';
import { populate } from './longrun.js';

/** DeepStore is the shared store and what is in it. */
export interface DeepStore {
  db: string;
  key: string;
  pending: number;
  /** sampleIds are ids spread over the whole store, oldest first. */
  sampleIds: string[];
}

const stores = new WeakMap<BenchContext, DeepStore>();

/** BACKLOG_PRIORITY puts the backlog behind the measured jobs (priority 0). */
export const BACKLOG_PRIORITY = -1;

/** growDeepStore brings the run's deep store to `pending` backlog jobs (making it on first use). */
export async function growDeepStore(ctx: BenchContext, pending: number): Promise<DeepStore> {
  let store = stores.get(ctx);
  if (!store) {
    const db = `sqlite:${freshDir(ctx, 'deep')}/longrun.db`;
    const made = await populate(ctx, { db, count: pending, type: 'bench/backlog', priority: BACKLOG_PRIORITY });
    store = { db, key: made.key, pending, sampleIds: made.sampleIds };
    ctx.log(`deep store: ${pending} jobs at ${Math.round(made.perSec)}/s`);
    stores.set(ctx, store);
    return store;
  }
  if (store.pending < pending) {
    const more = await populate(ctx, { db: store.db, key: store.key, count: pending - store.pending, type: 'bench/backlog', priority: BACKLOG_PRIORITY });
    // Keep the samples spread over the whole store: thin the old ones in proportion.
    const keepOld = Math.max(1, Math.round((store.sampleIds.length * store.pending) / pending));
    const step = Math.max(1, Math.floor(store.sampleIds.length / keepOld));
    store.sampleIds = [...store.sampleIds.filter((_, i) => i % step === 0), ...more.sampleIds];
    ctx.log(`deep store: +${pending - store.pending} jobs at ${Math.round(more.perSec)}/s`);
    store.pending = pending;
  }
  return store;
}
