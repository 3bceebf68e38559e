// `longrun keys` through the real CLI on a SQLite file: issue a key for an account found by
// name, make an account with --create-account, refuse ambiguous or unknown names, revoke a key;
// each key is then tried against a real server on the same file. Most commands run in this process
// (runCli, test/helpers/cliInProcess.ts); a success, a refusal and `accounts list` go through a real
// `longrun` process, so its exit codes and output are checked there too.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runLongrunInProcess as longrun } from '../helpers/cliInProcess.js';
import { runLongrun } from '../helpers/processes.js';
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
    const run = await runLongrun(['keys', 'create', '--account', 'acme', '--db', db, '--json']);
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
    const keyId = new RegExp(`^account by-id \\(${made.accountId}\\); its new API key (key_\\w+), shown this once:$`, 'm').exec(run.stdout)?.[1];
    const key = /^\s+(lr_\S+)$/m.exec(run.stdout)?.[1];
    assert.ok(key && keyId, run.stdout);
    assert.equal(await status(key), 200);
    // The id printed is the key's own, and the line that revokes it is ready to copy.
    assert.equal((await server.store.apiKeyGet({ id: keyId }))?.accountId, made.accountId);
    assert.equal(`key_${key.split('_')[1]}`, keyId);
    assert.match(run.stdout, new RegExp(`^Revoke it with: longrun keys revoke ${keyId}$`, 'm'));
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
    const unknown = await runLongrun(['keys', 'create', '--account', 'nobody', '--db', db]);
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

  it('refuses --credits for an account that already exists, issuing no key and leaving its balance', async () => {
    const made = await server.createAccount({ name: 'existing', credits: 7 });
    const keysBefore = await server.store.apiKeyList({ accountId: made.accountId, afterId: null, limit: 100 });
    const run = await longrun(['keys', 'create', '--account', 'existing', '--create-account', '--credits', '1000', '--db', db]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, new RegExp(`the account existing \\(${made.accountId}\\) already exists, so --credits \\(its starting credits\\) does not apply`));
    assert.deepEqual(await server.store.apiKeyList({ accountId: made.accountId, afterId: null, limit: 100 }), keysBefore);
    assert.equal((await server.store.accountGet({ id: made.accountId }))?.creditBalance, 7);
  });

  it('lists the keys of an account with their ids, and every account', async () => {
    const made = await server.createAccount({ name: 'listed', credits: 3 });
    const second = await server.request('POST', `/v1/admin/accounts/${made.accountId}/keys`, { key: server.adminKey! });
    await server.request('DELETE', `/v1/admin/keys/${made.keyId}`, { key: server.adminKey! });
    const keys = await longrun(['keys', 'list', '--account', 'listed', '--db', db]);
    assert.equal(keys.code, 0, keys.stderr);
    const lines = keys.stdout.split('\n');
    assert.match(lines[0]!, new RegExp(`^${made.keyId}  ${made.accountId}  …${made.key.slice(-4)}  \\S+  revoked \\S+$`));
    assert.match(lines[1]!, new RegExp(`^${second.json.id}  ${made.accountId}  …${second.json.last4}  \\S+  live$`));
    assert.equal(lines[2], '2 keys');
    const unknown = await longrun(['keys', 'list', '--account', 'nobody', '--db', db]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no account is named "nobody"; longrun accounts list shows them/);

    const accounts = await runLongrun(['accounts', 'list', '--db', db, '--json']);
    assert.equal(accounts.code, 0, accounts.stderr);
    const listed = JSON.parse(accounts.stdout) as { id: string; name: string; credits: { balance: number | null } }[];
    const all = await server.store.accountList({ afterId: null, limit: 1000 });
    assert.deepEqual(listed.map((a) => a.id), all.map((a) => a.id));
    assert.deepEqual(listed.find((a) => a.id === made.accountId)?.credits, { balance: 3 });
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

  it('issues a worker key for some types with --worker, which claims over HTTP; lists and revokes it', async () => {
    const run = await longrun(['keys', 'create', '--worker', '--types', 'demo/sleep,html/pdf', '--name', 'gpu', '--db', db, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const key = JSON.parse(run.stdout);
    assert.match(key.key, /^lrw_[0-9A-Z]{26}_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual([key.name, key.types], ['gpu', ['demo/sleep', 'html/pdf']]);
    const claim = await server.request('POST', '/v1/worker/claim', { key: key.key, body: { max: 1 } });
    assert.equal(claim.status, 200, claim.text);
    assert.equal(await status(key.key), 403, 'a worker key reads no account route');

    const listed = await longrun(['keys', 'list', '--worker', '--db', db]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`^${key.id}  gpu  demo/sleep,html/pdf  …${key.key.slice(-4)}  live$`, 'm'));
    const revoked = await longrun(['keys', 'revoke', key.id, '--db', db]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal((await server.request('POST', '/v1/worker/claim', { key: key.key, body: { max: 1 } })).status, 401);

    const noTypes = await longrun(['keys', 'create', '--worker', '--db', db]);
    assert.equal(noTypes.code, 2, noTypes.stderr);
    assert.match(noTypes.stderr, /--types/);
    const withAccount = await longrun(['keys', 'create', '--worker', '--types', 'a', '--account', 'acme', '--db', db]);
    assert.notEqual(withAccount.code, 0);
    assert.match(withAccount.stderr, /belongs to no account/);
  });
  it('shows and sets an account\'s weight and caps with longrun accounts, as the admin API sees them', async () => {
    const made = await server.createAccount({ name: 'shared-queue' });
    const set = await longrun(['accounts', 'set', '--account', 'shared-queue', '--weight', '2', '--max-concurrency', '3', '--type-caps', 'demo/sleep=1', '--db', db, '--json']);
    assert.equal(set.code, 0, set.stderr);
    assert.deepEqual(JSON.parse(set.stdout), { accountId: made.accountId, weight: 2, maxConcurrency: 3, maxConcurrencyByType: { 'demo/sleep': 1 }, running: 0 });
    const admin = await server.request('GET', `/v1/admin/accounts/${made.accountId}`, { key: server.adminKey! });
    assert.deepEqual(admin.json.scheduling, { weight: 2, maxConcurrency: 3, maxConcurrencyByType: { 'demo/sleep': 1 }, running: 0 });

    const removed = await longrun(['accounts', 'set', '--account', made.accountId, '--max-concurrency', 'none', '--db', db]);
    assert.equal(removed.code, 0, removed.stderr);
    const shown = await longrun(['accounts', 'show', '--account', 'shared-queue', '--db', db]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /weight +2\n/);
    assert.match(shown.stdout, /max concurrency +unlimited\n/);
    assert.match(shown.stdout, /type caps +demo\/sleep=1$/m);

    for (const [args, message] of [
      [['--weight', '0'], /\/weight: must be a number above 0/],
      [['--max-concurrency', 'lots'], /--max-concurrency must be a number/],
      [['--type-caps', 'nosuch/type=2'], /names no job type/],
      [[], /needs --weight, --max-concurrency or --type-caps/],
    ] as const) {
      const bad = await longrun(['accounts', 'set', '--account', 'shared-queue', ...args, '--db', db]);
      assert.equal(bad.code, 2, `${args.join(' ')}: ${bad.stderr}`);
      assert.match(bad.stderr, message);
    }
  });
});
