import { randomBytes, timingSafeEqual } from 'node:crypto';
import { ForbiddenError, InvalidRequestError, NotFoundError, type RemoteWorker, UnauthorizedError, type WorkerKey, WORKER_KEY_TYPE, newId } from '../domain/index.js';
import { sha256Hex } from './apiKeys.js';
import { decodeIdCursor, encodeIdCursor } from './cursor.js';
import type { ServiceDeps } from './deps.js';

/**
 * Worker keys let a remote worker use the worker protocol (/v1/worker/*) and nothing else. A key
 * lists the job types it may claim, for every account; that is why an account key can never claim
 * (a claim reveals another tenant's input) and a worker key can read no account's routes.
 *
 * Secrets look like `lrw_<key ulid>_<43 base64url chars>`, stored as SHA-256 like API keys.
 */
const SECRET_PATTERN = /^lrw_([0-9A-HJKMNP-TV-Z]{26})_([A-Za-z0-9_-]{43})$/;
const TYPE_NAME = new RegExp(WORKER_KEY_TYPE);

/** WorkerPrincipal is the worker key a request presented. */
export interface WorkerPrincipal {
  keyId: string;
  name: string;
  types: readonly string[];
}

/** NewWorkerKey is a new worker key as its creator sees it once: the secret is in `key`. */
export interface NewWorkerKey {
  id: string;
  key: string;
  name: string;
  types: string[];
  createdAt: Date;
}

/** looksLikeWorkerKey tells whether a presented secret has the form of a worker key (`lrw_…`). */
export function looksLikeWorkerKey(secret: string | undefined): boolean {
  return secret !== undefined && secret.startsWith('lrw_');
}

/**
 * createWorkerKey issues a worker key for `types` (exact job type names, 1–100 of them). Types
 * need not be declared yet: an operator may issue the key before declaring the type.
 */
export async function createWorkerKey(deps: ServiceDeps, p: { name: string; types: readonly string[] }): Promise<NewWorkerKey> {
  const name = p.name.trim();
  if (name === '' || name.length > 200) throw InvalidRequestError.field('/name', 'must be 1–200 characters');
  if (p.types.length === 0 || p.types.length > 100) throw InvalidRequestError.field('/types', 'must list 1–100 job types');
  p.types.forEach((type, i) => {
    if (!TYPE_NAME.test(type) || type.length > 100) throw InvalidRequestError.field(`/types/${i}`, 'must be a job type name (lowercase words joined by "/")');
  });
  const now = deps.clock.now();
  const id = newId('wkey', now.getTime());
  const secret = `lrw_${id.slice(5)}_${randomBytes(32).toString('base64url')}`;
  const types = [...new Set(p.types)];
  const key: WorkerKey = { id, name, types, secretHash: sha256Hex(secret), last4: secret.slice(-4), createdAt: now, revokedAt: null };
  await deps.store.workerKeyInsert({ key });
  return { id, key: secret, name, types, createdAt: now };
}

/** listWorkerKeys returns one page of worker keys (never their secrets), revoked ones too, oldest first. */
export async function listWorkerKeys(deps: ServiceDeps, p: { limit: number; cursor?: string }): Promise<{ data: WorkerKey[]; nextCursor: string | null }> {
  const afterId = p.cursor === undefined ? null : decodeIdCursor(p.cursor, 'after', 'wkey');
  const rows = await deps.store.workerKeyList({ afterId, limit: p.limit + 1 });
  const data = rows.slice(0, p.limit);
  return { data, nextCursor: rows.length > p.limit ? encodeIdCursor('after', data[data.length - 1]!.id) : null };
}

/** revokeWorkerKey revokes a worker key at once (its next request is refused); NotFoundError when there is no such live key. */
export async function revokeWorkerKey(deps: ServiceDeps, keyId: string): Promise<void> {
  const revoked = await deps.store.workerKeyRevoke({ id: keyId, now: deps.clock.now() });
  if (!revoked) throw new NotFoundError(`Worker key ${keyId} not found`);
}

/** findWorkerKey returns the live worker key whose secret this is, or null (compared in constant time). */
export async function findWorkerKey(deps: ServiceDeps, secret: string | undefined): Promise<WorkerKey | null> {
  const match = secret ? SECRET_PATTERN.exec(secret) : null;
  if (!secret || !match) return null;
  const key = await deps.store.workerKeyGet({ id: `wkey_${match[1]}` });
  const presented = Buffer.from(sha256Hex(secret), 'hex');
  // Compare even when the key is unknown, so the answer takes the same time either way.
  const stored = Buffer.from(key?.secretHash ?? '0'.repeat(64), 'hex');
  const equal = timingSafeEqual(presented, stored);
  return key && equal && key.revokedAt === null ? key : null;
}

/** authenticateWorker turns a presented worker key into the principal, or throws UnauthorizedError. */
export async function authenticateWorker(deps: ServiceDeps, secret: string | undefined): Promise<WorkerPrincipal> {
  if (!secret) throw new UnauthorizedError('The worker API needs a worker key (lrw_…): send it as X-API-Key or Authorization: Bearer.');
  const key = await findWorkerKey(deps, secret);
  if (!key) throw new UnauthorizedError('The worker key is not valid');
  return { keyId: key.id, name: key.name, types: key.types };
}

/** refuseWorkerKey is for routes a worker key may not use: a live worker key gets 403, anything else passes on. */
export async function refuseWorkerKey(deps: ServiceDeps, secret: string | undefined): Promise<void> {
  if (looksLikeWorkerKey(secret) && (await findWorkerKey(deps, secret))) {
    throw new ForbiddenError('A worker key may only use the worker API (/v1/worker/*)');
  }
}

/** listWorkers returns the remote workers seen in the last `seenWithinSeconds`, most recent contact first. */
export function listWorkers(deps: ServiceDeps, p: { seenWithinSeconds: number; limit: number }): Promise<RemoteWorker[]> {
  const seenSince = new Date(deps.clock.now().getTime() - p.seenWithinSeconds * 1000);
  return deps.store.workerList({ seenSince, limit: p.limit });
}
