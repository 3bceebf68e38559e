// PostgreSQL connections cut under load: one API process (with two in-process workers) takes a
// stream of creates while every database session it holds is terminated, three times. A request
// caught by the fault gets 503 service_unavailable (problem+json, Retry-After), never 500; the
// node recovers by itself; every acknowledged job exists once and ends once; the ledger balances.
// Needs LONGRUN_TEST_POSTGRES_URL. Faults are triggered by answer counts, not timers; no sleeps.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tcpLocalPorts } from '../helpers/processes.js';
import { type Answer, SKIP_WITHOUT_POSTGRES, call, inParallel, openCluster } from './cluster.js';

const CREDITS = 100_000;
// The load runs until every fault was injected and the node served again after the last one; these
// only bound it (a loaded machine takes longer, never differently).
const MAX_REQUESTS = 4000;
const MAX_LOOP_MS = 75_000;
const LANES = 8;
const KILLS = 3;
/** The faults start after this many answers, and each later one this many answers after the node recovered. */
const ANSWERS_BETWEEN_FAULTS = 120;
const FINAL = new Set(['completed', 'failed', 'cancelled']);

describe('scale-out: PostgreSQL connections cut under load', SKIP_WITHOUT_POSTGRES, () => {
  it('answers 201 or 503 while its sessions are killed, recovers, and loses or doubles no job or credit', { timeout: 180_000 }, async (t) => {
    const cluster = await openCluster(t);
    // A short lease so that an attempt whose final write was cut is retried within the test.
    const api = await cluster.api('api', ['--workers', '2', '--lease-ms', '3000']);
    const { accountId, key } = await cluster.createAccount(api, CREDITS);

    // The driver names every session `longrun` (`longrun listener <id>` for LISTEN) and sets the
    // schema only as a startup option, which pg_stat_activity does not show; so the sessions of this
    // test's process are found by their client ports, read from the process's own sockets.
    const kills: { terminated: number; names: string[] }[] = [];
    const cutSessions = async () => {
      const ports = tcpLocalPorts(api.process.pid);
      const rows = await cluster.sql<{ application_name: string; terminated: boolean }>(
        `SELECT application_name, pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND client_port = ANY ($1::int[])`,
        [ports],
      );
      kills.push({ terminated: rows.filter((r) => r.terminated).length, names: [...new Set(rows.map((r) => r.application_name))] });
    };

    // The load: LANES clients create jobs until every fault was injected and ANSWERS_BETWEEN_FAULTS
    // answers came after the recovery from the last (or the bounds are hit). The next fault fires
    // once enough answers came in and, after a fault, once a 201 shows recovery.
    type Sent = { answer: Answer | null; failure: string | null; afterKills: number };
    const sent: Sent[] = [];
    let requests = 0;
    let answersSinceRecovery = 0;
    let recovered = true;
    let cutting: Promise<void> | null = null;
    const loopEnd = performance.now() + MAX_LOOP_MS;
    const onAnswer = (answer: Answer | null, afterKills: number) => {
      // Recovery is a 201 for a request sent after the last fault was over.
      if (answer?.status === 201 && cutting === null && afterKills === kills.length) recovered = true;
      if (recovered) answersSinceRecovery++;
      if (cutting === null && recovered && kills.length < KILLS && answersSinceRecovery >= ANSWERS_BETWEEN_FAULTS) {
        recovered = false;
        answersSinceRecovery = 0;
        cutting = cutSessions().finally(() => (cutting = null));
      }
    };
    await inParallel(Array.from({ length: LANES }, (_, lane) => lane), LANES, async (lane) => {
      const done = () => kills.length === KILLS && cutting === null && recovered && answersSinceRecovery >= ANSWERS_BETWEEN_FAULTS;
      while (!done() && requests < MAX_REQUESTS && performance.now() < loopEnd) {
        const n = requests++;
        const afterKills = cutting === null ? kills.length : -1;
        const body = { type: 'demo/sleep', input: { durationMs: n % 21, steps: 1 + (n % 2) }, metadata: { lane: String(lane), n: String(n) } };
        try {
          const answer = await call(api.url, 'POST', '/v1/jobs', { key, body });
          sent.push({ answer, failure: null, afterKills });
          onAnswer(answer, afterKills);
        } catch (error) {
          sent.push({ answer: null, failure: String((error as Error & { cause?: unknown }).cause ?? error), afterKills });
          onAnswer(null, afterKills);
        }
      }
    });
    while (cutting) await cutting;

    const statuses = new Map<string, number>();
    for (const s of sent) statuses.set(String(s.answer?.status ?? s.failure), (statuses.get(String(s.answer?.status ?? s.failure)) ?? 0) + 1);
    console.log(
      `connection kill: ${sent.length} creates, answers ${JSON.stringify(Object.fromEntries(statuses))}; ` +
        `sessions terminated per fault: ${kills.map((k) => `${k.terminated} (${k.names.join(', ')})`).join('; ')}`,
    );

    assert.equal(api.process.child.exitCode ?? api.process.child.signalCode, null, `the API process died during the faults\n${api.process.output(60)}`);
    assert.equal(kills.length, KILLS, `only ${kills.length} faults were injected before the load ended\n${api.process.output()}`);
    for (const kill of kills) assert.ok(kill.terminated >= 2, `a fault terminated only ${kill.terminated} sessions`);
    for (const { answer, failure } of sent) {
      assert.ok(answer, `a create got no HTTP answer: ${failure}`);
      const requestId = answer.headers.get('x-request-id');
      const logged = () => api.process.stdout.filter((line) => requestId !== null && line.includes(`"${requestId}"`)).join('\n');
      assert.ok(answer.status === 201 || answer.status === 503, `a create answered ${answer.status}: ${answer.text}\nthe API logged:\n${logged()}`);
      if (answer.status === 503) {
        assert.match(answer.headers.get('content-type') ?? '', /^application\/problem\+json/);
        assert.equal(answer.json.code, 'service_unavailable', answer.text);
        assert.equal(answer.json.status, 503);
        assert.match(answer.headers.get('retry-after') ?? '', /^\d+$/, 'a 503 without Retry-After');
      }
    }
    assert.ok(sent.some((s) => s.answer?.status === 201 && s.afterKills === KILLS), 'no create succeeded after the last fault');

    // The node reports ready again by itself.
    let ready: Answer | null = null;
    for (let attempt = 0; attempt < 200 && ready?.status !== 200; attempt++) ready = await call(api.url, 'GET', '/readyz');
    assert.equal(ready?.status, 200, `/readyz after the faults: ${ready?.text}`);

    // Every acknowledged job exists once and ends; so does any job whose 503 hid a commit.
    const acknowledged = sent.filter((s) => s.answer!.status === 201).map((s) => s.answer!.json.id as string);
    assert.equal(new Set(acknowledged).size, acknowledged.length, 'two creates were acknowledged with one job id');
    const stored = await cluster.sql<{ id: string }>('SELECT id FROM jobs WHERE account_id = $1', [accountId]);
    const storedIds = new Set(stored.map((r) => r.id));
    const missing = acknowledged.filter((id) => !storedIds.has(id));
    assert.deepEqual(missing, [], 'acknowledged jobs are missing from the store');
    const unacknowledged = stored.length - acknowledged.length;
    const finals = await inParallel([...storedIds], 32, async (id) => {
      const answer = await call(api.url, 'GET', `/v1/jobs/${id}?wait=60`, { key });
      assert.equal(answer.status, 200, `GET ${id}?wait=60: ${answer.text}`);
      assert.ok(FINAL.has(answer.json.status), `job ${id} is still ${answer.json.status} after a 60 s wait: ${answer.text}`);
      return answer.json;
    });
    const list = await call(api.url, 'GET', '/v1/jobs?limit=1', { key });
    // The LISTEN session was cut too, and came back by itself.
    const sessions = await cluster.sql<{ application_name: string }>(
      'SELECT application_name FROM pg_stat_activity WHERE datname = current_database() AND client_port = ANY ($1::int[])',
      [tcpLocalPorts(api.process.pid)],
    );
    assert.ok(sessions.some((s) => s.application_name.startsWith('longrun listener')), `no LISTEN session after the faults: ${JSON.stringify(sessions)}`);
    assert.equal(list.json.pagination.total, stored.length, 'the list total disagrees with the stored jobs');

    // No job completed twice, and none ran past its attempts.
    const events = await cluster.sql<{ job_id: string; completed: number; terminal: number }>(
      `SELECT job_id, count(*) FILTER (WHERE kind = 'completed')::int AS completed,
         count(*) FILTER (WHERE kind IN ('completed', 'failed', 'cancelled'))::int AS terminal
       FROM job_events GROUP BY job_id`,
    );
    const eventsOf = new Map(events.map((e) => [e.job_id, e]));
    for (const job of finals) {
      const row = eventsOf.get(job.id);
      assert.ok(row, `job ${job.id} has no events`);
      assert.equal(row.terminal, 1, `job ${job.id} reached a final status ${row.terminal} times`);
      assert.equal(row.completed, job.status === 'completed' ? 1 : 0, `job ${job.id} (${job.status}) has ${row.completed} completed events`);
      assert.ok(job.attempts >= 1 && job.attempts <= job.maxAttempts, `job ${job.id} made ${job.attempts} of ${job.maxAttempts} attempts`);
    }

    // The ledger balances: start − charged + refunded, one charge per job, one refund per refunded job.
    const charged = finals.reduce((sum, job) => sum + job.creditsCharged, 0);
    const refunded = finals.reduce((sum, job) => sum + job.creditsRefunded, 0);
    const account = await call(api.url, 'GET', '/v1/account', { key });
    assert.equal(account.json.credits.balance, CREDITS - charged + refunded, 'the balance does not match the jobs');
    const [ledger] = await cluster.sql<{ charges: number; refunds: number; duplicates: number; total: string }>(
      `SELECT count(*) FILTER (WHERE kind = 'charge')::int AS charges, count(*) FILTER (WHERE kind = 'refund')::int AS refunds,
         (SELECT count(*)::int FROM (SELECT job_id, kind FROM ledger WHERE job_id IS NOT NULL GROUP BY 1, 2 HAVING count(*) > 1) d) AS duplicates,
         sum(amount)::text AS total
       FROM ledger WHERE account_id = $1`,
      [accountId],
    );
    assert.equal(ledger!.charges, stored.length, 'one charge per stored job');
    assert.equal(ledger!.refunds, finals.filter((job) => job.creditsRefunded > 0).length, 'one refund per refunded job');
    assert.equal(ledger!.duplicates, 0);
    assert.equal(Number(ledger!.total), account.json.credits.balance, 'the ledger sums to the balance');

    const byStatus = new Map<string, number>();
    for (const job of finals) byStatus.set(`${job.status}/${job.attempts}`, (byStatus.get(`${job.status}/${job.attempts}`) ?? 0) + 1);
    console.log(
      `connection kill: ${acknowledged.length} acknowledged, ${unacknowledged} more committed behind a 503; ` +
        `final status/attempts ${JSON.stringify(Object.fromEntries(byStatus))}; balance ${account.json.credits.balance} = ${CREDITS} − ${charged} + ${refunded}`,
    );
  });
});
