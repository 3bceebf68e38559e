// `--files` and the `--s3-…` flags become a FilesChoice, and every missing or bad setting is
// refused naming the flag and its variable, before anything starts; a file store the process
// cannot use stops `longrun serve` at once with a one-line reason (the built CLI: `npm run build`).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { filesChoiceFrom } from '../../src/cli/fileFlags.js';
import { UsageError, parseFlags } from '../../src/cli/options.js';
import { SERVE_FLAGS } from '../../src/cli/serve.js';
import { runLongrun } from '../helpers/processes.js';

const S3_ENV = {
  LONGRUN_FILES: 's3',
  LONGRUN_S3_ENDPOINT: 'http://127.0.0.1:9000',
  LONGRUN_S3_BUCKET: 'outputs',
  LONGRUN_S3_ACCESS_KEY_ID: 'AKID',
  LONGRUN_S3_SECRET_ACCESS_KEY: 'secret',
};

const choice = (args: string[], env: NodeJS.ProcessEnv = {}) => filesChoiceFrom(parseFlags(args, SERVE_FLAGS, env));

function refusal(args: string[], env: NodeJS.ProcessEnv = {}): string {
  try {
    choice(args, env);
  } catch (error) {
    assert.ok(error instanceof UsageError, String(error));
    return error.message;
  }
  assert.fail(`${args.join(' ')} was accepted`);
}

describe('file store flags', () => {
  it('leaves the default to the store without --files, and reads local and postgres', () => {
    assert.equal(choice([]), undefined);
    assert.deepEqual(choice(['--files', 'local']), { kind: 'local' });
    assert.deepEqual(choice([], { LONGRUN_FILES: 'postgres' }), { kind: 'postgres' });
    assert.equal(refusal(['--files', 'ftp']), '--files must be one of local, postgres, s3, not "ftp"');
  });

  it('reads the S3 settings from flags and the environment', () => {
    assert.deepEqual(choice(['--s3-path-style', '--s3-prefix', 'longrun/', '--files-redirect', '300'], S3_ENV), {
      kind: 's3',
      s3: {
        endpoint: 'http://127.0.0.1:9000',
        bucket: 'outputs',
        region: 'us-east-1',
        accessKeyId: 'AKID',
        secretAccessKey: 'secret',
        prefix: 'longrun/',
        pathStyle: true,
        redirectSeconds: 300,
      },
    });
  });

  it('refuses a missing or bad S3 setting, naming the flag and its variable', () => {
    assert.equal(refusal([], { ...S3_ENV, LONGRUN_S3_BUCKET: undefined }), '--files s3 needs --s3-bucket (LONGRUN_S3_BUCKET)');
    assert.equal(refusal([], { ...S3_ENV, LONGRUN_S3_SECRET_ACCESS_KEY: '' }), '--files s3 needs --s3-secret-access-key (LONGRUN_S3_SECRET_ACCESS_KEY)');
    assert.match(refusal(['--s3-endpoint', 'minio:9000'], S3_ENV), /^--s3-endpoint must be an http:\/\/ or https:\/\/ URL/);
    assert.match(refusal(['--s3-prefix', '../x/'], S3_ENV), /^--s3-prefix \(LONGRUN_S3_PREFIX\) must be folders/);
    assert.equal(refusal(['--files-redirect', '60']), '--files-redirect (LONGRUN_FILES_REDIRECT) needs --files s3');
  });

  it('stops longrun serve at once when the file store cannot be used', { timeout: 60_000 }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'longrun-fileflags-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const onSqlite = await runLongrun(['serve', '--port', '0', '--data-dir', dir, '--files', 'postgres']);
    assert.equal(onSqlite.code, 1);
    assert.equal(onSqlite.stderr, "longrun: --files postgres keeps files in a PostgreSQL database, and this process's --db is a sqlite store; use --files local or s3");
    const ipHost = await runLongrun(['serve', '--port', '0', '--data-dir', dir], { ...S3_ENV, LONGRUN_S3_BUCKET: 'b' } as Record<string, string>);
    assert.equal(ipHost.code, 1);
    assert.equal(ipHost.stderr, 'longrun: --files s3: S3 endpoint http://127.0.0.1:9000 cannot address bucket b as a host name (b.HOST); use path-style addressing (--s3-path-style)');
  });
});
