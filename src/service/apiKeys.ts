import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { type ApiKey, UnauthorizedError, newId } from '../domain/index.js';
import type { Principal, ServiceDeps } from './deps.js';

/**
 * API key secrets look like `lr_<key ulid>_<43 base64url chars>`: a recognisable prefix, the key's
 * id (the lookup prefix) and 256 random bits. Only the SHA-256 of the whole secret is stored.
 */
const SECRET_PATTERN = /^lr_([0-9A-HJKMNP-TV-Z]{26})_([A-Za-z0-9_-]{43})$/;

/** sha256Hex hashes a secret for storage and comparison. */
export function sha256Hex(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** maskKey is the form of a key that may be shown and logged: `key_…a1b2`. */
export function maskKey(last4: string): string {
  return `key_…${last4}`;
}

/** newApiKey makes a key for the account; the secret is returned once and never stored. */
export function newApiKey(accountId: string, now: Date): { key: ApiKey; secret: string } {
  const id = newId('key', now.getTime());
  const secret = `lr_${id.slice(4)}_${randomBytes(32).toString('base64url')}`;
  return {
    key: { id, accountId, secretHash: sha256Hex(secret), last4: secret.slice(-4), createdAt: now, revokedAt: null },
    secret,
  };
}

/** secretsEqual compares two secrets in constant time (through their hashes, so lengths may differ). */
export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** authenticate turns a presented secret into the principal, or throws UnauthorizedError. */
export async function authenticate(deps: ServiceDeps, secret: string | undefined): Promise<Principal> {
  if (!secret) throw new UnauthorizedError();
  const match = SECRET_PATTERN.exec(secret);
  if (!match) throw new UnauthorizedError('The API key is not valid');
  const id = `key_${match[1]}`;
  const read = () => deps.store.apiKeyGet({ id });
  const key = deps.apiKeys ? await deps.apiKeys.get(id, read) : await read();
  const presented = Buffer.from(sha256Hex(secret), 'hex');
  // Compare even when the key is unknown, so the answer takes the same time either way.
  const stored = Buffer.from(key?.secretHash ?? '0'.repeat(64), 'hex');
  const equal = timingSafeEqual(presented, stored);
  if (!key || !equal || key.revokedAt !== null) throw new UnauthorizedError('The API key is not valid');
  return { accountId: key.accountId, apiKeyId: key.id, apiKeyUsed: maskKey(key.last4) };
}

/** apiKeyIsLive tells whether the key `keyId` still exists and is not revoked (a stream re-checks its key with it). */
export async function apiKeyIsLive(deps: ServiceDeps, keyId: string): Promise<boolean> {
  const key = await deps.store.apiKeyGet({ id: keyId });
  return key !== null && key.revokedAt === null;
}
