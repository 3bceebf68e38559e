// `longrun worker --api URL --worker-key KEY` as an operator runs it: a real process with no
// database, against a real listening API node with --workers 0. It runs demo/sleep and a
// --handlers type to completion (the file downloads through the API), hands a running job back on
// SIGTERM, and refuses bad flag combinations with a usage error naming the flag.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { runLongrunInProcess } from '../helpers/cliInProcess.js';
import { type LongrunProcess, runLongrun, spawnLongrun } from '../helpers/processes.js';
import { type TestAccount, type TestServer, jobReaches, startTestServer } from '../helpers/server.js';
import { issueWorkerKey } from '../worker-protocol/helpers.js';

const handlers = fileURLToPath(new URL('../worker-protocol/fixtures/tsWorkerHandlers.ts', import.meta.url));
// The worker takes its key from the environment, as an operator should (it stays out of `ps`).
const noRemoteEnv = { LONGRUN_WORKER_KEY: '' };

describe('longrun worker --api', { timeout: 120_000 }, () => {
  let server: TestServer;
  let account: TestAccount;
  let workerKey: string;

  before(async () => {
    server = await startTestServer({ workers: 0, handlers });
    account = await server.createAccount({ credits: 1000 });
    workerKey = (await issueWorkerKey(server, ['demo/sleep', 'test/write-file', 'test/until-stopped'])).key;
  });
  after(() => server.close());

  async function createJob(type: string, input: Record<string, unknown>): Promise<string> {
    const answer = await server.request('POST', '/v1/jobs', { key: account.key, body: { type, input } });
    assert.equal(answer.status, 201, answer.text);
    return answer.json.id;
  }

  it('runs built-in and --handlers types over HTTP, prints what it runs, and hands a running job back on SIGTERM', async () => {
    const worker: LongrunProcess = spawnLongrun('worker --api', ['worker', '--api', server.url, '--handlers', handlers, '--concurrency', '2', '--grace-ms', '0'], {
      LONGRUN_WORKER_KEY: workerKey,
    });
    try {
      const [, types] = await worker.waitForLine(/^worker \S+ running (.+) with concurrency 2 over http:\/\/127\.0\.0\.1:\d+$/);
      assert.deepEqual(types!.split(', ').sort(), ['demo/sleep', 'test/until-stopped', 'test/write-file']);

      const sleepId = await createJob('demo/sleep', { durationMs: 0, steps: 2 });
      const fileId = await createJob('test/write-file', { text: 'from another process' });
      const slept = await jobReaches(server, sleepId, (job) => job.status === 'completed' || job.status === 'failed');
      assert.deepEqual(slept.output, { sleptMs: 0 }, worker.output());
      const written = await jobReaches(server, fileId, (job) => job.status === 'completed' || job.status === 'failed');
      assert.equal(written.status, 'completed', JSON.stringify(written.error));
      const file = (written.output as { files: { url: string }[] }).files[0]!;
      assert.equal((await server.request('GET', file.url, { key: account.key })).text, 'from another process');

      // A job that runs until stopped is under way (its handler reported progress) when the worker is told to stop: it comes back.
      const longId = await createJob('test/until-stopped', {});
      await jobReaches(server, longId, (job) => job.progress === 1);
      const handedBack = jobReaches(server, longId, (job) => job.status === 'pending');
      await worker.kill('SIGTERM');
      assert.equal((await worker.exited).code, 0, worker.output());
      const pending = await handedBack;
      assert.equal(pending.attempts, 0);
      assert.equal((await server.request('POST', `/v1/jobs/${longId}/cancel`, { key: account.key })).status, 200);
    } finally {
      await worker.kill();
    }
  });

  it('refuses --types outside the worker key\'s types, naming --types', async () => {
    const result = await runLongrun(['worker', '--api', server.url, '--types', 'demo/sleep,html/pdf'], { LONGRUN_WORKER_KEY: workerKey });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /--types: html\/pdf is not among the worker key's types \(demo\/sleep, test\/write-file, test\/until-stopped\)/);
  });

  it('refuses bad flag combinations with a usage error naming the flag', async () => {
    // The flag checks that refuse before anything starts run in this process (runCli); the refused
    // key, which the worker learns from the API, on a real process.
    const cases: [string[], RegExp, typeof runLongrun][] = [
      [['worker', '--api', 'http://127.0.0.1:9'], /--api needs --worker-key/, runLongrunInProcess],
      [['worker', '--worker-key', 'lrw_x'], /--worker-key needs --api/, runLongrunInProcess],
      [['worker', '--api', 'http://127.0.0.1:9', '--worker-key', 'lrw_x', '--db', 'sqlite::memory:'], /--db cannot be used with --api/, runLongrunInProcess],
      [['worker', '--api', 'not-a-url', '--worker-key', 'lrw_x'], /--api must be an http:\/\/ or https:\/\/ URL/, runLongrunInProcess],
      [['worker', '--api', server.url, '--worker-key', 'lrw_not-a-key'], /--worker-key: the API refused the worker key/, runLongrun],
    ];
    for (const [args, message, longrun] of cases) {
      const result = await longrun(args, noRemoteEnv);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
  });
});
