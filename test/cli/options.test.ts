// Flag parsing words every refusal for the operator who typed it: the flag, what it takes, and
// what it got; never Node's parseArgs wording ("argument is ambiguous") or "Invalid URL".
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLIENT_FLAGS } from '../../src/cli/jobs.js';
import { UsageError, parseFlags } from '../../src/cli/options.js';
import { SERVE_FLAGS } from '../../src/cli/serve.js';

/** refusal returns the UsageError message parseFlags throws for `args` (and `env`). */
function refusal(args: string[], flags = SERVE_FLAGS, env: NodeJS.ProcessEnv = {}): string {
  try {
    parseFlags(args, flags, env);
  } catch (error) {
    assert.ok(error instanceof UsageError, String(error));
    return error.message;
  }
  assert.fail(`${args.join(' ')} was accepted`);
}

describe('parseFlags', () => {
  it('takes a negative number as the value of the flag before it, and range-checks it', () => {
    assert.equal(refusal(['--workers', '-1']), '--workers must be at least 0, not -1');
    assert.equal(parseFlags(['--priority', '-5'], CLIENT_FLAGS, {}).priority, -5);
  });

  it('names an unknown flag, a missing value and a stray word', () => {
    assert.equal(refusal(['--wrokers', '2']), 'unknown flag --wrokers; --help lists the flags');
    assert.equal(refusal(['--port']), '--port needs a value');
    assert.equal(refusal(['--port', '--workers', '2']), '--port needs a value');
    assert.equal(refusal(['--allow-private-targets=yes']), '--allow-private-targets is a switch and takes no value');
    assert.equal(refusal(['8080']), 'unexpected "8080": flags start with --; --help lists them');
  });

  it('refuses a server address without http:// or https://, naming the variable it came from', () => {
    assert.equal(
      refusal([], CLIENT_FLAGS, { LONGRUN_URL: '127.0.0.1:8081' }),
      'LONGRUN_URL must be an http:// or https:// URL such as http://127.0.0.1:8080, not "127.0.0.1:8081"',
    );
    assert.match(refusal(['--url', 'localhost:8081'], CLIENT_FLAGS), /^--url must be an http:\/\/ or https:\/\/ URL/);
    assert.equal(parseFlags(['--url', 'http://127.0.0.1:8081'], CLIENT_FLAGS, {}).url, 'http://127.0.0.1:8081');
  });
});
