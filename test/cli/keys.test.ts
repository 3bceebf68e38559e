// `longrun keys` through the real CLI on a SQLite file: issue a key for an account found by
// name, make an account with --create-account, refuse ambiguous or unknown names, revoke a key;
// each key is then tried against a real server on the same file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runLongrun as longrun } from '../helpers/processes.js';
import { type TestServer, startTestServer } from '../helpers/server.js';

describe('longrun keys', () => {
  let dir: string;
  let db: string;
  let server: TestServer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'longrun-keys-'));
    db = `sqlite:${join(dir, 'longrun.db')}`;
    server = await startTestServer({ db });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const status = async (key: string) => (await server.request('GET', '/v1/account', { key })).status;

  it('issues a key for the account it names, which then works over HTTP', async () => {
    const made = await server.createAccount({ name: 'acme', credits: 10 });
    const run = await longrun(['keys', 'create', '--account', 'acme', '--db', db, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const answer = JSON.parse(run.stdout);
    assert.equal(answer.account.id, made.accountId);
    assert.match(answer.apiKey.key, /^lr_[0-9A-Z]{26}_[A-Za-z0-9_-]{43}$/);
    assert.equal(answer.apiKey.last4, answer.apiKey.key.slice(-4));
    const account = await server.request('GET', '/v1/account', { key: answer.apiKey.key });
    assert.equal(account.status, 200);
    assert.equal(account.json.id, made.accountId);
    assert.equal(account.json.credits.balance, 10);
  });

  it('finds the account by id as well', async () => {
    const made = await server.createAccount({ name: 'by-id' });
    const run = await longrun(['keys', 'create', '--account', made.accountId, '--db', db]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`account by-id \\(${made.accountId}\\); its new API key, shown this once:`));
    const key = /^\s+(lr_\S+)$/m.exec(run.stdout)?.[1];
    assert.ok(key, run.stdout);
    assert.equal(await status(key), 200);
  });

  it('makes the account with --create-account, with the credits asked for', async () => {
    const run = await longrun(['keys', 'create', '--account', 'newco', '--create-account', '--credits', '25', '--db', db, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const { account, apiKey } = JSON.parse(run.stdout);
    assert.equal(account.name, 'newco');
    const seen = await server.request('GET', '/v1/account', { key: apiKey.key });
    assert.deepEqual([seen.json.id, seen.json.name, seen.json.credits.balance], [account.id, 'newco', 25]);
  });

  it('refuses an unknown name, an ambiguous one, and --credits without --create-account, changing nothing', async () => {
    const before = await server.store.accountCount();
    const unknown = await longrun(['keys', 'create', '--account', 'nobody', '--db', db]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no account is named "nobody"; add --create-account/);

    await server.createAccount({ name: 'twin' });
    await server.createAccount({ name: 'twin' });
    const ambiguous = await longrun(['keys', 'create', '--account', 'twin', '--db', db]);
    assert.equal(ambiguous.code, 2);
    assert.match(ambiguous.stderr, /2 accounts are named "twin" \(acct_\w+, acct_\w+\); pass --account with one id/);

    const credits = await longrun(['keys', 'create', '--account', 'twin', '--credits', '5', '--db', db]);
    assert.equal(credits.code, 2);
    assert.match(credits.stderr, /--credits only goes with --create-account/);
    assert.equal(await server.store.accountCount(), before + 2);
  });

  it('revokes a key at once', async () => {
    const made = await server.createAccount({ name: 'revoker' });
    assert.equal(await status(made.key), 200);
    const run = await longrun(['keys', 'revoke', made.keyId, '--db', db]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), `revoked ${made.keyId}`);
    assert.equal(await status(made.key), 401);
    const again = await longrun(['keys', 'revoke', made.keyId, '--db', db]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, new RegExp(`API key ${made.keyId} not found`));
  });
});
