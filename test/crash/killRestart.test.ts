// The crash test: a server with running workers is killed with SIGKILL mid-load, three times,
// and restarted on the same SQLite file. Every job acknowledged with 201 must exist exactly once,
// reach a final status, complete at most once, and the account's ledger must balance.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { type LongrunProcess, spawnLongrun } from '../helpers/processes.js';

const CYCLES = 3;
const KILL_AFTER = 60; // acknowledgements per cycle before the kill
const IN_FLIGHT = 16;
// 8 workers, not 2: each kill cuts more attempts mid-run (~24 retried after an expired lease over
// the 3 cycles, against ~6), and the backlog drains in ~17 s instead of ~28 s.
const WORKERS = 8;
const CREDITS = 100_000;
const ADMIN_KEY = 'crash-admin-key';

describe('kill -9 and restart', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'longrun-crash-'));
  let server: LongrunProcess | null = null;
  after(async () => {
    await server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async () => {
    server = spawnLongrun('serve', ['serve', '--port', '0', '--data-dir', dir, '--workers', String(WORKERS), '--lease-ms', '1000', '--rate-limit', '0'], {
      LONGRUN_ADMIN_KEY: ADMIN_KEY,
    });
    const [, url] = await server.waitForLine(/^listening on (http:\/\/\S+)$/);
    return url!;
  };

  it('loses no acknowledged job, completes none twice, and keeps the ledger balanced', async () => {
    let url = await start();
    const made = await fetch(`${url}/v1/admin/accounts`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'crash', credits: CREDITS }),
    });
    const { account, apiKey } = (await made.json()) as { account: { id: string }; apiKey: { key: string } };
    const headers = { 'x-api-key': apiKey.key, 'content-type': 'application/json' };
    const acknowledged = new Set<string>();

    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      let acked = 0;
      let killed: Promise<void> | null = null;
      const victim = server!;
      const client = async (lane: number) => {
        for (let i = 0; !killed; i++) {
          const durationMs = (lane * 37 + i * 53) % 300;
          try {
            const response = await fetch(`${url}/v1/jobs`, {
              method: 'POST',
              headers: i % 5 === 0 ? { ...headers, prefer: 'wait=5' } : headers,
              body: JSON.stringify({ type: 'demo/sleep', input: { durationMs, steps: 3 } }),
            });
            if (response.status !== 201) throw new Error(`create answered ${response.status}: ${await response.text()}`);
            acknowledged.add(((await response.json()) as { id: string }).id);
            if (++acked === KILL_AFTER) killed = victim.kill('SIGKILL'); // mid-flight: others are still sending
          } catch (error) {
            if (!killed) throw error; // before the kill every request must succeed
          }
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, (_, lane) => client(lane)));
      await killed;
      url = await start();
    }

    // Every acknowledged job is there and reaches a final status (expired leases are reaped).
    const finals = new Map<string, { status: string; attempts: number; error: { code: string } | null }>();
    const ids = [...acknowledged];
    for (let i = 0; i < ids.length; i += IN_FLIGHT) {
      await Promise.all(
        ids.slice(i, i + IN_FLIGHT).map(async (id) => {
          const response = await fetch(`${url}/v1/jobs/${id}?wait=60`, { headers });
          assert.equal(response.status, 200, `acknowledged job ${id} is missing`);
          finals.set(id, (await response.json()) as never);
        }),
      );
    }
    for (const [id, job] of finals) {
      assert.ok(['completed', 'failed'].includes(job.status), `${id} is ${job.status}`);
      if (job.status === 'failed') assert.equal(job.error?.code, 'lease_expired', `${id} failed with ${job.error?.code}`);
    }
    await server!.kill('SIGTERM');

    // Audit the file itself: each job once, completed at most once, counters and ledger exact.
    const db = new Database(join(dir, 'longrun.db'), { readonly: true });
    try {
      const jobs = db.prepare('SELECT id, status, credits_charged AS charged, credits_refunded AS refunded FROM jobs WHERE account_id = ?').all(account.id) as {
        id: string;
        status: string;
        charged: number;
        refunded: number;
      }[];
      assert.equal(new Set(jobs.map((j) => j.id)).size, jobs.length);
      for (const id of acknowledged) assert.ok(jobs.some((j) => j.id === id), `${id} is not in the database`);
      const twice = db.prepare("SELECT job_id FROM job_events WHERE kind = 'completed' GROUP BY job_id HAVING COUNT(*) > 1").all();
      assert.deepEqual(twice, [], 'a job completed twice');
      const counted = db.prepare('SELECT status, SUM(count) AS n FROM job_counters WHERE account_id = ? GROUP BY status').all(account.id) as { status: string; n: number }[];
      for (const { status, n } of counted) assert.equal(n, jobs.filter((j) => j.status === status).length, `counter of ${status}`);
      const balance = (db.prepare('SELECT credit_balance AS b FROM accounts WHERE id = ?').get(account.id) as { b: number }).b;
      const charged = jobs.reduce((sum, j) => sum + j.charged, 0);
      const refunded = jobs.reduce((sum, j) => sum + j.refunded, 0);
      assert.equal(balance, CREDITS - charged + refunded, 'the ledger does not balance');
      const ledger = (db.prepare('SELECT SUM(amount) AS s FROM ledger WHERE account_id = ?').get(account.id) as { s: number }).s;
      assert.equal(ledger, balance);
      const retried = db.prepare("SELECT COUNT(DISTINCT job_id) AS n FROM job_events WHERE kind = 'retrying'").get() as { n: number };
      console.log(
        `crash test: ${CYCLES} kill/restart cycles, ${acknowledged.size} jobs acknowledged, ${jobs.length} in the database ` +
          `(${jobs.length - acknowledged.size} committed but unanswered at a kill), ${retried.n} retried after an expired lease, ` +
          `${jobs.filter((j) => j.status === 'failed').length} failed`,
      );
    } finally {
      db.close();
    }
  });
});
