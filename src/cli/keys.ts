import { type Account, isId } from '../domain/index.js';
import { apiKeyView } from '../http/views.js';
import { type Runtime, openRuntime } from '../runtime/index.js';
import { createAccount, createApiKey, createWorkerKey, listApiKeys, listWorkerKeys, revokeApiKey, revokeWorkerKey } from '../service/index.js';
import { type Flags, type ParsedFlags, UsageError, flagHelp, parseFlags, wantsHelp } from './options.js';
import { allPages } from './pages.js';
import { STORE_FLAGS, storeConfigFrom } from './runtimeFlags.js';

/** KEYS_FLAGS are `longrun keys`'s flags: where the store is, and which account. */
export const KEYS_FLAGS: Flags = {
  ...STORE_FLAGS,
  account: { kind: 'string', description: 'create, list: the account, by name or by id (acct_…)' },
  'create-account': { kind: 'boolean', description: 'create: make the account first when no account has that name' },
  credits: { kind: 'int', min: 0, max: Number.MAX_SAFE_INTEGER, description: 'with --create-account: its starting credits (default unlimited)' },
  worker: { kind: 'boolean', description: 'create, list: worker keys (lrw_…, the worker protocol only) instead of account keys' },
  types: { kind: 'string', description: 'with --worker, create: the job types the key may claim, comma-separated' },
  name: { kind: 'string', description: 'with --worker, create: the key\'s name, shown in the list of workers (default: its types)' },
  json: { kind: 'boolean', description: 'Print the answer as JSON' },
  help: { kind: 'boolean', description: 'Show this help' },
};

const HELP = `Usage: longrun keys <create|list|revoke> [KEY_ID] [flags]

The operator's way to issue, list and revoke API keys, straight on the store (no server, no admin key).

  longrun keys create --account acme                     a new key for the account named acme
  longrun keys create --account acme --create-account --credits 1000
  longrun keys list [--account acme]                     key ids (key_…), accounts, last 4, revoked or live
  longrun keys revoke key_01JF…                          the key stops working at once
  longrun keys create --worker --types py/reverse,py/upper [--name gpu]
                                                         a worker key: claims jobs of those types, for every account
  longrun keys list --worker                             worker keys (wkey_…), names, types, revoked or live
  longrun keys revoke wkey_01JF…                         the worker key stops working at once

${flagHelp(KEYS_FLAGS)}`;

const ACTIONS = ['create', 'list', 'revoke'];

/**
 * keysCommand is `longrun keys`: issue a key for an account (found by name or id, or made with
 * `--create-account`), list keys, or revoke one. The secret is printed once; only its hash is stored.
 */
export async function keysCommand(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  if (action === undefined || wantsHelp(argv)) {
    console.log(HELP);
    return;
  }
  if (!ACTIONS.includes(action)) throw new UsageError(`unknown action ${JSON.stringify(action)}; try longrun keys --help`);
  const positional = rest[0] !== undefined && !rest[0].startsWith('--') ? rest[0] : undefined;
  const flags = parseFlags(positional === undefined ? rest : rest.slice(1), KEYS_FLAGS);
  if (flags.worker === true || positional?.startsWith('wkey_')) return workerKeysCommand(action, positional, flags);
  if (flags.types !== undefined || flags.name !== undefined) throw new UsageError('--types and --name go with --worker');
  if (action === 'create' && !flags.account) throw new UsageError('longrun keys create needs --account NAME (or an acct_… id)');
  if (action === 'revoke' && !positional) throw new UsageError('longrun keys revoke needs a key id (key_…); longrun keys list shows them');
  if (flags.credits !== undefined && !flags['create-account']) throw new UsageError('--credits only goes with --create-account');

  const runtime = await openRuntime(storeConfigFrom(flags));
  try {
    if (action === 'revoke') {
      await revokeApiKey(runtime.deps, positional!);
      console.log(flags.json ? JSON.stringify({ id: positional, revoked: true }) : `revoked ${positional}`);
    } else if (action === 'list') {
      await listKeys(runtime, flags.account === undefined ? null : String(flags.account), Boolean(flags.json));
    } else {
      await createKey(runtime, String(flags.account), {
        create: flags['create-account'] === true,
        credits: flags.credits === undefined ? null : Number(flags.credits),
        json: Boolean(flags.json),
      });
    }
  } finally {
    await runtime.close();
  }
}

/** createKey issues a key for the account `ref` names, making the account first when asked. */
async function createKey(runtime: Runtime, ref: string, options: { create: boolean; credits: number | null; json: boolean }): Promise<void> {
  const { account, created } = await resolveAccount(runtime, ref, options);
  const key = created ? created : await createApiKey(runtime.deps, account.id);
  if (options.json) {
    console.log(JSON.stringify({ account: { id: account.id, name: account.name }, apiKey: key }));
    return;
  }
  console.log(
    [
      `${created ? 'created the account' : 'account'} ${account.name} (${account.id}); its new API key ${key.id}, shown this once:`,
      '',
      `  ${key.key}`,
      '',
      `Revoke it with: longrun keys revoke ${key.id}`,
    ].join('\n'),
  );
}

/** listKeys prints every key (or the keys of the account `ref` names), oldest first. */
async function listKeys(runtime: Runtime, ref: string | null, json: boolean): Promise<void> {
  const accountId = ref === null ? null : (await resolveAccount(runtime, ref, { create: false, credits: null, missingHint: 'longrun accounts list shows them' })).account.id;
  const views = (await allPages((page) => listApiKeys(runtime.deps, { accountId, ...page }))).map(apiKeyView);
  if (json) return console.log(JSON.stringify(views, null, 2));
  for (const k of views) {
    console.log(`${k.id}  ${k.accountId}  …${k.last4}  ${k.createdAt}  ${k.revokedAt === null ? 'live' : `revoked ${k.revokedAt}`}`);
  }
  console.log(views.length === 1 ? '1 key' : `${views.length} keys`);
}

/**
 * resolveAccount finds the account `ref` names (an `acct_…` id, or a name that exactly one
 * account has), or makes it when `create` is true; a made account comes with its first key. Starting
 * credits are for a made account only: an existing one is refused rather than left unchanged silently.
 */
export async function resolveAccount(
  runtime: Runtime,
  ref: string,
  options: { create: boolean; credits: number | null; missingHint?: string },
): Promise<{ account: Account; created: { id: string; key: string; last4: string } | null }> {
  const { store } = runtime.deps;
  const existing = (account: Account) => {
    if (options.credits !== null) {
      throw new UsageError(
        `the account ${account.name} (${account.id}) already exists, so --credits (its starting credits) does not apply; ` +
          `change its balance with POST /v1/admin/accounts/${account.id}/credits`,
      );
    }
    return { account, created: null };
  };
  if (isId('acct', ref)) {
    const account = await store.accountGet({ id: ref });
    if (!account) throw new UsageError(`no account ${ref}`);
    return existing(account);
  }
  const found = await store.accountFindByName({ name: ref });
  if (found.length > 1) throw new UsageError(`${found.length} accounts are named ${JSON.stringify(ref)} (${found.map((a) => a.id).join(', ')}); pass --account with one id`);
  if (found.length === 1) return existing(found[0]!);
  if (!options.create) {
    throw new UsageError(`no account is named ${JSON.stringify(ref)}; ${options.missingHint ?? 'add --create-account to make it'}`);
  }
  const made = await createAccount(runtime.deps, { name: ref, credits: options.credits });
  return { account: made.account, created: made.apiKey };
}

/**
 * workerKeysCommand is `longrun keys … --worker` (and `revoke wkey_…`): issue a worker key for
 * some job types, list worker keys, or revoke one. The secret is printed once.
 */
async function workerKeysCommand(action: string, positional: string | undefined, flags: ParsedFlags): Promise<void> {
  if (flags.account !== undefined || flags['create-account'] !== undefined || flags.credits !== undefined) {
    throw new UsageError('a worker key belongs to no account: --account, --create-account and --credits do not apply with --worker');
  }
  const types = flags.types === undefined ? [] : String(flags.types).split(',').map((t) => t.trim()).filter((t) => t !== '');
  if (action === 'create' && types.length === 0) throw new UsageError('longrun keys create --worker needs --types TYPE[,TYPE…]');
  const runtime = await openRuntime(storeConfigFrom(flags));
  try {
    if (action === 'revoke') {
      await revokeWorkerKey(runtime.deps, positional!);
      console.log(flags.json ? JSON.stringify({ id: positional, revoked: true }) : `revoked ${positional}`);
    } else if (action === 'list') {
      const keys = await allPages((page) => listWorkerKeys(runtime.deps, page));
      const views = keys.map((k) => ({ id: k.id, name: k.name, types: k.types, last4: k.last4, createdAt: k.createdAt.toISOString(), revokedAt: k.revokedAt?.toISOString() ?? null }));
      if (flags.json) return console.log(JSON.stringify(views, null, 2));
      for (const k of views) console.log(`${k.id}  ${k.name}  ${k.types.join(',')}  …${k.last4}  ${k.revokedAt === null ? 'live' : `revoked ${k.revokedAt}`}`);
      console.log(views.length === 1 ? '1 worker key' : `${views.length} worker keys`);
    } else {
      const key = await createWorkerKey(runtime.deps, { name: flags.name === undefined ? types.join(',') : String(flags.name), types });
      if (flags.json) return console.log(JSON.stringify({ ...key, createdAt: key.createdAt.toISOString() }));
      console.log(
        [
          `worker key ${key.id} (${key.name}) for ${key.types.join(', ')}, shown this once:`,
          '',
          `  ${key.key}`,
          '',
          `A worker uses it on /v1/worker/* only. Revoke it with: longrun keys revoke ${key.id}`,
        ].join('\n'),
      );
    }
  } finally {
    await runtime.close();
  }
}
