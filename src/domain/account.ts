/** Account is a tenant: it owns jobs, API keys and a credit balance. */
export interface Account {
  id: string;
  name: string;
  /** creditBalance is what is left to spend; null means unlimited. */
  creditBalance: number | null;
  /** webhookSecret signs the account's webhooks (`whsec_…`). */
  webhookSecret: string;
  createdAt: Date;
}

/** ApiKey is a stored API key: only the SHA-256 hash of its secret is kept. */
export interface ApiKey {
  id: string;
  accountId: string;
  /** secretHash is the hex SHA-256 of the whole secret. */
  secretHash: string;
  /** last4 is the secret's last four characters, for the masked form. */
  last4: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** LedgerKind says why credits moved: a charge for a job, its refund, or an admin grant. */
export type LedgerKind = 'charge' | 'refund' | 'grant';

/** LedgerEntry is one movement of credits; (jobId, kind) is unique, so a job is refunded once. */
export interface LedgerEntry {
  id: string;
  accountId: string;
  jobId: string | null;
  kind: LedgerKind;
  /** amount is signed: a charge is negative, a refund or a grant positive. */
  amount: number;
  createdAt: Date;
}
