import { type Account, accountNotFound, checkBalanceFloor, liveWebhookSecrets, newId } from '../../domain/index.js';
import type { WebhookSecrets } from '../types.js';
import type { Db, Tx } from './db.js';
import { ledgerApply } from './jobWrites.js';
import { SQL } from './queries.js';
import { type AccountRow, accountFromRow } from './rows.js';

/**
 * The account statements of the PostgreSQL driver that do more than one read: each write is the
 * body of one transaction (see PostgresStore); the rules they apply come from the domain.
 */

/** insertAccount adds the account; a non-null starting balance is recorded as a grant. */
export async function insertAccount(tx: Tx, a: Account): Promise<Account> {
  await tx.run(SQL.accountInsert, [a.id, a.name, a.creditBalance, a.webhookSecret, a.createdAt]);
  if (a.creditBalance !== null) await tx.run(SQL.ledgerInsert, [newId('led', a.createdAt.getTime()), a.id, null, 'grant', a.creditBalance, a.createdAt]);
  return a;
}

/** adjustCredits adds `amount` as a grant under the account's row lock, within the balance floor (domain/credits.ts). */
export async function adjustCredits(tx: Tx, p: { accountId: string; amount: number; now: Date }): Promise<Account> {
  const row = await tx.one<AccountRow>(SQL.accountLock, [p.accountId]);
  if (!row) throw accountNotFound(p.accountId);
  checkBalanceFloor(row.credit_balance, p.amount);
  await ledgerApply(tx, p.accountId, null, 'grant', p.amount, p.now);
  return accountFromRow((await tx.one<AccountRow>(SQL.accountGet, [p.accountId]))!);
}

/** rotateWebhookSecret makes `secret` current and keeps the replaced one until `previousExpiresAt`. */
export async function rotateWebhookSecret(tx: Tx, p: { accountId: string; secret: string; previousExpiresAt: Date }): Promise<Account> {
  const row = await tx.one<AccountRow>(SQL.accountRotateWebhookSecret, [p.accountId, p.secret, p.previousExpiresAt]);
  if (!row) throw accountNotFound(p.accountId);
  return accountFromRow(row);
}

/** webhookSecrets reads the account's secrets and keeps those that sign at `now` (domain/webhookSecrets.ts). */
export async function webhookSecrets(db: Db, p: { accountId: string; now: Date }): Promise<WebhookSecrets> {
  const row = await db.one<{ webhook_secret: string; previous_webhook_secret: string | null; previous_webhook_secret_expires_at: Date | null }>(
    SQL.accountWebhookSecrets,
    [p.accountId],
  );
  if (!row) return [];
  const stored = { current: row.webhook_secret, previous: row.previous_webhook_secret, previousExpiresAt: row.previous_webhook_secret_expires_at };
  return liveWebhookSecrets(stored, p.now);
}
