import { type Account, isId } from '../domain/index.js';
import { createAccount, createApiKey, revokeApiKey } from '../service/index.js';
import { type Flags, UsageError, flagHelp, parseFlags, wantsHelp } from './options.js';
import { RUNTIME_FLAGS, type Runtime, openRuntime, storeConfigFrom } from './runtime.js';

/** KEYS_FLAGS are `longrun keys`'s flags: where the store is, and which account. */
export const KEYS_FLAGS: Flags = {
  'data-dir': RUNTIME_FLAGS['data-dir']!,
  db: RUNTIME_FLAGS.db!,
  durability: RUNTIME_FLAGS.durability!,
  account: { kind: 'string', description: 'create: the account, by name or by id (acct_…)' },
  'create-account': { kind: 'boolean', description: 'create: make the account first when no account has that name' },
  credits: { kind: 'int', min: 0, max: Number.MAX_SAFE_INTEGER, description: 'with --create-account: its starting credits (default unlimited)' },
  json: { kind: 'boolean', description: 'Print the answer as JSON' },
  help: { kind: 'boolean', description: 'Show this help' },
};

const HELP = `Usage: longrun keys <create|revoke> [KEY_ID] [flags]

The operator's way to issue and revoke API keys, straight on the store (no server, no admin key).

  longrun keys create --account acme                     a new key for the account named acme
  longrun keys create --account acme --create-account --credits 1000
  longrun keys revoke key_01JF…                          the key stops working at once

${flagHelp(KEYS_FLAGS)}`;

/**
 * keysCommand is `longrun keys`: issue a key for an account (found by name or id, or made with
 * `--create-account`), or revoke one. The secret is printed once; only its hash is stored.
 */
export async function keysCommand(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  if (action === undefined || wantsHelp(argv)) {
    console.log(HELP);
    return;
  }
  if (action !== 'create' && action !== 'revoke') throw new UsageError(`unknown action ${JSON.stringify(action)}; try longrun keys --help`);
  const positional = rest[0] !== undefined && !rest[0].startsWith('--') ? rest[0] : undefined;
  const flags = parseFlags(positional === undefined ? rest : rest.slice(1), KEYS_FLAGS);
  if (action === 'create' && !flags.account) throw new UsageError('longrun keys create needs --account NAME (or an acct_… id)');
  if (action === 'revoke' && !positional) throw new UsageError('longrun keys revoke needs a key id (key_…)');
  if (flags.credits !== undefined && !flags['create-account']) throw new UsageError('--credits only goes with --create-account');

  const runtime = await openRuntime(storeConfigFrom(flags));
  try {
    if (action === 'revoke') {
      await revokeApiKey(runtime.deps, positional!);
      console.log(flags.json ? JSON.stringify({ id: positional, revoked: true }) : `revoked ${positional}`);
      return;
    }
    const { account, created } = await resolveAccount(runtime, String(flags.account), {
      create: flags['create-account'] === true,
      credits: flags.credits === undefined ? null : Number(flags.credits),
    });
    const key = created ? created : await createApiKey(runtime.deps, account.id);
    if (flags.json) {
      console.log(JSON.stringify({ account: { id: account.id, name: account.name }, apiKey: key }));
    } else {
      console.log(`${created ? 'created the account' : 'account'} ${account.name} (${account.id}); its new API key, shown this once:\n\n  ${key.key}\n`);
    }
  } finally {
    await runtime.close();
  }
}

/**
 * resolveAccount finds the account `ref` names (an `acct_…` id, or a name that exactly one
 * account has), or makes it when allowed; a made account comes with its first key.
 */
async function resolveAccount(
  runtime: Runtime,
  ref: string,
  options: { create: boolean; credits: number | null },
): Promise<{ account: Account; created: { id: string; key: string; last4: string } | null }> {
  const { store } = runtime.deps;
  if (isId('acct', ref)) {
    const account = await store.accountGet({ id: ref });
    if (!account) throw new UsageError(`no account ${ref}`);
    return { account, created: null };
  }
  const found = await store.accountFindByName({ name: ref });
  if (found.length > 1) throw new UsageError(`${found.length} accounts are named ${JSON.stringify(ref)} (${found.map((a) => a.id).join(', ')}); pass --account with one id`);
  if (found.length === 1) return { account: found[0]!, created: null };
  if (!options.create) throw new UsageError(`no account is named ${JSON.stringify(ref)}; add --create-account to make it`);
  const made = await createAccount(runtime.deps, { name: ref, credits: options.credits });
  return { account: made.account, created: made.apiKey };
}
