import {
  type Account,
  type ApiKey,
  type LedgerKind,
  accountNotFound,
  checkBalanceFloor,
  liveWebhookSecrets,
  newId,
} from '../../domain/index.js';
import type { WebhookSecrets } from '../types.js';
import type { SqliteContext } from './context.js';
import { SQL } from './queries.js';
import { type AccountRow, accountFromRow } from './rows.js';

/**
 * The account, key and ledger statements of the SQLite driver. Writes run inside the WriteQueue's
 * transaction (see SqliteStore); the rules they apply come from the domain.
 */

/** insertAccount adds the account; a non-null starting balance is recorded as a grant. */
export function insertAccount(c: SqliteContext, a: Account): Account {
  c.stmt(SQL.accountInsert).run(a.id, a.name, a.creditBalance, a.webhookSecret, a.createdAt.getTime());
  if (a.creditBalance !== null) ledgerAdd(c, a.id, null, 'grant', a.creditBalance, a.createdAt);
  return a;
}

/** adjustCredits adds `amount` as a grant, within the balance floor (see domain/credits.ts). */
export function adjustCredits(c: SqliteContext, p: { accountId: string; amount: number; now: Date }): Account {
  const row = c.stmt(SQL.accountGet).get(p.accountId) as AccountRow | undefined;
  if (!row) throw accountNotFound(p.accountId);
  checkBalanceFloor(row.credit_balance, p.amount);
  c.stmt(SQL.accountAddBalance).run(p.amount, p.accountId);
  ledgerAdd(c, p.accountId, null, 'grant', p.amount, p.now);
  return accountFromRow(c.stmt(SQL.accountGet).get(p.accountId) as AccountRow);
}

/** rotateWebhookSecret makes `secret` current and keeps the replaced one until `previousExpiresAt`. */
export function rotateWebhookSecret(c: SqliteContext, p: { accountId: string; secret: string; previousExpiresAt: Date }): Account {
  const row = c.stmt(SQL.accountRotateWebhookSecret).get({ id: p.accountId, secret: p.secret, expires: p.previousExpiresAt.getTime() }) as
    | AccountRow
    | undefined;
  if (!row) throw accountNotFound(p.accountId);
  return accountFromRow(row);
}

/** webhookSecrets reads the account's secrets and keeps those that sign at `now` (see domain/webhookSecrets.ts). */
export function webhookSecrets(c: SqliteContext, p: { accountId: string; now: Date }): WebhookSecrets {
  const row = c.stmt(SQL.accountWebhookSecrets).get(p.accountId) as
    | { webhook_secret: string; previous_webhook_secret: string | null; previous_webhook_secret_expires_at: number | null }
    | undefined;
  if (!row) return [];
  const expires = row.previous_webhook_secret_expires_at;
  return liveWebhookSecrets(
    { current: row.webhook_secret, previous: row.previous_webhook_secret, previousExpiresAt: expires === null ? null : new Date(expires) },
    p.now,
  );
}

/** insertApiKey stores the key (only the hash of its secret). */
export function insertApiKey(c: SqliteContext, k: ApiKey): ApiKey {
  c.stmt(SQL.apiKeyInsert).run(k.id, k.accountId, k.secretHash, k.last4, k.createdAt.getTime());
  return k;
}

/** ledgerAdd records a credit movement; returns 0 when the (job, kind) entry already exists. */
export function ledgerAdd(c: SqliteContext, accountId: string, jobId: string | null, kind: LedgerKind, amount: number, at: Date): number {
  return c.stmt(SQL.ledgerInsert).run(newId('led', at.getTime()), accountId, jobId, kind, amount, at.getTime()).changes;
}
