import type { Account } from '../domain/index.js';

/** jobView lives in the domain: the store snapshots it into webhook payloads as well. */
export { jobView } from '../domain/index.js';

/** accountView is an account as the API shows it (`GET /v1/account`, the admin routes). */
export function accountView(account: Account) {
  return {
    id: account.id,
    name: account.name,
    credits: { balance: account.creditBalance },
    webhookSecret: account.webhookSecret,
    createdAt: account.createdAt.toISOString(),
  };
}
