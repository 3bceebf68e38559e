// The e2e baseline: the raw store loop. The same claim and complete statements Longrun's workers
// run (the store driver's jobClaim and jobComplete), with no framework around them: no worker
// pool, no handlers, no event bus, no heartbeats. One loop claims up to `concurrency` jobs and
// completes them all, again and again.
import { jobView } from '../../src/http/jobView.js';
import { webhookDeliveryPolicy } from '../../src/service/webhookDeliveries.js';
import { openStore } from '../../src/store/index.js';
import { childInput, exitWithParent, main, nowMs, report } from '../lib/child.js';

interface Input {
  db: string;
  durability: 'full' | 'relaxed';
  concurrency: number;
  /** burn: until `count` jobs are done; timed: for `durationMs`, counting after `warmupMs`. */
  mode: 'burn' | 'timed';
  count?: number;
  durationMs?: number;
  warmupMs?: number;
}

main(async () => {
  const input = childInput<Input>();
  exitWithParent(10 * 60_000);
  const store = await openStore(input.db, { webhookDeliveries: webhookDeliveryPolicy(jobView), durability: input.durability === 'relaxed' ? 'normal' : 'full' });
  try {
    let done = 0;
    let counted = 0;
    let first = 0;
    const started = nowMs();
    const warmUntil = started + (input.warmupMs ?? 0);
    const stopAt = started + (input.durationMs ?? Number.POSITIVE_INFINITY);
    const wanted = input.count ?? Number.POSITIVE_INFINITY;
    // `concurrency` loops, each claiming one job and completing it: the same jobs in flight as the
    // worker pool, and on SQLite their writes share group commits as the pool's do.
    const loop = async () => {
      for (;;) {
        if (input.mode === 'timed' ? nowMs() >= stopAt : done >= wanted) return;
        const [job] = await store.jobClaim({ workerId: 'raw-loop', types: ['bench/noop'], now: new Date(), leaseMs: 30_000, limit: 1 });
        if (!job) {
          if (input.mode === 'burn') return;
          await new Promise((resolve) => setTimeout(resolve, 1));
          continue;
        }
        if (first === 0) first = nowMs();
        await store.jobComplete({ id: job.id, leaseToken: job.leaseToken!, now: new Date(), output: null, size: 0, processTime: 0 });
        done++;
        if (nowMs() >= warmUntil) counted++;
      }
    };
    await Promise.all(Array.from({ length: input.concurrency }, loop));
    const ended = nowMs();
    const seconds = input.mode === 'burn' ? (ended - first) / 1000 : (ended - warmUntil) / 1000;
    report({ done, jobsPerSec: (input.mode === 'burn' ? done : counted) / seconds, seconds });
  } finally {
    await store.close();
  }
});
