// The PostgreSQL driver: the whole store contract (on one schema emptied per test, see
// helpers/postgres.ts), plus what only PostgreSQL has: several processes migrating and claiming at once, LISTEN/NOTIFY, a feed that
// never skips an event committed out of id order, and the plans of the hot queries.
// Needs LONGRUN_TEST_POSTGRES_URL (a database the tests may create and drop schemas in).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { after, afterEach, describe, it } from 'node:test';
import pg from 'pg';
import { InvalidRequestError, type Job, type JobStatus, NotFoundError, ServiceUnavailableError, newId } from '../../src/domain/index.js';
import { EventBus, startStoreFeed } from '../../src/events/index.js';
import { ApiKeyCache } from '../../src/service/index.js';
import { openStore } from '../../src/store/index.js';
import { type PostgresOptions, type PostgresStore, openPostgres } from '../../src/store/postgres/index.js';
import { migratePostgres } from '../../src/store/postgres/migrate.js';
import { SQL, jobListSql } from '../../src/store/postgres/queries.js';
import { startPgProxy } from '../helpers/pgProxy.js';
import { at, buildApiKey, buildJob, idempotency, makeAccount, makeJob } from '../helpers/factories.js';
import { postgresFixtures } from '../helpers/postgres.js';
import { balanceOf, rejectsWith, watchCalls, webhookDeliveries } from '../helpers/store.js';
import { describeStoreContract } from './contract.js';

const url = process.env.LONGRUN_TEST_POSTGRES_URL;
const { connect, dropSchema, freshSchema, listening, openFresh, openPair, dropContractSchema } = postgresFixtures(url);

const plan = (rows: { 'QUERY PLAN': string }[]) => rows.map((r) => r['QUERY PLAN']).join('\n');

describe('postgres', url ? {} : { skip: 'LONGRUN_TEST_POSTGRES_URL is not set' }, () => {
  describeStoreContract('postgres', openFresh, openPair);
  after(dropContractSchema);

  describe('postgres driver', () => {
    const stores: PostgresStore[] = [];
    const clients: pg.Client[] = [];
    const schemas: string[] = [];
    const newSchema = () => {
      const schema = freshSchema();
      schemas.push(schema);
      return schema;
    };
    /** openShared opens `n` stores on one schema at once (as n processes starting together would). */
    const openShared = async (schema: string, n: number, options: Partial<PostgresOptions> = {}, target = url!) => {
      const opened = await Promise.all(Array.from({ length: n }, () => openPostgres(target, { webhookDeliveries, ...options, schema })));
      stores.push(...opened);
      return opened;
    };
    const raw = async (schema: string) => {
      const client = await connect(schema);
      clients.push(client);
      return client;
    };

    afterEach(async () => {
      for (const client of clients.splice(0)) await client.end().catch(() => {});
      for (const store of stores.splice(0)) await store.close();
      for (const schema of schemas.splice(0)) await dropSchema(schema);
    });

    it('migrates a schema once when several stores open it at the same time', async () => {
      const schema = newSchema();
      const [first, second] = await openShared(schema, 4);
      const applied = (await first!.pool.query('SELECT version, name FROM schema_migrations ORDER BY version')).rows;
      const files = readdirSync(new URL('../../src/store/postgres/migrations/', import.meta.url)).filter((f) => f.endsWith('.sql')).sort();
      assert.ok(files.length >= 1);
      assert.deepEqual(applied, files.map((name) => ({ version: Number(name.slice(0, 4)), name })));
      const client = await first!.pool.connect();
      try {
        assert.deepEqual(await migratePostgres(client, schema), []);
      } finally {
        client.release();
      }
      const job = await makeJob(first!);
      assert.deepEqual(await second!.jobGet({ id: job.id }), job);
    });

    it('says its processes share the database clock and the rate budgets', async () => {
      const [store] = await openShared(newSchema(), 1);
      assert.deepEqual(store!.capabilities, { sharedClock: true, sharedRateLimits: true });
    });

    it('shares one request budget per key between stores on one schema (API nodes), serialising racing takes', async () => {
      const [a, b] = await openShared(newSchema(), 2);
      const limits = { ratePerSecond: 1, burst: 10 };
      const now = at(0);
      // Twenty requests at once through two nodes: exactly the burst is allowed, whatever the interleaving.
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a! : b!).rateTake({ key: 'key_shared', now, ...limits })));
      assert.equal(answers.filter((x) => x.allowed).length, 10);
      assert.equal((await a!.rateTake({ key: 'key_shared', now: at(1000), ...limits })).allowed, true, 'a second later, one token is back');
      assert.equal((await b!.rateTake({ key: 'key_shared', now: at(1000), ...limits })).allowed, false, 'and only one, on either node');
    });

    it('opens the schema a ?schema= parameter names, keeps the URL\'s own options, and says why it cannot connect', async () => {
      const schema = newSchema();
      const store = (await openStore(`${url}${url!.includes('?') ? '&' : '?'}schema=${schema}`, { webhookDeliveries })) as PostgresStore;
      stores.push(store);
      assert.equal(store.driver, 'postgres');
      assert.equal(store.schema, schema);
      await makeJob(store);
      // The URL's own startup options still apply, next to the driver's search_path.
      const [tuned] = await openShared(schema, 1, {}, `${url}${url!.includes('?') ? '&' : '?'}options=-c%20statement_timeout%3D5000`);
      assert.deepEqual((await tuned!.pool.query('SHOW statement_timeout')).rows, [{ statement_timeout: '5s' }]);
      assert.equal(await tuned!.accountCount(), 1);
      await assert.rejects(openStore('postgres://postgres:secret@127.0.0.1:1/test', { webhookDeliveries }), (error: Error) => {
        assert.match(error.message, /^cannot open the database postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/test: .*ECONNREFUSED/);
        return true;
      });
    });

    it('never hands a job to two holders when several stores claim and release at once, and never deadlocks', async () => {
      const schema = newSchema();
      const all = await openShared(schema, 4);
      const accounts = [await makeAccount(all[0]!, { creditBalance: null }), await makeAccount(all[0]!, { creditBalance: null })];
      const jobs = await Promise.all(
        Array.from({ length: 120 }, (_, i) =>
          all[i % 4]!.jobInsert({
            job: buildJob({ accountId: accounts[i % 2]!.id, type: i % 3 === 0 ? 't/a' : 't/b', priority: i % 4, createdAt: at(i) }),
            idempotency: null,
          }),
        ),
      );
      // A third of the jobs go back once (running→pending) while other claims move pending→running:
      // the same counter rows locked in both directions at once.
      const handBack = new Set(jobs.filter((_, i) => i % 3 === 1).map((r) => r.job.id));
      const claims = new Map<string, number>();
      const work = async (store: PostgresStore, workerId: string) => {
        for (;;) {
          const claimed = await store.jobClaim({ workerId, types: ['t/a', 't/b'], now: at(1_000_000), leaseMs: 60_000, limit: 3 });
          if (claimed.length === 0) return;
          await Promise.all(
            claimed.map(async (job: Job) => {
              claims.set(job.id, (claims.get(job.id) ?? 0) + 1);
              const lease = { id: job.id, leaseToken: job.leaseToken!, now: at(1_000_001) };
              if (handBack.delete(job.id)) await store.jobRelease(lease);
              else await store.jobComplete({ ...lease, output: null, size: 0, processTime: 1 });
            }),
          );
        }
      };
      await Promise.all(all.map((store, i) => work(store, `w-${i}`)));
      for (const [i, { job }] of jobs.entries()) assert.equal(claims.get(job.id), i % 3 === 1 ? 2 : 1, `claims of job ${i}`);
      for (const account of accounts) {
        const total = async (status: Job['status']) => (await all[1]!.jobList({ accountId: account.id, statuses: [status], limit: 1 })).total;
        assert.deepEqual([await total('pending'), await total('running'), await total('completed')], [0, 0, 60]);
      }
    });

    it('replays one job to two stores that race with the same idempotency key, charging once', async () => {
      const [a, b] = await openShared(newSchema(), 2);
      const account = await makeAccount(a!, { creditBalance: 10 });
      const jobs = [buildJob({ accountId: account.id, creditsCharged: 3 }), buildJob({ accountId: account.id, creditsCharged: 3, createdAt: at(1) })];
      const [first, second] = await Promise.all([a!, b!].map((store, i) => store.jobInsert({ job: jobs[i]!, idempotency: idempotency('k', 'h') })));
      assert.deepEqual([first!.replayed, second!.replayed].sort(), [false, true]);
      assert.equal(first!.job.id, second!.job.id);
      assert.equal(await balanceOf(a!, account.id), 7);
    });

    it('commits creates asked at once together, each refused create answering for itself', async () => {
      const schema = newSchema();
      const [store] = await openShared(schema, 1);
      const unlimited = await makeAccount(store!, { creditBalance: null });
      const limited = await makeAccount(store!, { creditBalance: 5 });
      const createAll = (jobs: Job[]) => Promise.allSettled(jobs.map((job) => store!.jobInsert({ job, idempotency: null })));
      const refusals = (answers: PromiseSettledResult<unknown>[]) =>
        answers.map((a) => (a.status === 'fulfilled' ? 'created' : (a.reason as Error).constructor.name));
      const good = (n: number, from: number) => Array.from({ length: n }, (_, i) => buildJob({ accountId: unlimited.id, creditsCharged: 2, createdAt: at(from + i) }));
      const answers = await createAll([
        ...good(20, 0),
        buildJob({ accountId: limited.id, creditsCharged: 3, createdAt: at(30) }),
        buildJob({ accountId: limited.id, creditsCharged: 3, createdAt: at(31) }),
        buildJob({ accountId: 'acct_missing', creditsCharged: 1, createdAt: at(33) }),
      ]);
      // Of the two creates of the limited account (3 each, of 5), whichever comes second is refused.
      const [a, b, missing] = refusals(answers).slice(20);
      assert.deepEqual([[a, b].sort(), missing], [['InsufficientCreditsError', 'created'], 'NotFoundError']);
      assert.deepEqual(refusals(answers).slice(0, 20), Array(20).fill('created'));
      assert.equal(await balanceOf(store!, limited.id), 2);
      const client = await raw(schema);
      const count = async (sql: string) => (await client.query(sql)).rows[0] as { n: number; commits: number };
      const written = await count(`SELECT count(*)::int AS n, count(DISTINCT xmin::text)::int AS commits FROM jobs`);
      assert.equal(written.n, 21);
      assert.ok(written.commits < 10, `${written.commits} commits for 21 creates: they were not grouped`);
      assert.equal((await count(`SELECT count(*)::int AS n FROM ledger WHERE kind = 'charge'`)).n, 21);
      assert.equal((await count(`SELECT count(*)::int AS n FROM job_events WHERE kind = 'created'`)).n, 21);

      // One row the group statement cannot take fails it: every create of it then runs alone.
      const [first] = good(1, 40);
      const more = good(10, 50);
      const again = refusals(await createAll([first!, ...more, { ...buildJob({ accountId: unlimited.id, createdAt: at(60) }), id: first!.id }]));
      // Run alone, the two creates of one id race: either may be the one refused.
      assert.deepEqual([again[0], again[11]].sort(), ['ConflictError', 'created']);
      assert.deepEqual(again.slice(1, 11), Array(10).fill('created'));
      assert.equal((await count(`SELECT count(*)::int AS n FROM jobs`)).n, 32);
    });

    it('commits completes asked at once together; a webhook job and a lost lease each answer for themselves', async () => {
      const schema = newSchema();
      const [store] = await openShared(schema, 1);
      const account = await makeAccount(store!, { creditBalance: null });
      for (let i = 0; i < 12; i++) await makeJob(store!, { accountId: account.id, type: 't/done', createdAt: at(i) });
      const hooked = await makeJob(store!, {
        accountId: account.id, type: 't/done', createdAt: at(20), webhookUrl: 'https://example.com/hook', webhookEvents: ['job.completed'],
      });
      const claimed = await store!.jobClaim({ workerId: 'w', types: ['t/done'], now: at(100), leaseMs: 60_000, limit: 20 });
      assert.equal(claimed.length, 13);
      const complete = (job: Job, leaseToken = job.leaseToken!) =>
        store!.jobComplete({ id: job.id, leaseToken, now: at(200), output: { n: job.id }, size: 10, processTime: 5 });
      const [stale, ...rest] = claimed;
      const answers = await Promise.allSettled([complete(stale!, 'f'.repeat(32)), ...rest.map((job) => complete(job))]);
      assert.deepEqual(answers.map((a) => a.status), ['rejected', ...Array(12).fill('fulfilled')]);
      assert.equal((answers[0] as PromiseRejectedResult).reason.constructor.name, 'LeaseLostError');
      for (const [i, job] of rest.entries()) {
        const done = (answers[i + 1] as PromiseFulfilledResult<Job>).value;
        assert.deepEqual([done.id, done.status, done.output], [job.id, 'completed', { n: job.id }]);
      }
      const client = await raw(schema);
      const commits = (await client.query(`SELECT count(DISTINCT xmin::text)::int AS n FROM jobs WHERE status = 'completed'`)).rows[0].n;
      assert.ok(commits < 12, `${commits} commits for 12 completes: they were not grouped`);
      // The webhook job went alone, in a transaction with its delivery.
      assert.deepEqual((await store!.deliveryListByJob({ jobId: hooked.id })).map((d) => d.eventType), ['job.completed']);
      assert.equal((await client.query(`SELECT count(*)::int AS n FROM job_events WHERE kind = 'completed'`)).rows[0].n, 12);
    });

    it('runs what was asked before close, even when every pooled connection was busy', async () => {
      const [store] = await openShared(newSchema(), 1, { poolSize: 2 });
      const account = await makeAccount(store!, { creditBalance: null });
      const jobs = Array.from({ length: 20 }, (_, i) => buildJob({ accountId: account.id, createdAt: at(i) }));
      const inserts = Promise.all(jobs.map((job) => store!.jobInsert({ job, idempotency: null })));
      await store!.close();
      assert.equal((await inserts).length, 20);
      const [reopened] = await openShared(store!.schema, 1);
      assert.equal((await reopened!.jobList({ accountId: account.id, limit: 1 })).total, 20);
    });

    it('deletes a purged or retired job\'s events with it', async () => {
      const schema = newSchema();
      const [store] = await openShared(schema, 1);
      const client = await raw(schema);
      const account = await makeAccount(store!, { creditBalance: null });
      const purged = await makeJob(store!, { accountId: account.id, status: 'completed' });
      const retired = await makeJob(store!, { accountId: account.id, status: 'failed' });
      const kept = await makeJob(store!, { accountId: account.id, status: 'completed' });
      const events = async (id: string) => Number((await client.query('SELECT count(*) AS n FROM job_events WHERE job_id = $1', [id])).rows[0].n);
      assert.ok((await events(purged.id)) > 0 && (await events(retired.id)) > 0, 'the jobs had events to delete');
      await store!.jobPurge({ id: purged.id, accountId: account.id });
      await store!.jobDelete({ ids: [retired.id], finishedBefore: at(86_400_000) });
      assert.deepEqual([await events(purged.id), await events(retired.id)], [0, 0]);
      assert.ok((await events(kept.id)) > 0);
    });

    it('turns driver errors into domain errors: an unknown account is not found, U+0000 is refused', async () => {
      const [store] = await openShared(newSchema(), 1);
      const ghost = newId('acct');
      const missing = await rejectsWith(store!.apiKeyInsert({ key: buildApiKey(ghost) }), NotFoundError, 'not_found');
      assert.equal(missing.message, `Account ${ghost} not found`);
      const account = await makeAccount(store!);
      const job = buildJob({ accountId: account.id, input: { text: 'a\u0000b' } });
      await rejectsWith(store!.jobInsert({ job, idempotency: null }), InvalidRequestError, 'invalid_request');
      assert.equal(await store!.jobGet({ id: job.id }), null);
    });

    it('survives a session terminated in the same read that connected it: the caller gets service_unavailable, the pool reconnects', async (t) => {
      // pg-pool drops its own 'error' listener as it hands a new connection over, and the caller's
      // await resumes only after the rest of that socket read: a FATAL in the same read used to be
      // an unhandled 'error' event, which ends the process.
      const proxy = await startPgProxy(url!);
      t.after(() => proxy.close());
      const [store] = await openShared(newSchema(), 1, { poolSize: 2 }, proxy.url);
      const account = await makeAccount(store!, { creditBalance: 5 });
      // The migration's session idles in the pool; hold it so that the next transaction opens a new one.
      const held = await store!.pool.connect();
      const killed = proxy.killNextAtReady();
      const job = buildJob({ accountId: account.id, creditsCharged: 1 });
      await rejectsWith(store!.jobInsert({ job, idempotency: null }), ServiceUnavailableError, 'service_unavailable');
      await killed;
      assert.equal(proxy.sessions, 2);
      held.release();
      assert.equal(await store!.jobGet({ id: job.id }), null, 'nothing was written');
      assert.equal(await balanceOf(store!, account.id), 5);
      await makeJob(store!, { accountId: account.id, creditsCharged: 1 });
      assert.equal(await balanceOf(store!, account.id), 4);
      await store!.close();
    });

    it('signals a watcher when another store commits, and not for its own commits', async () => {
      const listener = listening();
      const [mine, theirs] = await openShared(newSchema(), 2, { onListenerState: listener.onState });
      const seen = watchCalls();
      const stop = mine!.watch(seen.fn);
      await listener.up; // a commit before LISTEN would go unheard
      await makeJob(theirs!);
      await seen.reach(1); // the listener is up
      for (let i = 0; i < 3; i++) await makeJob(mine!);
      const theirJob = await makeJob(theirs!, { type: 't/signal', priority: 7, runAt: at(60_000) });
      // Notifications arrive in the order they were sent, so our own three came and went before this one.
      await seen.reach(2);
      assert.equal(seen.count, 2);
      // The payload says what an idle worker or a follower needs, with no read behind it.
      const note = seen.notes[1]!;
      assert.ok('signals' in note);
      assert.equal(note.signals.length, 1);
      assert.deepEqual(note.signals[0], {
        kind: 'created', jobId: theirJob.id, accountId: theirJob.accountId, status: 'pending', eventSeq: theirJob.eventSeq,
        type: 't/signal', priority: 7, runAt: at(60_000), webhook: false, dependents: false,
      });
      // The completion of a job another waits for (after) says so: it wakes idle workers elsewhere.
      const awaited = await makeJob(theirs!, { type: 't/awaited', status: 'running' });
      await makeJob(theirs!, { accountId: awaited.accountId, type: 't/waiting', after: [awaited.id] });
      await theirs!.jobComplete({ id: awaited.id, leaseToken: awaited.leaseToken!, now: at(90_000), output: null, size: 0, processTime: 1 });
      const completedSignal = async () => {
        for (;;) {
          const found = seen.notes.flatMap((n) => ('signals' in n ? n.signals : [])).find((s) => s.kind === 'completed' && s.jobId === awaited.id);
          if (found) return found;
          await seen.reach(seen.count + 1); // fails after 5 s without another notification
        }
      };
      assert.equal((await completedSignal()).dependents, true);
      stop();
    });

    it('signals every event of a write of many, in notifications that fit the payload limit', async () => {
      const listener = listening();
      const [mine, theirs] = await openShared(newSchema(), 2, { onListenerState: listener.onState });
      const account = await makeAccount(theirs!, { creditBalance: null });
      const seen = watchCalls();
      const stop = mine!.watch(seen.fn);
      await listener.up;
      const ids = [];
      for (let i = 0; i < 100; i++) ids.push((await makeJob(theirs!, { accountId: account.id, type: 't/many', createdAt: at(i) })).id);
      await seen.reach(100);
      const claimed = await theirs!.jobClaim({ workerId: 'w', types: ['t/many'], now: at(1_000), leaseMs: 60_000, limit: 100 });
      assert.equal(claimed.length, 100);
      await seen.reach(103); // one claim statement, 100 events: three notifications of at most 40
      const started = seen.notes.slice(100).flatMap((n) => ('signals' in n ? n.signals : []));
      assert.deepEqual(started.map((s) => s.kind), Array(100).fill('started'));
      assert.deepEqual(started.map((s) => s.jobId).sort(), ids.sort());
      stop();
    });

    it('tells other stores of a revoked API key, and a relay on their bus ends its use there at once', async () => {
      const listener = listening();
      const [mine, theirs] = await openShared(newSchema(), 2, { onListenerState: listener.onState });
      const bus = new EventBus();
      const cache = new ApiKeyCache(bus);
      const revoked = new Promise<string>((resolve) => bus.onKeyRevoked(resolve));
      const stop = await startStoreFeed(mine!, bus);
      await listener.up;
      const account = await makeAccount(theirs!);
      const key = await theirs!.apiKeyInsert({ key: buildApiKey(account.id) });
      assert.equal((await cache.get(key.id, () => mine!.apiKeyGet({ id: key.id })))?.revokedAt, null);
      assert.equal(cache.size, 1);
      await theirs!.apiKeyRevoke({ id: key.id, now: at(1) });
      assert.equal(await revoked, key.id);
      assert.equal(cache.size, 0);
      stop();
    });

    it('reconnects a dropped LISTEN connection and signals once to catch up', async () => {
      const schema = newSchema();
      const listener = listening();
      const [mine, theirs] = await openShared(schema, 2, { listenRetryMs: 10, onListenerState: listener.onState });
      const seen = watchCalls();
      mine!.watch(seen.fn);
      await listener.up; // a commit before LISTEN would go unheard
      await makeJob(theirs!);
      await seen.reach(1);
      const pid = mine!.listenerPid;
      assert.ok(pid);
      await (await raw(schema)).query('SELECT pg_terminate_backend($1)', [pid]);
      await seen.reach(2); // the catch-up, with no commit in between
      assert.notEqual(mine!.listenerPid, pid);
      await makeJob(theirs!);
      await seen.reach(3);
    });

    it('hands out an event committed after a later one, in id order, never skipping it', async () => {
      const schema = newSchema();
      const [reader, writer] = await openShared(schema, 2, { feedWaitMs: 20 });
      const job = await makeJob(writer!);
      const from = await reader!.eventLatestId();
      // A writer in flight: its event insert takes the shared writer lock (a trigger, migration 0010).
      const slow = await raw(schema);
      await slow.query('BEGIN');
      await slow.query('UPDATE jobs SET status_message = $2, event_seq = event_seq + 1 WHERE id = $1', [job.id, 'slow']);
      const slowEvent = (await slow.query(
        `INSERT INTO job_events (job_id, seq, account_id, kind, status, progress, status_message, origin, created_at)
         SELECT id, event_seq, account_id, 'progress', status, progress, status_message, 'slow-writer', updated_at FROM jobs WHERE id = $1
         RETURNING id`,
        [job.id],
      )).rows[0].id;
      const fast = await makeJob(writer!);
      assert.deepEqual(await reader!.eventFeed({ afterId: from, limit: 100 }), []);
      await slow.query('COMMIT');
      const feed = await reader!.eventFeed({ afterId: from, limit: 100 });
      assert.deepEqual(feed.map((e) => [e.kind, e.job.id]), [['progress', job.id], ['created', fast.id]]);
      assert.equal(feed[0]!.id, Number(slowEvent)); // a plain client reads bigint as text
      assert.equal(feed[0]!.job.statusMessage, 'slow');
      assert.equal(await reader!.eventLatestId(), feed[1]!.id);
    });

    it('claims through the partial pending index and lists a page through an account index', async () => {
      const schema = newSchema();
      const [store] = await openShared(schema, 1);
      const client = await raw(schema);
      await client.query(`INSERT INTO accounts (id, name, credit_balance, webhook_secret, created_at)
        SELECT 'acct_' || lpad(a::text, 4, '0'), 'a', NULL, 'whsec_x', now() FROM generate_series(1, 10) a`);
      // 5,000 jobs: a small account with one in a hundred of them, the rest over nine big ones;
      // one in a hundred still pending.
      await client.query(`INSERT INTO jobs (id, account_id, type, status, progress, priority, input, attempts, max_attempts,
          timeout_ms, size, process_time, credits_charged, credits_refunded, webhook_events, metadata, run_at, created_at,
          updated_at, completed_at, event_seq)
        SELECT 'job_' || lpad(i::text, 8, '0'), 'acct_' || lpad((CASE WHEN i % 100 = 7 THEN 1 ELSE i % 9 + 2 END)::text, 4, '0'), 'test/echo',
          CASE WHEN i % 100 = 0 THEN 'pending' ELSE 'completed' END, CASE WHEN i % 100 = 0 THEN 0 ELSE 100 END, i % 3,
          '{}', 0, 3, 60000, 0, 0, 0, 0, '[]', '{}', now(), now(), now(), CASE WHEN i % 100 = 0 THEN NULL ELSE now() END, 1
        FROM generate_series(1, 5000) i`);
      await client.query('ANALYZE jobs');
      const claimPlan = plan((await client.query(`EXPLAIN ${SQL.jobClaim}`, ['w', new Date(), new Date(), ['test/echo'], 10, 'x', false])).rows);
      // Each served type is read from its own head of the per-type pending index, never the others.
      assert.match(claimPlan, /Index Scan using jobs_pending_type on jobs .*\n\s+Index Cond: \(type = served\.type\)/);
      const listPlan = async (accountId: string, statuses: JobStatus[]) => {
        const q = jobListSql({ accountId, statuses, limit: 20, offset: 0 });
        return plan((await client.query(`EXPLAIN ${q.listSql}`, q.listParams)).rows);
      };
      // The small account's page comes from its own index, not from walking everyone's jobs.
      assert.match(await listPlan('acct_0001', []), /Index Scan Backward using jobs_account on jobs/);
      assert.match(await listPlan('acct_0001', ['completed']), /Index Scan Backward using jobs_account_status on jobs/);
      // A big account's page may walk the primary key instead (its rows are everywhere): still an index.
      for (const statuses of [[], ['completed']] as JobStatus[][]) assert.match(await listPlan('acct_0003', statuses), /^Limit.*\n\s+->\s+Index Scan Backward using jobs_\w+ on jobs/);
      assert.equal((await store!.jobList({ accountId: 'acct_0001', limit: 1 })).total, 50);
    });

    it('lets the process exit once the store is closed, listener included', () => {
      const schema = newSchema();
      const script = `
        import { openPostgres } from './src/store/postgres/index.ts';
        const store = await openPostgres(process.env.LONGRUN_TEST_POSTGRES_URL, { schema: '${schema}', webhookDeliveries: () => null });
        store.watch(() => {});
        await store.ping();
        await store.close();`;
      const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: new URL('../..', import.meta.url).pathname,
        env: process.env,
        timeout: 20_000,
        encoding: 'utf8',
      });
      assert.equal(child.signal, null, 'the process had to be killed: something kept it alive');
      assert.equal(child.status, 0, child.stderr);
    });
  });
});
