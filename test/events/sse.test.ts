// Server-Sent Events over real HTTP: a job's stream, resuming with Last-Event-ID, the account
// stream, and the errors. The job is moved by hand through the worker use cases, so every step
// happens exactly when the test says; nothing sleeps.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/domain/index.js';
import { claimJobs, completeAttempt, createJob, reportProgress, type Principal } from '../../src/service/index.js';
import { type TestServer, startTestServer } from '../helpers/server.js';
import { type SseEvent, openStream } from '../helpers/sse.js';

describe('GET /v1/jobs/:id/events', () => {
  let server: TestServer;
  let key: string;
  let principal: Principal;
  before(async () => {
    server = await startTestServer();
    const account = await server.createAccount();
    key = account.key;
    principal = { accountId: account.accountId, apiKeyId: account.keyId, apiKeyUsed: null };
  });
  after(() => server.close());

  const runTo = async (steps: number[]) => {
    const { job } = await createJob(server.deps, principal, { type: 'demo/sleep', input: { durationMs: 0 } });
    return { job, drive: async () => {
      const [claimed] = await claimJobs(server.deps, { workerId: 'test-worker', types: ['demo/sleep'], limit: 1 });
      const attempt = { id: claimed!.id, leaseToken: claimed!.leaseToken! };
      for (const progress of steps) await reportProgress(server.deps, attempt, { progress, message: `at ${progress}` });
      return attempt;
    } };
  };

  it('starts with the job as it is, sends every change in order, and ends after the final one', async () => {
    const { job, drive } = await runTo([25, 50]);
    const stream = await openStream(server, `/v1/jobs/${job.id}/events`, key);
    assert.equal(stream.response.status, 200);
    assert.match(stream.response.headers.get('content-type')!, /^text\/event-stream/);
    const first = await stream.next();
    assert.deepEqual([first!.event, first!.id, first!.data.status], ['job', '1', 'pending']);
    const attempt = await drive();
    await completeAttempt(server.deps, attempt, { output: { ok: true }, size: 0, processTime: 1 });
    const rest: SseEvent[] = [];
    for (let message = await stream.next(); message; message = await stream.next()) rest.push(message);
    assert.deepEqual(rest.map((m) => [m.id, m.data.status, m.data.progress]), [
      ['2', 'running', 0],
      ['3', 'running', 25],
      ['4', 'running', 50],
      ['5', 'completed', 100],
    ]);
    assert.deepEqual(rest.at(-1)!.data.output, { ok: true });
  });

  it('resumes after a dropped connection from Last-Event-ID without losing or repeating a change', async () => {
    const { job, drive } = await runTo([10]);
    const firstStream = await openStream(server, `/v1/jobs/${job.id}/events`, key);
    assert.equal((await firstStream.next())!.id, '1');
    const attempt = await drive();
    assert.equal((await firstStream.next())!.id, '2');
    firstStream.close(); // dropped while the job runs on
    await reportProgress(server.deps, attempt, { progress: 60 });
    const resumed = await openStream(server, `/v1/jobs/${job.id}/events`, key, { 'last-event-id': '2' });
    const caughtUp = await resumed.next();
    assert.equal(caughtUp!.data.progress, 60);
    assert.ok(Number(caughtUp!.id) > 2);
    await completeAttempt(server.deps, attempt, { output: null, size: 0, processTime: 1 });
    const last = await resumed.next();
    assert.equal(last!.data.status, 'completed');
    assert.ok(Number(last!.id) > Number(caughtUp!.id));
    assert.equal(await resumed.next(), null, 'the stream ends after the final status');
  });

  it('sends a final job once and ends, and sends nothing to a client that already saw it', async () => {
    const { job, drive } = await runTo([]);
    const attempt = await drive();
    const done = await completeAttempt(server.deps, attempt, { output: null, size: 0, processTime: 1 });
    const stream = await openStream(server, `/v1/jobs/${job.id}/events`, key);
    assert.equal((await stream.next())!.data.status, 'completed');
    assert.equal(await stream.next(), null);
    const seen = await openStream(server, `/v1/jobs/${job.id}/events`, key, { 'last-event-id': String(done.eventSeq) });
    assert.equal(seen.response.status, 200);
    assert.equal(await seen.next(), null);
  });

  it('answers 404 for another account’s job and 400 for a malformed Last-Event-ID or one past the job’s last event, as problems', { timeout: 20_000 }, async () => {
    const { job } = await runTo([]);
    const listeners = server.deps.bus.listenerCount();
    const other = await server.createAccount();
    const foreign = await server.request('GET', `/v1/jobs/${job.id}/events`, { key: other.key });
    assert.equal(foreign.status, 404);
    assert.equal(foreign.json.code, 'not_found');
    const bad = await server.request('GET', `/v1/jobs/${job.id}/events`, { key, headers: { 'last-event-id': 'abc' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.errors[0].path, 'Last-Event-ID');
    // The job has sent one event: an id past it was never sent, and would only ever get pings.
    const beyond = await server.request('GET', `/v1/jobs/${job.id}/events`, { key, headers: { 'last-event-id': '2' } });
    assert.equal(beyond.status, 400, beyond.text);
    assert.equal(beyond.headers.get('content-type')?.split(';')[0], 'application/problem+json');
    assert.deepEqual(beyond.json.errors, [{ path: 'Last-Event-ID', in: 'header', message: "must be an event id this stream sent; the job's newest is 1" }]);
    assert.equal(server.deps.bus.listenerCount(), listeners, 'the refused stream left no listener behind');
    const anonymous = await server.request('GET', `/v1/jobs/${job.id}/events`);
    assert.equal(anonymous.status, 401);
  });
});

describe('GET /v1/events', () => {
  it('streams changes of the account’s jobs only', async (t) => {
    const server = await startTestServer();
    t.after(() => server.close());
    const mine = await server.createAccount();
    const theirs = await server.createAccount();
    const stream = await openStream(server, '/v1/events', mine.key);
    assert.equal(stream.response.status, 200);
    await server.request('POST', '/v1/jobs', { key: theirs.key, body: { type: 'demo/sleep', input: { durationMs: 0 } } });
    const created = await server.request('POST', '/v1/jobs', { key: mine.key, body: { type: 'demo/sleep', input: { durationMs: 0 } } });
    const message = await stream.next();
    assert.equal(message!.data.id, created.json.id);
    assert.equal(message!.id, `${created.json.id}/1`);
    stream.close();
  });
});

describe('a stream and its key', () => {
  let server: TestServer;
  let clock: ManualClock;
  let accountId: string;
  let key: string;
  before(async () => {
    // The pings run on the test's clock; the service keeps the real one.
    clock = new ManualClock();
    server = await startTestServer({ timers: clock });
    ({ accountId, key } = await server.createAccount());
  });
  after(() => server.close());

  /** issueKey makes another key of the account. */
  const issueKey = async () => {
    const answer = await server.request('POST', `/v1/admin/accounts/${accountId}/keys`, { key: server.adminKey! });
    assert.equal(answer.status, 201);
    return { id: answer.json.id as string, secret: answer.json.key as string };
  };
  const createJobNow = () => server.request('POST', '/v1/jobs', { key, body: { type: 'demo/sleep', input: { durationMs: 0 } } });

  it('ends the account stream at once when this server revokes its key', { timeout: 20_000 }, async () => {
    const revoked = await issueKey();
    const stream = await openStream(server, '/v1/events', revoked.secret);
    const created = await createJobNow();
    assert.equal((await stream.next())!.data.id, created.json.id, 'the stream was live');
    assert.equal((await server.request('DELETE', `/v1/admin/keys/${revoked.id}`, { key: server.adminKey! })).status, 204);
    assert.equal(await stream.next(), null, 'the stream ended');
  });

  it('ends a job stream at once when this server revokes its key', { timeout: 20_000 }, async () => {
    const revoked = await issueKey();
    const created = await createJobNow();
    const stream = await openStream(server, `/v1/jobs/${created.json.id}/events`, revoked.secret);
    assert.equal((await stream.next())!.data.id, created.json.id);
    assert.equal((await server.request('DELETE', `/v1/admin/keys/${revoked.id}`, { key: server.adminKey! })).status, 204);
    assert.equal(await stream.next(), null, 'the stream ended');
  });

  it('ends the account stream at its next ping when the key was revoked elsewhere (longrun keys revoke)', { timeout: 20_000 }, async () => {
    const revoked = await issueKey();
    const kept = await openStream(server, '/v1/events', key);
    const stream = await openStream(server, '/v1/events', revoked.secret);
    // Straight on the store, as another process would: this server hears nothing of it.
    assert.equal(await server.store.apiKeyRevoke({ id: revoked.id, now: new Date() }), true);
    clock.advance(15_000);
    assert.equal(await stream.next(), null, 'the stream ended');
    // A stream whose key is still good goes on.
    const created = await createJobNow();
    assert.equal((await kept.next())!.data.id, created.json.id);
    kept.close();
  });
  it('shows a pending job\'s place in its first message, and again after each ping, without an id', { timeout: 20_000 }, async () => {
    await createJobNow(); // at least one job ahead (earlier tests here left theirs pending too)
    const created = await createJobNow();
    const stream = await openStream(server, `/v1/jobs/${created.json.id}/events`, key);
    const first = (await stream.next())!;
    assert.equal(first.event, 'job');
    const { position } = first.data.queue;
    assert.ok(position >= 1, `jobs ahead: ${position}`);
    assert.deepEqual(first.data.queue, { position, positionIsLowerBound: false, estimatedStartAt: null });
    const [claimed] = await server.store.jobClaim({ workerId: 'w', types: ['demo/sleep'], now: new Date(), leaseMs: 60_000, limit: 1 });
    assert.notEqual(claimed?.id, created.json.id);
    clock.advance(15_000);
    const place = (await stream.next())!;
    assert.equal(place.event, 'queue');
    assert.equal(place.id, undefined, 'no id: a resume still goes by the job\'s events');
    assert.equal(place.data.position, position - 1, 'one fewer ahead');
    stream.close();
  });
});
