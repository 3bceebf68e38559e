// Help and version through the real CLI: every way of asking for help prints it and exits 0 with
// no API key, no server and no store (the data folder it names is never made). Most are asked in
// this process (runCli, test/helpers/cliInProcess.ts); `jobs --help` and `--version` go through a
// real `longrun` process.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runLongrunInProcess } from '../helpers/cliInProcess.js';
import { runLongrun } from '../helpers/processes.js';

const NO_KEY = { LONGRUN_API_KEY: '', LONGRUN_URL: 'http://127.0.0.1:9' };

describe('longrun help', () => {
  let dir: string;
  let dataDir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'longrun-help-'));
    dataDir = join(dir, 'never-made');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [args, longrun] of [[['jobs', '--help'], runLongrun], [['jobs', '-h'], runLongrunInProcess], [['jobs', 'help'], runLongrunInProcess]] as const) {
    it(`prints the jobs help for ${args.join(' ')} without an API key`, async () => {
      const run = await longrun([...args], NO_KEY);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^Usage: longrun jobs <create\|get\|list\|wait\|cancel\|import>/);
      assert.equal(run.stderr, '');
    });
  }

  for (const args of [['help', 'keys'], ['keys', 'revoke', '-h']]) {
    it(`prints the keys help for ${args.join(' ')} without opening the store`, async () => {
      const run = await runLongrunInProcess([...args, '--data-dir', dataDir]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^Usage: longrun keys </);
      assert.equal(existsSync(dataDir), false);
    });
  }

  it('prints the serve help for -h without starting a server', async () => {
    const run = await runLongrunInProcess(['serve', '-h', '--data-dir', dataDir]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Usage: longrun serve \[flags\]/);
    assert.equal(existsSync(dataDir), false);
  });

  it('prints the version from package.json for --version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const run = await runLongrun(['--version']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), `longrun ${version}`);
  });

  it('names an unknown jobs action before asking for a key', async () => {
    const run = await runLongrunInProcess(['jobs', 'show'], NO_KEY);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /unknown action "show"; try longrun jobs --help/);
  });
});
