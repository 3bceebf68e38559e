import { InvalidRequestError } from '../domain/index.js';
import type { Runtime } from '../runtime/index.js';
import { getAccountScheduling, setAccountScheduling } from '../service/index.js';
import type { AccountScheduling, SchedulingChange } from '../store/index.js';
import { resolveAccount } from './keys.js';
import { type Flags, type ParsedFlags, UsageError } from './options.js';

/** SCHEDULING_FLAGS are the flags of `longrun accounts show|set`: which account, and what to change. */
export const SCHEDULING_FLAGS: Flags = {
  account: { kind: 'string', description: 'The account: its name or its acct_… id' },
  weight: { kind: 'string', description: 'set: its share of turns within a priority level (default 1; 2 gets twice the turns)' },
  'max-concurrency': { kind: 'string', description: 'set: at most this many of its jobs run at once; "none" removes the cap' },
  'type-caps': { kind: 'string', description: 'set: caps per job type, TYPE=N or TYPE=none, comma-separated (url/pdf=2,html/pdf=none)' },
};

/**
 * schedulingCommand is `longrun accounts show|set --account REF …`: the account's weight and
 * concurrency caps, shown or changed through the same use case as POST /v1/admin/accounts/:id.
 */
export async function schedulingCommand(runtime: Runtime, action: 'show' | 'set', flags: ParsedFlags): Promise<void> {
  if (!flags.account) throw new UsageError(`longrun accounts ${action} needs --account NAME (or an acct_… id)`);
  const { account } = await resolveAccount(runtime, String(flags.account), { create: false, credits: null, missingHint: 'longrun accounts list shows them' });
  let scheduling: AccountScheduling;
  if (action === 'show') {
    scheduling = await getAccountScheduling(runtime.deps, account.id);
  } else {
    const change = changeFrom(flags);
    try {
      scheduling = await setAccountScheduling(runtime.deps, { accountId: account.id, change });
    } catch (error) {
      // The service names the field as the API does (/maxConcurrency); shown as a usage error (exit 2).
      if (error instanceof InvalidRequestError) throw new UsageError(error.message);
      throw error;
    }
  }
  if (flags.json) return console.log(JSON.stringify(scheduling, null, 2));
  const caps = Object.entries(scheduling.maxConcurrencyByType).map(([type, cap]) => `${type}=${cap}`);
  console.log(`${account.id}  ${account.name}`);
  console.log(`  weight           ${scheduling.weight}`);
  console.log(`  max concurrency  ${scheduling.maxConcurrency ?? 'unlimited'}${scheduling.running === null ? '' : ` (${scheduling.running} running)`}`);
  console.log(`  type caps        ${caps.length ? caps.join(', ') : 'none'}`);
}

/** changeFrom reads what `set` changes from its flags; at least one is needed. */
function changeFrom(flags: ParsedFlags): SchedulingChange {
  const change: SchedulingChange = {};
  if (flags.weight !== undefined) change.weight = number('--weight', String(flags.weight));
  if (flags['max-concurrency'] !== undefined) change.maxConcurrency = cap('--max-concurrency', String(flags['max-concurrency']));
  if (flags['type-caps'] !== undefined) {
    change.maxConcurrencyByType = {};
    for (const entry of String(flags['type-caps']).split(',').map((e) => e.trim()).filter((e) => e !== '')) {
      const [type, value] = entry.split('=');
      if (!type || value === undefined) throw new UsageError(`--type-caps takes TYPE=N or TYPE=none, not ${JSON.stringify(entry)}`);
      change.maxConcurrencyByType[type] = cap(`--type-caps ${type}`, value);
    }
  }
  if (Object.keys(change).length === 0) throw new UsageError('longrun accounts set needs --weight, --max-concurrency or --type-caps');
  return change;
}

function number(flag: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag} must be a number, not ${JSON.stringify(text)}`);
  return n;
}

function cap(flag: string, text: string): number | null {
  if (text === 'none') return null;
  const n = number(flag, text);
  if (!Number.isSafeInteger(n)) throw new UsageError(`${flag} must be a whole number or "none", not ${JSON.stringify(text)}`);
  return n;
}
