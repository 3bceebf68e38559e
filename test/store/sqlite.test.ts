// The SQLite driver: the whole store contract on `:memory:`, plus what only SQLite has: a file
// that reopens without re-running migrations, WAL and durability pragmas, group commit, and
// several processes (store instances) sharing one file.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { InsufficientCreditsError, ServiceUnavailableError } from '../../src/domain/index.js';
import { jobClaimSql } from '../../src/store/sqlite/queries.js';
import { type SqliteStore, openSqlite } from '../../src/store/sqlite/index.js';
import { migrateSqlite } from '../../src/store/sqlite/migrate.js';
import { at, buildJob, makeAccount, makeJob } from '../helpers/factories.js';
import { type StorePair, balanceOf, webhookDeliveries } from '../helpers/store.js';
import { describeStoreContract } from './contract.js';

describeStoreContract('sqlite', async () => openSqlite(':memory:', { webhookDeliveries }), openPair);

/** openPair opens two stores on one new database file, as two processes sharing it. */
async function openPair(): Promise<StorePair> {
  const dir = mkdtempSync(join(tmpdir(), 'longrun-sqlite-pair-'));
  const first = openSqlite(join(dir, 'longrun.db'), { webhookDeliveries });
  const second = openSqlite(join(dir, 'longrun.db'), { webhookDeliveries, watchMs: 2 });
  return {
    first,
    second,
    watching: async () => {}, // watch reads data_version before it returns
    close: async () => {
      await first.close();
      await second.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('sqlite driver', () => {
  let dir: string;
  const opened: SqliteStore[] = [];
  const open = (options?: Partial<Parameters<typeof openSqlite>[1]>) => {
    const store = openSqlite(join(dir, 'longrun.db'), { webhookDeliveries, ...options });
    opened.push(store);
    return store;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'longrun-sqlite-'));
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const migrations = (store: SqliteStore) => store.db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all();

  it('says its processes keep their own clock and rate budgets (one machine, buckets in memory)', async () => {
    const store = open();
    assert.deepEqual(store.capabilities, { sharedClock: false, sharedRateLimits: false });
    await store.rateTake({ key: 'key_a', now: at(0), ratePerSecond: 1, burst: 1 });
    // Another process on the same file starts with a full bucket: the budget is not shared.
    assert.equal((await open().rateTake({ key: 'key_a', now: at(0), ratePerSecond: 1, burst: 1 })).allowed, true);
  });

  it('reopens a file database with its data and does not apply migrations again', async () => {
    const first = open();
    const account = await makeAccount(first, { creditBalance: 5 });
    const job = await makeJob(first, { accountId: account.id });
    const applied = migrations(first);
    const files = readdirSync(new URL('../../src/store/sqlite/migrations/', import.meta.url)).filter((f) => f.endsWith('.sql')).sort();
    assert.ok(files.length >= 1);
    assert.deepEqual(applied.map((m) => (m as { version: number; name: string }).name), files);
    await first.close();

    const second = open();
    assert.deepEqual(migrations(second), applied);
    assert.deepEqual(migrateSqlite(second.db), []);
    assert.deepEqual(await second.accountGet({ id: account.id }), { ...account, creditBalance: 4 });
    assert.deepEqual(await second.jobGet({ id: job.id }), job);
    assert.equal((await second.jobList({ accountId: account.id, limit: 10 })).total, 1);
  });

  it('uses WAL and synchronous=FULL by default', () => {
    const store = open();
    assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(store.db.pragma('synchronous', { simple: true }), 2); // FULL
    assert.equal(store.db.pragma('foreign_keys', { simple: true }), 1);
  });

  it('uses synchronous=NORMAL with durability "normal"', () => {
    const store = open({ durability: 'normal' });
    assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(store.db.pragma('synchronous', { simple: true }), 1); // NORMAL
  });

  it('commits writes issued in the same tick together, and one that fails does not fail the others', async () => {
    const store = open();
    const account = await makeAccount(store, { creditBalance: 3 });
    const jobs = [1, 5, 1, 1].map((creditsCharged, i) => buildJob({ accountId: account.id, creditsCharged, createdAt: at(i) }));
    // The twin fails halfway (after its charge, on the duplicate id): its savepoint must undo the charge.
    const twin = { ...jobs[0]!, type: 'other/type' };
    const batch = [jobs[0]!, twin, jobs[1]!, jobs[2]!, jobs[3]!];
    const outcomes = await Promise.allSettled(batch.map((job) => store.jobInsert({ job, idempotency: null })));
    assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'rejected', 'fulfilled', 'fulfilled']);
    assert.ok(!((outcomes[1] as PromiseRejectedResult).reason instanceof InsufficientCreditsError));
    assert.ok((outcomes[2] as PromiseRejectedResult).reason instanceof InsufficientCreditsError);
    assert.equal(await balanceOf(store, account.id), 0);
    assert.equal(await store.jobGet({ id: jobs[1]!.id }), null);
    const listed = await store.jobList({ accountId: account.id, limit: 10 });
    assert.deepEqual(listed, { jobs: [jobs[3], jobs[2], jobs[0]], total: 3 });
    assert.equal(store.db.inTransaction, false);
  });

  it('inserts the events and charges of a group\'s creates together, in the order its writes ran, before a later write needs them', async () => {
    const store = open();
    const account = await makeAccount(store, { creditBalance: 10 });
    const [a, b, short, c] = [1, 2, 50, 3].map((creditsCharged, i) => buildJob({ accountId: account.id, creditsCharged, createdAt: at(i) }));
    const outcomes = await Promise.allSettled([
      store.jobInsert({ job: a!, idempotency: null }),
      store.jobInsert({ job: b!, idempotency: null }),
      store.jobClaim({ workerId: 'w', types: [a!.type], now: at(10), leaseMs: 1_000, limit: 1 }),
      store.jobInsert({ job: short!, idempotency: null }),
      store.jobInsert({ job: c!, idempotency: null }),
      store.jobCancel({ id: b!.id, accountId: account.id, now: at(11) }),
    ]);
    assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const events = store.db.prepare('SELECT job_id, kind FROM job_events ORDER BY id').all();
    const name = new Map([a, b, c].map((job, i) => [job!.id, 'abc'[i]]));
    assert.deepEqual(
      events.map((e) => `${name.get((e as { job_id: string }).job_id)} ${(e as { kind: string }).kind}`),
      ['a created', 'b created', 'a started', 'c created', 'b cancelled'],
    );
    const ledger = store.db.prepare('SELECT job_id, kind, amount FROM ledger WHERE job_id IS NOT NULL ORDER BY job_id, kind').all();
    assert.deepEqual(ledger, [
      { job_id: a!.id, kind: 'charge', amount: -1 },
      { job_id: b!.id, kind: 'charge', amount: -2 },
      { job_id: b!.id, kind: 'refund', amount: 2 },
      { job_id: c!.id, kind: 'charge', amount: -3 },
    ]);
    assert.equal(await balanceOf(store, account.id), 6);
  });

  it('inserts a group of more creates than one multi-row INSERT carries', async () => {
    const store = open();
    const account = await makeAccount(store, { creditBalance: null });
    const jobs = Array.from({ length: 150 }, (_, i) => buildJob({ accountId: account.id, createdAt: at(i) }));
    await Promise.all(jobs.map((job) => store.jobInsert({ job, idempotency: null })));
    const count = (sql: string) => (store.db.prepare(sql).pluck().get(account.id) as number);
    assert.equal(count("SELECT count(*) FROM job_events WHERE account_id = ? AND kind = 'created'"), 150);
    assert.equal(count("SELECT count(*) FROM ledger WHERE account_id = ? AND kind = 'charge'"), 150);
    const order = store.db.prepare('SELECT job_id FROM job_events ORDER BY id').pluck().all();
    assert.deepEqual(order, jobs.map((job) => job.id));
  });

  it('answers ServiceUnavailableError when another process holds the write lock past busy_timeout, writing nothing', async () => {
    const path = join(dir, 'busy.db');
    const store = openSqlite(path, { webhookDeliveries, busyTimeoutMs: 20 });
    opened.push(store);
    const account = await makeAccount(store);
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      await assert.rejects(store.jobInsert({ job: buildJob({ accountId: account.id }), idempotency: null }), (error: unknown) => {
        assert.ok(error instanceof ServiceUnavailableError, String(error));
        assert.equal(error.retryAfterSeconds, 1);
        return true;
      });
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    assert.equal((await store.jobList({ accountId: account.id, limit: 1 })).total, 0);
  });

  it('claims each served type from its own head of the pending index, with caps or without', () => {
    const store = open();
    for (const capped of [true, false]) {
      const plan = store.db.prepare(`EXPLAIN QUERY PLAN ${jobClaimSql(2, capped)}`).all({ worker: 'w', now: 0, lease_until: 1, limit: 5, type0: 'a', type1: 'b' }) as { detail: string }[];
      const reads = plan.map((row) => row.detail).filter((detail) => /jobs/.test(detail) && /SCAN|SEARCH/.test(detail));
      assert.ok(reads.some((d) => /SEARCH jobs USING INDEX jobs_pending_type \(type=\?/.test(d)), JSON.stringify(plan));
      assert.ok(!reads.some((d) => /SCAN jobs\b(?! USING)/.test(d)), `a claim scans the jobs table: ${JSON.stringify(plan)}`);
    }
  });

  it('flushes queued writes on close', async () => {
    const first = open();
    const account = await makeAccount(first);
    const job = buildJob({ accountId: account.id });
    const inserted = first.jobInsert({ job, idempotency: null });
    await first.close();
    assert.deepEqual(await inserted, { job, replayed: false });
    const second = open();
    assert.deepEqual(await second.jobGet({ id: job.id }), job);
  });

  it('deletes a purged or retired job\'s events with it', async () => {
    const store = open();
    const account = await makeAccount(store, { creditBalance: null });
    const purged = await makeJob(store, { accountId: account.id, status: 'completed' });
    const retired = await makeJob(store, { accountId: account.id, status: 'failed' });
    const kept = await makeJob(store, { accountId: account.id, status: 'completed' });
    const events = (id: string) => (store.db.prepare('SELECT count(*) AS n FROM job_events WHERE job_id = ?').get(id) as { n: number }).n;
    assert.ok(events(purged.id) > 0 && events(retired.id) > 0, 'the jobs had events to delete');
    await store.jobPurge({ id: purged.id, accountId: account.id });
    await store.jobDelete({ ids: [retired.id], finishedBefore: at(86_400_000) });
    assert.deepEqual([events(purged.id), events(retired.id)], [0, 0]);
    assert.ok(events(kept.id) > 0);
  });

  it('keeps one charge and at most one refund per job in the ledger', async () => {
    const store = open();
    const account = await makeAccount(store, { creditBalance: 10 });
    const job = await makeJob(store, { accountId: account.id, status: 'running', creditsCharged: 3 });
    await store.jobCancel({ id: job.id, accountId: account.id, now: at(1_000) });
    await assert.rejects(store.jobCancel({ id: job.id, accountId: account.id, now: at(2_000) }));
    const rows = store.db.prepare('SELECT kind, amount FROM ledger WHERE job_id = ? ORDER BY kind').all(job.id);
    assert.deepEqual(rows, [{ kind: 'charge', amount: -3 }, { kind: 'refund', amount: 3 }]);
    const total = store.db.prepare('SELECT SUM(amount) AS sum FROM ledger WHERE account_id = ?').get(account.id) as { sum: number };
    assert.equal(total.sum, await balanceOf(store, account.id));
  });

  it('feeds one instance the changes another instance commits to the same file, and signals them', async () => {
    const reader = open();
    const writer = open();
    assert.notEqual(reader.instanceId, writer.instanceId);
    const from = await reader.eventLatestId();
    let stop = () => {};
    const signalled = new Promise<void>((resolve, reject) => {
      const guard = setTimeout(() => reject(new Error('watch never signalled')), 5_000);
      stop = reader.watch(() => {
        clearTimeout(guard);
        resolve();
      });
    });
    const job = await makeJob(writer, { status: 'running' });
    await signalled;
    stop();
    const feed = await reader.eventFeed({ afterId: from, limit: 100 });
    assert.deepEqual(feed.map((e) => [e.kind, e.job.id]), [['created', job.id], ['started', job.id]]);
    assert.deepEqual(feed[1]!.job, job);
    assert.ok(feed[0]!.id < feed[1]!.id);
    assert.deepEqual(await writer.eventFeed({ afterId: from, limit: 100 }), []);
  });
});
