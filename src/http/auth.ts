import type { FastifyReply, FastifyRequest } from 'fastify';
import { ForbiddenError, InvalidRequestError, RateLimitedError, UnauthorizedError, isId } from '../domain/index.js';
import { type Principal, type ServiceDeps, type WorkerPrincipal, authenticate, authenticateWorker, looksLikeWorkerKey, refuseWorkerKey, secretsEqual } from '../service/index.js';
import type { RateLimiter } from './rateLimit.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** principal is who is calling; set by `requireAccount`. */
    principal: Principal;
    /** worker is the worker key calling the worker protocol; set by `requireWorker`. */
    worker: WorkerPrincipal;
  }
}

/** presentedSecret reads the key from `X-API-Key` or `Authorization: Bearer`. */
export function presentedSecret(request: FastifyRequest): string | undefined {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header.trim();
  const authorization = request.headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1];
  }
  return undefined;
}

/** ACT_AS_HEADER names the account the admin key acts for on account routes (the dashboard's account switch). */
export const ACT_AS_HEADER = 'longrun-account';

/**
 * requireAccount is the onRequest hook of account routes: it sets `request.principal` or answers
 * 401, then spends one request of the key's rate budget (429 when spent, before any work is
 * done, so a refused request is never charged). RateLimit-* headers go on every answer. The admin
 * key (`adminKey`) acts for the account its `Longrun-Account` header names, with no API key of
 * that account (`apiKeyId` null); an account key's header is ignored, so it never reaches another
 * account. `secretOf` finds the key elsewhere for a dialect that sends it so (cleariflow's is in
 * the body).
 */
export function requireAccount(
  deps: ServiceDeps,
  limiter: RateLimiter | null,
  options: { adminKey?: string | null; secretOf?: (request: FastifyRequest) => string | undefined } = {},
) {
  const adminKey = options.adminKey ?? null;
  const secretOf = options.secretOf ?? presentedSecret;
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const secret = secretOf(request);
    // A worker key may claim any account's jobs of its types, so it reads no account's routes.
    if (looksLikeWorkerKey(secret)) await refuseWorkerKey(deps, secret);
    const actAs = adminKey !== null && secret !== undefined && secretsEqual(secret, adminKey) ? request.headers[ACT_AS_HEADER] : undefined;
    request.principal = typeof actAs === 'string' ? await actingAdmin(deps, actAs) : await authenticate(deps, secret);
    if (!limiter) return;
    const decision = await limiter.take(request.principal.apiKeyId ?? request.principal.accountId);
    reply.headers({
      'ratelimit-limit': decision.limit,
      'ratelimit-remaining': decision.remaining,
      'ratelimit-reset': decision.resetSeconds,
    });
    if (!decision.allowed) throw new RateLimitedError(decision.retryAfterSeconds);
  };
}

/** actingAdmin is the principal of the admin key acting for `accountId`, which must exist. */
async function actingAdmin(deps: ServiceDeps, accountId: string): Promise<Principal> {
  const account = isId('acct', accountId) ? await deps.store.accountGet({ id: accountId }) : null;
  if (!account) throw InvalidRequestError.field(ACT_AS_HEADER, 'names no account', 'header');
  return { accountId: account.id, apiKeyId: null, apiKeyUsed: 'admin' };
}

/**
 * requireAdmin is the preHandler of admin routes: the secret must equal LONGRUN_ADMIN_KEY. An
 * account key gets 403; no key or an unknown one, 401; with no admin key configured, 403.
 */
export function requireAdmin(deps: ServiceDeps, adminKey: string | null) {
  return async (request: FastifyRequest) => {
    const secret = presentedSecret(request);
    if (!secret) throw new UnauthorizedError('The admin API needs the admin key (LONGRUN_ADMIN_KEY)');
    if (adminKey !== null && secretsEqual(secret, adminKey)) return;
    await refuseWorkerKey(deps, secret);
    const isAccountKey = await authenticate(deps, secret).then(
      () => true,
      () => false,
    );
    if (isAccountKey || adminKey === null) {
      throw new ForbiddenError(adminKey === null ? 'The admin API is off: set LONGRUN_ADMIN_KEY to use it' : 'This route needs the admin key');
    }
    throw new UnauthorizedError('The admin key is not valid');
  };
}

/**
 * requireWorker is the onRequest hook of the worker protocol (/v1/worker/*): the secret must be a
 * live worker key (`lrw_…`), which sets `request.worker`. An account key or the admin key gets 403
 * (a claim would reveal other tenants' input); no key or an unknown one, 401. Worker keys are
 * issued by the operator and are not rate limited (a fleet heartbeats often).
 */
export function requireWorker(deps: ServiceDeps, adminKey: string | null) {
  return async (request: FastifyRequest) => {
    const secret = presentedSecret(request);
    if (secret && !looksLikeWorkerKey(secret)) {
      const isOtherKey = (adminKey !== null && secretsEqual(secret, adminKey)) || (await authenticate(deps, secret).then(() => true, () => false));
      if (isOtherKey) throw new ForbiddenError('The worker API needs a worker key (lrw_…); account and admin keys cannot use it');
    }
    request.worker = await authenticateWorker(deps, secret);
  };
}
