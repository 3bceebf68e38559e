import { randomBytes } from 'node:crypto';
import { type Account, InvalidRequestError, NotFoundError, newId } from '../domain/index.js';
import { newApiKey } from './apiKeys.js';
import type { ServiceDeps } from './deps.js';

/** createAccount adds an account (credits null: unlimited) with a first API key, shown once. */
export async function createAccount(
  deps: ServiceDeps,
  p: { name: string; credits: number | null },
): Promise<{ account: Account; apiKey: { id: string; key: string; last4: string } }> {
  const now = deps.clock.now();
  const account: Account = {
    id: newId('acct', now.getTime()),
    name: p.name,
    creditBalance: p.credits,
    webhookSecret: newWebhookSecret(),
    createdAt: now,
  };
  await deps.store.accountInsert({ account });
  const apiKey = await createApiKey(deps, account.id);
  return { account, apiKey };
}

/** newWebhookSecret makes a webhook signing secret: `whsec_` and the base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** getAccount returns the account, or throws NotFoundError. */
export async function getAccount(deps: ServiceDeps, accountId: string): Promise<Account> {
  const account = await deps.store.accountGet({ id: accountId });
  if (!account) throw new NotFoundError(`Account ${accountId} not found`);
  return account;
}

/** createApiKey issues a new key for an existing account; the secret is in the answer only. */
export async function createApiKey(deps: ServiceDeps, accountId: string): Promise<{ id: string; key: string; last4: string }> {
  await getAccount(deps, accountId);
  const { key, secret } = newApiKey(accountId, deps.clock.now());
  await deps.store.apiKeyInsert({ key });
  return { id: key.id, key: secret, last4: key.last4 };
}

/** revokeApiKey revokes a key at once; NotFoundError when there is no such live key. */
export async function revokeApiKey(deps: ServiceDeps, keyId: string): Promise<void> {
  const revoked = await deps.store.apiKeyRevoke({ id: keyId, now: deps.clock.now() });
  if (!revoked) throw new NotFoundError(`API key ${keyId} not found`);
  deps.bus.keyRevoked(keyId);
}

/** adjustCredits adds (or, negative, removes) credits and returns the account. */
export async function adjustCredits(deps: ServiceDeps, p: { accountId: string; amount: number }): Promise<Account> {
  if (!Number.isSafeInteger(p.amount) || p.amount === 0) throw InvalidRequestError.field('/amount', 'must be a non-zero whole number');
  return deps.store.accountAdjustCredits({ accountId: p.accountId, amount: p.amount, now: deps.clock.now() });
}

/**
 * ensureDefaultAccount makes the first-start account `default` (unlimited credits) when the store
 * has no account and no admin key is configured, and returns its key; otherwise null.
 */
export async function ensureDefaultAccount(
  deps: ServiceDeps,
  p: { adminKeyConfigured: boolean },
): Promise<{ account: Account; apiKey: { id: string; key: string; last4: string } } | null> {
  if (p.adminKeyConfigured || (await deps.store.accountCount()) > 0) return null;
  return createAccount(deps, { name: 'default', credits: null });
}
