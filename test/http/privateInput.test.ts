// Private input fields (a render job's `html`, `template`, `cookies`, `extraHeaders`) are kept for
// the worker and never shown: this follows two real render jobs through every way a client can
// see a job — create and idempotent replay, get, list, both event streams, webhook bodies and the
// delivery log, rerun — and every line the server logs at its most verbose level, and looks for a
// marker that only the private fields carry. The jobs run
// on a real Chromium; nothing sleeps (waits are on the bus, the receiver and the streams).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isFinalStatus } from '../../src/domain/index.js';
import { captureLog } from '../helpers/logCapture.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { type TestAccount, type TestServer, jobReaches, startTestServer } from '../helpers/server.js';
import { type SseEvent, openStream } from '../helpers/sse.js';

const MARKER = `private-${Math.random().toString(36).slice(2)}`;

let server: TestServer;
let receiver: Receiver;
let account: TestAccount;
const log = captureLog();

before(async () => {
  receiver = await startReceiver();
  server = await startTestServer({
    workers: 1,
    sweepMs: 20,
    logLevel: 'trace',
    logStream: log.stream,
    render: { chromiumPath: process.env.LONGRUN_CHROMIUM },
    service: { allowPrivateTargets: true },
  });
  account = await server.createAccount();
});
after(async () => {
  await server.close();
  await receiver.close();
});

/** seen collects every text a client was shown, labelled, to search them all at the end. */
const seen: { where: string; text: string }[] = [];
const show = (where: string, text: string) => seen.push({ where, text });

describe('private input fields', () => {
  it('never appear in any answer, event, webhook body, delivery or log line', async () => {
    const everything = await openStream(server, '/v1/events', account.key);
    const webhook = { webhookUrl: receiver.url, webhookEvents: ['job.started', 'job.progress', 'job.completed', 'job.failed'] };
    const bodies = [
      {
        type: 'template/pdf',
        input: { template: `<h1>{{title}}</h1><p>${MARKER}-template</p>`, data: { title: 'Invoice' }, extraHeaders: { 'x-token': `${MARKER}-header` } },
        ...webhook,
      },
      {
        type: 'html/image',
        input: { html: `<p>${MARKER}-html</p>`, cookies: [{ name: 'session', value: `${MARKER}-cookie`, url: 'http://127.0.0.1/' }] },
        ...webhook,
      },
    ];
    const ids: string[] = [];
    for (const [index, body] of bodies.entries()) {
      const headers = { 'idempotency-key': `private-${index}` };
      const created = await server.request('POST', '/v1/jobs', { key: account.key, body, headers });
      assert.equal(created.status, 201, created.text);
      show(`create ${body.type}`, created.text);
      const replayed = await server.request('POST', '/v1/jobs', { key: account.key, body, headers });
      assert.equal(replayed.json.id, created.json.id);
      show(`idempotent replay ${body.type}`, replayed.text);
      ids.push(created.json.id);
    }

    for (const id of ids) {
      const job = await jobReaches(server, id, (j) => isFinalStatus(j.status));
      assert.equal(job.status, 'completed', JSON.stringify(job.error));
    }
    show('list', (await server.request('GET', '/v1/jobs', { key: account.key })).text);
    show('list by type', (await server.request('GET', '/v1/jobs?type=html/image', { key: account.key })).text);

    // Every change of both jobs on the account stream, up to each job's final event.
    const finals = new Set<string>();
    while (finals.size < ids.length) {
      const message = (await everything.next()) as SseEvent;
      show(`account stream ${message.event}`, JSON.stringify(message));
      if (isFinalStatus(message.data.status)) finals.add(message.data.id);
    }
    everything.close();

    for (const id of ids) {
      show(`get ${id}`, (await server.request('GET', `/v1/jobs/${id}`, { key: account.key })).text);
      const stream = await openStream(server, `/v1/jobs/${id}/events`, account.key);
      for (let message = await stream.next(); message; message = await stream.next()) show(`job stream ${id}`, JSON.stringify(message));
      const deliveries = await server.request('GET', `/v1/jobs/${id}/deliveries`, { key: account.key });
      assert.equal(deliveries.status, 200, deliveries.text);
      show(`deliveries ${id}`, deliveries.text);
    }

    // started, some progress and completed for each job: wait for every delivery the log lists.
    const deliveryCount = (await Promise.all(ids.map((id) => server.request('GET', `/v1/jobs/${id}/deliveries`, { key: account.key }))))
      .map((answer) => answer.json.deliveries.length)
      .reduce((a, b) => a + b, 0);
    assert.ok(deliveryCount >= 4, `expected at least started and completed per job, got ${deliveryCount}`);
    for (let index = 0; index < deliveryCount; index++) show(`webhook ${index}`, (await receiver.request(index)).body);

    const rerun = await server.request('POST', `/v1/jobs/${ids[1]}/rerun`, { key: account.key });
    assert.equal(rerun.status, 201, rerun.text);
    show('rerun', rerun.text);
    const again = await jobReaches(server, rerun.json.id, (j) => isFinalStatus(j.status));
    assert.equal(again.status, 'completed', 'the rerun still has the private input it needs');
    show('rerun get', (await server.request('GET', `/v1/jobs/${rerun.json.id}`, { key: account.key })).text);

    show('the log', log.text());
    assert.ok(log.lines.some((line) => line.jobId === ids[0]), 'the log follows the jobs');

    // The search is only meaningful if every route above answered with the jobs themselves.
    assert.ok(seen.filter((s) => s.text.includes(ids[0]!)).length >= 6);
    for (const { where, text } of seen) assert.ok(!text.includes(MARKER), `${where} shows a private field: ${text.slice(0, 300)}`);
    // The public parts of the same inputs are shown, so the check is not vacuous.
    assert.ok(seen.some((s) => s.text.includes('"title":"Invoice"')), 'the public template data is shown');
  });
});
