// The machine's floors, which bound every other figure: how many fsyncs per second the data disk
// takes, a PostgreSQL `SELECT 1` round trip, and the NOTIFY → LISTEN hop between two sessions.
import { closeSync, fdatasyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { childInput, exitWithParent, main, nowMs, report } from '../lib/child.js';
import { LatencyRecorder } from '../lib/stats.js';

interface Input {
  dataDir: string;
  pgUrl: string;
  fsyncMs: number;
  samples: number;
}

/** fsyncRate writes 4 KiB and fdatasyncs it, over and over, for `ms`. */
function fsyncRate(dir: string, ms: number): number {
  const file = join(dir, 'fsync.probe');
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(4096, 7);
  let count = 0;
  const started = performance.now();
  try {
    while (performance.now() - started < ms) {
      writeSync(fd, block, 0, block.length, (count % 16) * 4096);
      fdatasyncSync(fd);
      count++;
    }
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
  return count / ((performance.now() - started) / 1000);
}

main(async () => {
  const input = childInput<Input>();
  exitWithParent(120_000);
  const fsyncPerSec = fsyncRate(input.dataDir, input.fsyncMs);

  const a = new pg.Client({ connectionString: input.pgUrl });
  const b = new pg.Client({ connectionString: input.pgUrl });
  await a.connect();
  await b.connect();
  try {
    const select = new LatencyRecorder();
    for (let i = 0; i < input.samples + 50; i++) {
      const t0 = nowMs();
      await a.query('SELECT 1');
      if (i >= 50) select.record(nowMs() - t0);
    }
    await b.query('LISTEN bench_hop');
    const hop = new LatencyRecorder();
    for (let i = 0; i < input.samples + 20; i++) {
      const heard = new Promise<number>((resolve) => b.once('notification', () => resolve(nowMs())));
      const t0 = nowMs();
      await a.query(`NOTIFY bench_hop, '${i}'`);
      const t1 = await heard;
      if (i >= 20) hop.record(t1 - t0);
    }
    report({ fsyncPerSec, select1: select.summary(), notifyHop: hop.summary() });
  } finally {
    await a.end();
    await b.end();
  }
});
