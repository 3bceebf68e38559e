// `longrun jobs` through the real CLI against a real server: a refused request shows every field
// problem the server named, not just its detail.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runLongrun } from '../helpers/processes.js';
import { type TestAccount, type TestServer, jobTotal, startTestServer } from '../helpers/server.js';

describe('longrun jobs', () => {
  let server: TestServer;
  let account: TestAccount;

  before(async () => {
    server = await startTestServer();
    account = await server.createAccount();
  });
  after(async () => {
    await server.close();
  });

  it('prints every field problem of a refused create, one per line, and exits 1', async () => {
    const run = await runLongrun(['jobs', 'create', '--type', 'demo/sleep', '--input', '{"durationMs":"5","steps":"two"}', '--url', server.url, '--key', account.key]);
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(run.stderr.split('\n'), [
      'longrun: 400 invalid_request: The input does not match the demo/sleep schema: /input/durationMs: must be integer (and 1 more in errors)',
      '  /input/durationMs: must be integer',
      '  /input/steps: must be integer',
    ]);
    assert.equal(await jobTotal(server, account.accountId), 0);
  });
});
