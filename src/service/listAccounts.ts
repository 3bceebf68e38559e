import type { Account, ApiKey } from '../domain/index.js';
import { getAccount } from './accounts.js';
import { decodeIdCursor, encodeIdCursor } from './cursor.js';
import type { ServiceDeps } from './deps.js';

/** AdminPage is one page of an operator's list, oldest first; `nextCursor` is null on the last. */
export interface AdminPage<T> {
  data: T[];
  nextCursor: string | null;
}

/** listAccounts returns one page of every account, oldest first (for operators: the admin API and the CLI). */
export async function listAccounts(deps: ServiceDeps, p: { limit: number; cursor?: string }): Promise<AdminPage<Account>> {
  const afterId = p.cursor === undefined ? null : decodeIdCursor(p.cursor, 'after', 'acct');
  return page(await deps.store.accountList({ afterId, limit: p.limit + 1 }), p.limit);
}

/**
 * listApiKeys returns one page of API keys (never their secrets), revoked ones too, oldest first:
 * one account's (NotFoundError when there is no such account), or every account's.
 */
export async function listApiKeys(deps: ServiceDeps, p: { accountId: string | null; limit: number; cursor?: string }): Promise<AdminPage<ApiKey>> {
  if (p.accountId !== null) await getAccount(deps, p.accountId);
  const afterId = p.cursor === undefined ? null : decodeIdCursor(p.cursor, 'after', 'key');
  return page(await deps.store.apiKeyList({ accountId: p.accountId, afterId, limit: p.limit + 1 }), p.limit);
}

// The store was asked for one more than the page holds: its presence says there is a next page.
function page<T extends { id: string }>(rows: T[], limit: number): AdminPage<T> {
  const data = rows.slice(0, limit);
  return { data, nextCursor: rows.length > limit ? encodeIdCursor('after', data[data.length - 1]!.id) : null };
}
