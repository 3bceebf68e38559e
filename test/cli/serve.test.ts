// `longrun serve` as an operator starts it: what it prints on a first start with an admin key,
// followed to the letter; and a data folder it cannot make, which stops it at once.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type LongrunProcess, runLongrun, spawnLongrun } from '../helpers/processes.js';

describe('longrun serve', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'longrun-serve-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 1 naming a --data-dir it cannot make (under /proc), rather than hanging', { timeout: 60_000 }, async () => {
    const run = await runLongrun(['serve', '--port', '0', '--data-dir', '/proc/longrun-test']);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, 'longrun: --data-dir (LONGRUN_DATA_DIR) /proc/longrun-test: cannot make the folder /proc/longrun-test (ENOENT)');
  });

  describe('first start with LONGRUN_ADMIN_KEY', () => {
    let server: LongrunProcess;
    after(async () => {
      await server?.kill('SIGTERM');
    });

    it('prints how to make the first account, and the command it prints works', async () => {
      const dataDir = join(dir, 'admin');
      server = spawnLongrun('serve', ['serve', '--port', '0', '--workers', '0', '--data-dir', dataDir], { LONGRUN_ADMIN_KEY: 'serve-test-admin' });
      const [, url] = await server.waitForLine(/^listening on (http:\/\/\S+)$/);
      await server.waitForLine(/^No account yet \(LONGRUN_ADMIN_KEY is set, so no "default" account was made\)/);
      const [, command] = await server.waitForLine(/^ {2}longrun (keys create --account NAME --create-account)$/);
      await server.waitForLine(new RegExp(`^ {2}curl -s ${url}/v1/admin/accounts -H "X-API-Key: \\$LONGRUN_ADMIN_KEY"`));

      const made = await runLongrun([...command!.replace('NAME', 'acme').split(' '), '--data-dir', dataDir]);
      assert.equal(made.code, 0, made.stderr);
      const key = /^\s+(lr_\S+)$/m.exec(made.stdout)?.[1];
      const me = await fetch(`${url}/v1/account`, { headers: { 'x-api-key': key! } });
      assert.equal(me.status, 200);
      assert.equal(((await me.json()) as { name: string }).name, 'acme');
    });
  });
});
