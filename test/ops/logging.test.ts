// What a server logs, read from the logger's own stream on a real server: the job lifecycle at
// info with its structured fields, failed jobs, failed webhooks and a browser that would not
// start at warn, nothing at the default level but those, and never a key, whether sent in a
// header or pasted into a query string. On PostgreSQL, a lost LISTEN connection is a warning.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import pg from 'pg';
import { WORKER_FLAGS } from '../../src/cli/worker.js';
import { UsageError, parseFlags } from '../../src/cli/options.js';
import { redactText, redactUrl } from '../../src/log/index.js';
import type { PostgresStore } from '../../src/store/postgres/index.js';
import { PINO_LEVELS, captureLog } from '../helpers/logCapture.js';
import { startReceiver } from '../helpers/receiver.js';
import { jobReaches, sleepJob, startTestServer } from '../helpers/server.js';

describe('logging', () => {
  it('logs each job change at info with job id, type, account, worker and attempt', async (t) => {
    const log = captureLog();
    const server = await startTestServer({ workers: 1, logLevel: 'info', logStream: log.stream });
    t.after(() => server.close());
    const { key, accountId } = await server.createAccount();
    const created = await server.request('POST', '/v1/jobs', { key, body: sleepJob({ durationMs: 0 }), headers: { prefer: 'wait=10' } });
    assert.equal(created.json.status, 'completed');
    const id = created.json.id;

    const ofJob = (msg: string) => log.lines.find((line) => line.msg === msg && line.jobId === id);
    assert.deepEqual(pick(ofJob('job created')), { level: PINO_LEVELS.info, jobId: id, type: 'demo/sleep', accountId, workerId: null, attempt: 0 });
    const workerId = server.pool!.workerId;
    assert.deepEqual(pick(ofJob('job started')), { level: PINO_LEVELS.info, jobId: id, type: 'demo/sleep', accountId, workerId, attempt: 1 });
    assert.deepEqual(pick(ofJob('job completed')), { level: PINO_LEVELS.info, jobId: id, type: 'demo/sleep', accountId, workerId, attempt: 1 });
    // Requests are logged at info too, by route.
    assert.ok(log.lines.some((line) => line.msg === 'request completed' && line.res?.statusCode === 201));
  });

  it('logs a failing job at warn, with its error, and no job or request lines at the default level', async (t) => {
    const log = captureLog();
    const server = await startTestServer({ workers: 1, logLevel: 'warn', logStream: log.stream });
    t.after(() => server.close());
    const { key, accountId } = await server.createAccount();
    const created = await server.request('POST', '/v1/jobs', {
      key,
      body: sleepJob({ durationMs: 0, failAt: 1, failCode: 'broken_input' }, { maxAttempts: 2 }),
    });
    assert.equal(created.status, 201, created.text);
    await jobReaches(server, created.json.id, (job) => job.status === 'failed');
    const failed = await log.waitFor((line) => line.msg === 'job failed');

    const retry = log.lines.find((line) => line.msg === 'job attempt failed, will retry');
    assert.equal(retry?.level, PINO_LEVELS.warn);
    assert.equal(retry?.attempt, 1);
    assert.equal(failed.level, PINO_LEVELS.warn);
    assert.equal(failed.jobId, created.json.id);
    assert.equal(failed.accountId, accountId);
    assert.equal(failed.attempt, 2);
    assert.equal(failed.error.code, 'broken_input');
    assert.deepEqual(
      log.lines.filter((line) => line.level < PINO_LEVELS.warn),
      [],
      'nothing below warn is written at the default level',
    );
  });

  it('logs a webhook attempt the receiver refuses at warn, naming the delivery, job and next try, secrets redacted', async (t) => {
    const receiver = await startReceiver();
    t.after(() => receiver.close());
    receiver.answer({ status: 302, headers: { location: 'https://elsewhere.example/in?token=location-secret-456' } });
    const log = captureLog();
    const server = await startTestServer({ workers: 1, logLevel: 'warn', logStream: log.stream, service: { allowPrivateTargets: true } });
    t.after(() => server.close());
    const { key } = await server.createAccount();
    const hookUrl = `${receiver.url}/hook?token=hook-secret-123`;
    const created = await server.request('POST', '/v1/jobs', { key, body: sleepJob({ durationMs: 0 }, { webhookUrl: hookUrl }) });
    assert.equal(created.status, 201, created.text);

    const line = await log.waitFor((l) => l.msg === 'webhook attempt failed, will retry');
    assert.equal(line.level, PINO_LEVELS.warn);
    assert.equal(line.jobId, created.json.id);
    assert.match(line.deliveryId, /^.+$/);
    assert.equal(line.statusCode, 302);
    assert.equal(line.error, 'redirect not followed (Location: https://elsewhere.example/in?token=[redacted])');
    assert.equal(line.attempt, 1);
    assert.equal(line.next, 'pending');
    assert.equal(line.url, `${receiver.url}/hook?token=[redacted]`);
    for (const secret of ['hook-secret-123', 'location-secret-456']) assert.ok(!log.text().includes(secret), secret);
  });

  it('logs at warn when Chromium would not start, and that the render job waits for it (browser_unavailable)', async (t) => {
    const log = captureLog();
    const server = await startTestServer({ workers: 1, logLevel: 'warn', logStream: log.stream, render: { chromiumPath: '/nonexistent/chromium' } });
    t.after(() => server.close());
    const { key } = await server.createAccount();
    const created = await server.request('POST', '/v1/jobs', { key, body: { type: 'html/pdf', input: { html: '<p>hi</p>' }, maxAttempts: 1 } });
    assert.equal(created.status, 201, created.text);

    const launch = await log.waitFor((line) => line.msg === 'render: Chromium would not start');
    assert.equal(launch.level, PINO_LEVELS.warn);
    assert.match(launch.err.message, /nonexistent/);
    const deferred = await log.waitFor((line) => typeof line.msg === 'string' && line.msg.includes(`job ${created.json.id} deferred`));
    assert.equal(deferred.level, PINO_LEVELS.warn);
    assert.match(deferred.msg, /browser_unavailable/);
  });

  it('never logs a key, whether in X-API-Key, Authorization or the query string', async (t) => {
    const log = captureLog();
    const server = await startTestServer({ logLevel: 'trace', logStream: log.stream });
    t.after(() => server.close());
    const { key } = await server.createAccount();
    const pasted = 'lr_pasted_query_secret_9f8e7d';
    await server.request('GET', `/v1/jobs?api_key=${pasted}&limit=5&token=${pasted}x&key=${pasted}y`, { key });
    await server.request('GET', '/v1/jobs', { headers: { authorization: `Bearer ${key}` } });
    await server.request('GET', `/v1/jobs?access_token=${pasted}z`, { headers: { authorization: `Bearer ${key}`, cookie: `s=${pasted}c` } });
    // Refused requests too: an unknown route, a query the schema refuses, a key that is not valid.
    assert.equal((await server.request('GET', `/nope?api_key=${pasted}`)).status, 404);
    assert.equal((await server.request('GET', `/v1/jobs?limit=x&api_key=${pasted}`, { key })).status, 400);
    assert.equal((await server.request('GET', '/v1/jobs', { key: `${pasted}k` })).status, 401);

    const text = log.text();
    assert.ok(log.lines.length > 0);
    for (const secret of [key, pasted, server.adminKey!]) assert.ok(!text.includes(secret), `the log holds ${secret}`);
    const urls = log.lines.filter((line) => line.msg === 'incoming request').map((line) => line.req.url);
    assert.ok(urls.includes('/v1/jobs?api_key=[redacted]&limit=5&token=[redacted]&key=[redacted]'), urls.join('\n'));
    assert.ok(urls.includes('/v1/jobs?access_token=[redacted]'), urls.join('\n'));
  });

  it('redactUrl keeps everything but the values of secret parameters and userinfo passwords', () => {
    assert.equal(redactUrl('/v1/jobs?limit=5&status=failed'), '/v1/jobs?limit=5&status=failed');
    assert.equal(redactUrl('/x?API_KEY=a&Api-Key=b&x-token=c&signature=d&monkey=e#frag'), '/x?API_KEY=[redacted]&Api-Key=[redacted]&x-token=[redacted]&signature=[redacted]&monkey=e#frag');
    assert.equal(redactUrl('https://user:pa55@example.com/h?secret=s'), 'https://user:[redacted]@example.com/h?secret=[redacted]');
    assert.equal(redactUrl('/x?%6Bey=a&flag'), '/x?%6Bey=[redacted]&flag');
  });

  it('redactText redacts every URL quoted in a message and leaves the words around them', () => {
    assert.equal(
      redactText('Loading the page failed: net::ERR_FAILED at https://a.example/p?id=1&token=t1, then "http://u:pw@b.example/?sig=s2".'),
      'Loading the page failed: net::ERR_FAILED at https://a.example/p?id=1&token=[redacted], then "http://u:[redacted]@b.example/?sig=[redacted]".',
    );
    assert.equal(redactText('no url here'), 'no url here');
  });

  it('longrun worker takes --log-level (and LONGRUN_LOG_LEVEL), and refuses an unknown level', () => {
    assert.equal(parseFlags(['--log-level', 'info'], WORKER_FLAGS, {})['log-level'], 'info');
    assert.equal(parseFlags([], WORKER_FLAGS, { LONGRUN_LOG_LEVEL: 'debug' })['log-level'], 'debug');
    assert.equal(parseFlags([], WORKER_FLAGS, {})['log-level'], 'warn');
    assert.throws(() => parseFlags(['--log-level', 'loud'], WORKER_FLAGS, {}), (error: unknown) => error instanceof UsageError && /--log-level must be one of fatal, error, warn, info/.test((error as Error).message));
  });
});

function pick(line: Record<string, unknown> | undefined) {
  assert.ok(line, 'the line was logged');
  const { level, jobId, type, accountId, workerId, attempt } = line;
  return { level, jobId, type, accountId, workerId, attempt };
}

const postgresUrl = process.env.LONGRUN_TEST_POSTGRES_URL;

describe('logging on PostgreSQL', postgresUrl ? {} : { skip: 'LONGRUN_TEST_POSTGRES_URL is not set' }, () => {
  it('logs a lost LISTEN connection at warn, and at info when it listens again', async (t) => {
    const schema = `longrun_test_log_${randomBytes(4).toString('hex')}`;
    const log = captureLog();
    const server = await startTestServer({ db: `${postgresUrl}${postgresUrl!.includes('?') ? '&' : '?'}schema=${schema}`, logLevel: 'info', logStream: log.stream });
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    t.after(async () => {
      await server.close();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    });
    const listening = await log.waitFor((line) => line.msg === "store: listening for other processes' changes");
    assert.equal(listening.reconnected, false);
    const pid = (server.store as PostgresStore).listenerPid;
    assert.ok(pid, 'the listener is connected');

    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    const lost = await log.waitFor((line) => line.msg.startsWith('store: lost the connection'));
    assert.equal(lost.level, PINO_LEVELS.warn);
    assert.ok(lost.err?.message, 'the reason is logged');
    const again = await log.waitFor((line) => line.msg === "store: listening for other processes' changes" && line.reconnected === true);
    assert.equal(again.level, PINO_LEVELS.info);
  });
});
