// The graphile-worker peer, on the same PostgreSQL in its own schema, with the same no-op
// handler and concurrency: a burn-down of `count` pre-inserted jobs, or pickup latency (add a
// job, time until its handler starts, one at a time).
import { makeWorkerUtils, run } from 'graphile-worker';
import { childInput, exitWithParent, main, nowMs, report } from '../lib/child.js';
import { commitCount } from '../lib/postgres.js';
import { LatencyRecorder } from '../lib/stats.js';

interface Input {
  pgUrl: string;
  schema: string;
  concurrency: number;
  mode: 'burn' | 'pickup';
  count: number;
  warmup?: number;
}

main(async () => {
  const input = childInput<Input>();
  exitWithParent(10 * 60_000);
  const utils = await makeWorkerUtils({ connectionString: input.pgUrl, schema: input.schema });
  await utils.migrate();
  let first = 0;
  let completed = 0;
  let onSuccess: () => void = () => undefined;
  const pickup = new LatencyRecorder();
  let sample = 0;
  const runnerOptions = {
    connectionString: input.pgUrl,
    schema: input.schema,
    concurrency: input.concurrency,
    noHandleSignals: true,
    pollInterval: 2000,
    logger: undefined,
    taskList: {
      noop: async (payload: unknown) => {
        const now = nowMs();
        if (first === 0) first = now;
        const sentAt = (payload as { sentAt?: number }).sentAt;
        if (sentAt !== undefined && sample++ >= (input.warmup ?? 0)) pickup.record(now - sentAt);
      },
    },
  };
  try {
    if (input.mode === 'burn') {
      for (let added = 0; added < input.count; added += 1000) {
        const n = Math.min(1000, input.count - added);
        await utils.addJobs(Array.from({ length: n }, (_, i) => ({ identifier: 'noop', payload: { n: added + i }, maxAttempts: 1 })));
      }
      const commitsBefore = await commitCount(input.pgUrl);
      const all = new Promise<void>((resolve) => (onSuccess = () => ++completed === input.count && resolve()));
      const runner = await run(runnerOptions);
      runner.events.on('job:success', () => onSuccess());
      await all;
      const last = nowMs();
      await runner.stop();
      const commits = (await commitCount(input.pgUrl)) - commitsBefore;
      const seconds = (last - first) / 1000;
      report({ jobsPerSec: input.count / seconds, txPerSec: commits / seconds, seconds });
    } else {
      const runner = await run(runnerOptions);
      runner.events.on('job:success', () => onSuccess());
      for (let i = 0; i < input.count + (input.warmup ?? 0); i++) {
        const finished = new Promise<void>((resolve) => (onSuccess = resolve));
        await utils.addJob('noop', { sentAt: nowMs() }, { maxAttempts: 1 });
        await finished;
      }
      await runner.stop();
      report(pickup.summary());
    }
  } finally {
    await utils.release();
  }
});
