import { accountView } from '../http/views.js';
import { openRuntime } from '../runtime/index.js';
import { listAccounts } from '../service/index.js';
import { type Flags, UsageError, flagHelp, parseFlags, wantsHelp } from './options.js';
import { allPages } from './pages.js';
import { STORE_FLAGS, storeConfigFrom } from './runtimeFlags.js';
import { SCHEDULING_FLAGS, schedulingCommand } from './accountScheduling.js';

/** ACCOUNTS_FLAGS are `longrun accounts`'s flags: where the store is. */
export const ACCOUNTS_FLAGS: Flags = {
  ...STORE_FLAGS,
  ...SCHEDULING_FLAGS,
  json: { kind: 'boolean', description: 'Print the accounts as JSON, as GET /v1/admin/accounts shows them' },
  help: { kind: 'boolean', description: 'Show this help' },
};

const HELP = `Usage: longrun accounts list|show|set [flags]

The operator's view of the accounts, straight on the store (no server, no admin key).

  longrun accounts list                  every account: id, credits, created, name
  longrun accounts show --account acme   its weight and concurrency caps (fair scheduling)
  longrun accounts set --account acme --weight 2 --max-concurrency 10 --type-caps url/pdf=2
                                         change them; "none" removes a cap (see docs/api.md, "Claim order")

Make an account with: longrun keys create --account NAME --create-account

${flagHelp(ACCOUNTS_FLAGS)}`;

/** accountsCommand is `longrun accounts list` (every account on the store, oldest first), `show` and `set` (weight and caps). */
export async function accountsCommand(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  if (action === undefined || wantsHelp(argv)) {
    console.log(HELP);
    return;
  }
  if (!['list', 'show', 'set'].includes(action)) throw new UsageError(`unknown action ${JSON.stringify(action)}; try longrun accounts --help`);
  const flags = parseFlags(rest, ACCOUNTS_FLAGS);
  const runtime = await openRuntime(storeConfigFrom(flags));
  try {
    if (action === 'show' || action === 'set') return await schedulingCommand(runtime, action, flags);
    const views = (await allPages((page) => listAccounts(runtime.deps, page))).map(accountView);
    if (flags.json) return console.log(JSON.stringify(views, null, 2));
    for (const a of views) {
      const credits = a.credits.balance === null ? 'unlimited' : `${a.credits.balance} credits`;
      console.log(`${a.id}  ${credits.padEnd(16)} ${a.createdAt}  ${a.name}`);
    }
    console.log(views.length === 1 ? '1 account' : `${views.length} accounts`);
  } finally {
    await runtime.close();
  }
}
