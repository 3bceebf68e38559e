// The pg-boss peer, on the same PostgreSQL in its own schema, with the same no-op handler: a
// burn-down of `count` pre-inserted jobs. One `work` loop fetching `concurrency` jobs at a time
// keeps the same number of jobs in flight as Longrun's pool (pg-boss completes a batch together).
import pg from 'pg';
import PgBoss from 'pg-boss';
import { childInput, exitWithParent, main, nowMs, report } from '../lib/child.js';
import { commitCount } from '../lib/postgres.js';

interface Input {
  pgUrl: string;
  schema: string;
  concurrency: number;
  count: number;
  /** maxSeconds time-boxes the burn: pg-boss waits its polling interval (0.5 s at least) after every fetch. */
  maxSeconds: number;
}

main(async () => {
  const input = childInput<Input>();
  exitWithParent(10 * 60_000);
  const boss = new PgBoss({ connectionString: input.pgUrl, schema: input.schema, supervise: false, schedule: false, migrate: true });
  boss.on('error', (error) => console.error('pg-boss:', error));
  await boss.start();
  const watcher = new pg.Client({ connectionString: input.pgUrl });
  await watcher.connect();
  try {
    await boss.createQueue('noop');
    for (let added = 0; added < input.count; added += 1000) {
      const n = Math.min(1000, input.count - added);
      await boss.insert(Array.from({ length: n }, (_, i) => ({ name: 'noop', data: { n: added + i }, retryLimit: 0 })));
    }
    const commitsBefore = await commitCount(input.pgUrl);
    let first = 0;
    await boss.work('noop', { batchSize: input.concurrency, pollingIntervalSeconds: 0.5 }, async () => {
      if (first === 0) first = nowMs();
    });
    // Done when every job is recorded completed (pg-boss completes a batch after its handler returns).
    let last = 0;
    let completed = 0;
    for (;;) {
      const { rows } = await watcher.query<{ n: string }>(`SELECT count(*) AS n FROM "${input.schema}".job WHERE name = 'noop' AND state = 'completed'`);
      completed = Number(rows[0]!.n);
      if (completed >= input.count || (first > 0 && nowMs() - first > input.maxSeconds * 1000)) {
        last = nowMs();
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await boss.stop({ graceful: false, wait: true });
    // The watcher's own polls (every 50 ms) are in the count too; statistics lag too much to subtract them exactly.
    const commits = (await commitCount(input.pgUrl)) - commitsBefore;
    const seconds = (last - first) / 1000;
    report({ jobsPerSec: completed / seconds, txPerSec: commits / seconds, seconds, completed });
  } finally {
    await watcher.end();
  }
});
