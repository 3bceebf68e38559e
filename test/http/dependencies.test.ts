// Job dependencies over real HTTP, with real workers: `after` on create holds a job pending until
// the jobs it names complete. A chain html/pdf → pdf/extract runs through, the second job started
// by the first one's completion (the loops' timers never fire on their own here, so only that
// wakeup can start it). A chain whose first job fails fails the second with dependency_failed,
// refunded, with its webhook. The job view shows `after` and `waitingFor`; a bad `after` is a 400
// naming the entry that changes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { type TestAccount, type TestServer, balance, downloadFile, jobReaches, sleepJob, startTestServer } from '../helpers/server.js';

let server: TestServer;
let receiver: Receiver;

before(async () => {
  server = await startTestServer({
    workers: 1, sweepMs: 3_600_000, service: { allowPrivateTargets: true }, render: { chromiumPath: process.env.LONGRUN_CHROMIUM },
  });
  receiver = await startReceiver();
});
after(async () => {
  await receiver.close();
  await server.close();
});

const isFinal = (job: { status: string }) => ['completed', 'failed', 'cancelled'].includes(job.status);
const create = async (account: TestAccount, body: Record<string, unknown>) => {
  const created = await server.request('POST', '/v1/jobs', { key: account.key, body });
  assert.equal(created.status, 201, created.text);
  return created.json;
};
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

describe('after: jobs that wait for others', () => {
  it('runs html/pdf → pdf/extract: the second starts once the first completes and reads its file', async () => {
    const account = await server.createAccount({ credits: null });
    const rendered = await create(account, { type: 'html/pdf', input: { html: '<title>After</title><p>Waited for and then read.</p>' } });
    const extract = await create(account, {
      type: 'pdf/extract', input: { source: { fromJob: rendered.id, file: 'document.pdf' } }, after: [rendered.id],
    });
    assert.deepEqual(extract.after, [rendered.id]);
    const first = await jobReaches(server, rendered.id, isFinal);
    assert.equal(first.status, 'completed', JSON.stringify(first.error));
    const second = await jobReaches(server, extract.id, isFinal);
    assert.equal(second.status, 'completed', JSON.stringify(second.error));
    assert.ok(second.startedAt! >= first.completedAt!, 'it started only after the job it waited for completed');
    const markdown = (await downloadFile(server, account, (second.output as any).files[0].url)).toString('utf8');
    assert.match(markdown, /Waited for and then read\./);
    const read = await server.request('GET', `/v1/jobs/${extract.id}`, { key: account.key });
    assert.deepEqual([read.json.after, read.json.waitingFor], [[rendered.id], []]);
  });

  it('fails the second job of a chain whose first fails: dependency_failed, refunded, with its webhook', async () => {
    const account = await server.createAccount({ credits: 10 });
    const broken = await create(account, sleepJob({ durationMs: 0, failAt: 1 }, { maxAttempts: 1 }));
    const waiting = await create(account, sleepJob({ durationMs: 0 }, { after: [broken.id], webhookUrl: receiver.url }));
    assert.ok(waiting.creditsCharged > 0);
    assert.equal((await jobReaches(server, broken.id, isFinal)).status, 'failed');

    assert.ok(Number(await server.maintenance.unstartable.runOnce()) >= 1);
    const failed = await jobReaches(server, waiting.id, isFinal);
    assert.equal(failed.status, 'failed');
    assert.deepEqual(failed.error, { code: 'dependency_failed', message: `${broken.id}, which this job waited for (after), failed` });
    assert.equal(failed.attempts, 0, 'it never ran');
    assert.equal(failed.creditsRefunded, failed.creditsCharged);
    assert.equal(await balance(server, account.accountId), 10, 'both jobs refunded');

    const read = await server.request('GET', `/v1/jobs/${waiting.id}`, { key: account.key });
    const payload = JSON.parse((await receiver.request(0)).body);
    assert.equal(payload.type, 'job.failed');
    assert.deepEqual(payload.data, read.json, 'the webhook carries the job as GET shows it');
    assert.equal(await server.maintenance.unstartable.runOnce(), 0, 'failed once');
  });

  it('shows after and waitingFor, no queue place while it waits, and fails it when the awaited job is cancelled', async () => {
    const account = await server.createAccount({ credits: null });
    const later = await create(account, sleepJob({ durationMs: 0 }, { runAt: inAnHour() }));
    const done = await jobReaches(server, (await create(account, sleepJob())).id, isFinal);
    const waiting = await create(account, sleepJob({ durationMs: 0 }, { after: [done.id, later.id] }));
    assert.deepEqual([waiting.after, waiting.waitingFor], [[done.id, later.id], [later.id]], 'a completed job is not waited for');

    const read = await server.request('GET', `/v1/jobs/${waiting.id}`, { key: account.key });
    assert.deepEqual([read.json.status, read.json.waitingFor, read.json.queue], ['pending', [later.id], undefined]);
    const listed = await server.request('GET', '/v1/jobs?limit=10', { key: account.key });
    assert.deepEqual(listed.json.data.find((job: { id: string }) => job.id === waiting.id).waitingFor, [later.id]);
    const plain = listed.json.data.find((job: { id: string }) => job.id === later.id);
    assert.deepEqual([plain.after, plain.waitingFor], [null, null]);

    const batch = await server.request('POST', '/v1/jobs/batch', { key: account.key, body: { jobs: [sleepJob({ durationMs: 0 }, { after: [later.id] })] } });
    assert.equal(batch.status, 201, batch.text);
    assert.deepEqual(batch.json.data[0].waitingFor, [later.id], 'a batch item waits as a single create does');

    assert.equal((await server.request('POST', `/v1/jobs/${later.id}/cancel`, { key: account.key })).status, 200);
    assert.equal(Number(await server.maintenance.unstartable.runOnce()), 2, 'both jobs that waited for it');
    assert.equal((await server.request('GET', `/v1/jobs/${batch.json.data[0].id}`, { key: account.key })).json.error.code, 'dependency_failed');
    const failed = await server.request('GET', `/v1/jobs/${waiting.id}`, { key: account.key });
    assert.deepEqual([failed.json.status, failed.json.error.code, failed.json.waitingFor], ['failed', 'dependency_failed', []]);
    assert.match(failed.json.error.message, /was cancelled/);
  });

  it('refuses a bad after naming the entry, alone or in a batch, and creates nothing', async () => {
    const account = await server.createAccount({ credits: null });
    const other = await server.createAccount({ credits: null });
    const theirs = await create(other, sleepJob());
    const mine = await create(account, sleepJob({ durationMs: 0 }, { runAt: inAnHour() }));
    const unknown = 'job_01KB0000000000000000000000';
    const cases: [unknown, string][] = [
      ['job_x', '/after'],
      [[], '/after'],
      [Array.from({ length: 21 }, () => mine.id), '/after'],
      [['nope'], '/after/0'],
      [[mine.id, mine.id], '/after/1'],
      [[mine.id, theirs.id], '/after/1'],
      [[unknown], '/after/0'],
    ];
    const before = (await server.request('GET', '/v1/jobs?limit=1', { key: account.key })).json.pagination.total;
    for (const [afterValue, path] of cases) {
      const refused = await server.request('POST', '/v1/jobs', { key: account.key, body: sleepJob({ durationMs: 0 }, { after: afterValue }) });
      assert.equal(refused.status, 400, `${JSON.stringify(afterValue)}: ${refused.text}`);
      assert.equal(refused.json.errors[0].path, path, JSON.stringify(afterValue));
    }
    const batch = await server.request('POST', '/v1/jobs/batch', {
      key: account.key, body: { jobs: [sleepJob({ durationMs: 0 }, { after: [mine.id] }), sleepJob({ durationMs: 0 }, { after: [theirs.id] })] },
    });
    assert.equal(batch.status, 400, batch.text);
    assert.equal(batch.json.errors[0].path, '/jobs/1/after/0');
    assert.equal((await server.request('GET', '/v1/jobs?limit=1', { key: account.key })).json.pagination.total, before);
  });
});
