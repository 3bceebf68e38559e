import { createHash } from 'node:crypto';
import {
  type Job,
  type JsonObject,
  type WebhookEvent,
  InvalidRequestError,
  MAX_METADATA_BYTES,
  MAX_STORED_DEPTH,
  jsonBytes,
  jsonValueTooDeep,
  isId,
  newId,
} from '../domain/index.js';
import { UnsafeTargetError, checkUrl, timedLookup } from '../egress/index.js';
import type { InputCheckContext } from '../jobtypes/index.js';
import type { RegisteredJobType } from '../jobtypes/index.js';
import type { JobInsertParams } from '../store/index.js';
import type { Principal, ServiceDeps } from './deps.js';
import { checkAfter } from './jobDependencies.js';
import { resolveJobType } from './jobTypes.js';
import { startDeadline } from './startDeadline.js';

/** CreateJobRequest is what a client asks for when it creates a job. */
export interface CreateJobRequest {
  type: string;
  input?: JsonObject;
  priority?: number;
  webhookUrl?: string | null;
  webhookEvents?: WebhookEvent[];
  metadata?: JsonObject;
  /** runAt is an ISO 8601 time before which the job is not started. */
  runAt?: string;
  /** startBy is an RFC 3339 time after which the job is never started (it fails as `expired`); not with startWithinMs. */
  startBy?: string;
  /** startWithinMs is startBy as a window after runAt (1 ms to MAX_START_WITHIN_MS); not with startBy. */
  startWithinMs?: number;
  /** after lists up to MAX_AFTER of the account's jobs that must complete before this one starts (see domain/dependencies.ts). */
  after?: string[];
  maxAttempts?: number;
  timeoutMs?: number;
}

/** DEFAULT_WEBHOOK_EVENTS are the events a webhook gets unless the job asks for others. */
export const DEFAULT_WEBHOOK_EVENTS: WebhookEvent[] = ['job.completed', 'job.failed', 'job.cancelled'];

/**
 * CreateJobOptions are what the server, not the client's body, decides about a new job.
 * `webhookFormat` is the payload shape of its webhooks (a dialect's name; see Job.webhookFormat).
 */
export interface CreateJobOptions {
  idempotencyKey?: string;
  originalJobId?: string;
  webhookFormat?: string | null;
}

/**
 * createJob validates the request against the job type, charges the account and stores the job,
 * durably, in one transaction. With an idempotency key seen before, it returns the first job
 * (`replayed`). Then it tells idle workers.
 */
export async function createJob(
  deps: ServiceDeps,
  principal: Principal,
  request: CreateJobRequest,
  options: CreateJobOptions = {},
): Promise<{ job: Job; replayed: boolean }> {
  const job = await prepareJob(deps, principal, request, options);
  const idempotency = options.idempotencyKey ? idempotencyRecord(deps, options.idempotencyKey, requestHash(request), job.createdAt) : null;
  const result = await deps.store.jobInsert({ job, idempotency });
  if (!result.replayed) deps.bus.publish({ kind: 'created', job: result.job });
  return result;
}

/** idempotencyRecord is how the store records an Idempotency-Key: the request's hash, and when the key frees. */
export function idempotencyRecord(deps: ServiceDeps, key: string, hash: string, now: Date): JobInsertParams['idempotency'] {
  return { key, requestHash: hash, expiresAt: new Date(now.getTime() + deps.config.idempotencyTtlMs) };
}

/**
 * PreparedLookups remembers, across the requests of one batch, the job types resolved, the
 * webhook URLs the guard let through and the jobs `after` names, so a thousand jobs of one type
 * and URL, after one job, cost one store read each and one DNS lookup, not a thousand.
 */
export interface PreparedLookups {
  jobTypes: Map<string, Promise<RegisteredJobType>>;
  webhookUrls: Map<string, Promise<void>>;
  /** jobs are the account's jobs read by id (a batch is one account's). */
  jobs: Map<string, Promise<Job | null>>;
}

/** newPreparedLookups is an empty PreparedLookups, for one batch. */
export function newPreparedLookups(): PreparedLookups {
  return { jobTypes: new Map(), webhookUrls: new Map(), jobs: new Map() };
}

/** remembered runs `look` once per key of `map` (a failed look is remembered too: it fails alike). */
function remembered<T>(map: Map<string, Promise<T>> | undefined, key: string, look: () => Promise<T>): Promise<T> {
  if (!map) return look();
  let answer = map.get(key);
  if (!answer) map.set(key, (answer = look()));
  return answer;
}

/**
 * prepareJob checks a create request against its job type (input schema, the type's own checks,
 * stored-value bounds, the webhook URL through the URL guard) and builds the pending job it would
 * store, charged at the type's cost. Nothing is written. `lookups` shares the type and webhook
 * URL checks among the requests of a batch.
 */
export async function prepareJob(
  deps: ServiceDeps,
  principal: Principal,
  request: CreateJobRequest,
  options: Omit<CreateJobOptions, 'idempotencyKey'> & { lookups?: PreparedLookups } = {},
): Promise<Job> {
  // A declared type is read from the store here, so one declared through another node counts at once.
  const jobType = await remembered(options.lookups?.jobTypes, request.type, () => resolveJobType(deps, request.type));
  const input = request.input ?? {};
  checkStoredValues(input, request.metadata);
  const checked = deps.registry.prepareInput(jobType, input);
  if (!checked.ok) throw new InvalidRequestError(`The input does not match the ${request.type} schema`, checked.errors);
  const problems = (await jobType.checkInput?.(checked.input, inputCheckContext(deps, principal))) ?? [];
  if (problems.length > 0) throw new InvalidRequestError(`The input is not acceptable for ${request.type}`, problems);

  const now = deps.clock.now();
  let runAt = now;
  if (request.runAt !== undefined) {
    runAt = new Date(request.runAt);
    if (Number.isNaN(runAt.getTime())) throw InvalidRequestError.field('/runAt', 'must be an ISO 8601 date-time');
    if (runAt < now) runAt = now;
  }
  const startBy = startDeadline(request, { now, runAt });
  const findJob = (id: string) => remembered(options.lookups?.jobs, id, () => deps.store.jobGet({ id, accountId: principal.accountId }));
  const after = request.after === undefined ? null : await checkAfter(request.after, findJob);
  const webhookUrl = request.webhookUrl;
  if (webhookUrl) await remembered(options.lookups?.webhookUrls, webhookUrl, () => assertWebhookUrl(deps, webhookUrl));

  const { publicInput, privateInput } = splitInput(input, jobType.privateFields ?? []);
  return {
    id: newId('job', now.getTime()),
    type: request.type,
    status: 'pending',
    progress: 0,
    statusMessage: null,
    priority: request.priority ?? 0,
    input: publicInput,
    privateInput,
    output: null,
    error: null,
    attempts: 0,
    maxAttempts: request.maxAttempts ?? jobType.maxAttempts,
    timeoutMs: request.timeoutMs ?? jobType.timeoutMs,
    accountId: principal.accountId,
    apiKeyId: principal.apiKeyId,
    apiKeyUsed: principal.apiKeyUsed,
    worker: null,
    size: 0,
    processTime: 0,
    creditsCharged: jobType.creditCost,
    creditsRefunded: 0,
    originalJobId: options.originalJobId ?? null,
    webhookUrl: request.webhookUrl ?? null,
    webhookEvents: request.webhookEvents ?? DEFAULT_WEBHOOK_EVENTS,
    webhookFormat: options.webhookFormat ?? null,
    metadata: request.metadata ?? {},
    runAt,
    startBy,
    after,
    hasDependents: false,
    createdAt: now,
    startedAt: null,
    completedAt: null,
    failedAt: null,
    cancelledAt: null,
    updatedAt: now,
    leaseToken: null,
    leaseExpiresAt: null,
    eventSeq: 1,
  };
}

/** inputCheckContext is what a type's checkInput may consult: the URL guard's setting and the account's jobs. */
function inputCheckContext(deps: ServiceDeps, principal: Principal): InputCheckContext {
  return {
    allowPrivateTargets: deps.config.allowPrivateTargets,
    findJob: async (id) => (isId('job', id) ? deps.store.jobGet({ id, accountId: principal.accountId }) : null),
  };
}

/**
 * checkStoredValues refuses input and metadata that every later read could not serve: nested past
 * MAX_STORED_DEPTH (whoever built the request; HTTP bodies are bounded at parse time already),
 * or metadata over MAX_METADATA_BYTES. It runs before anything else looks into them.
 */
function checkStoredValues(input: JsonObject, metadata: JsonObject | undefined): void {
  const tooDeep = `nests objects and arrays deeper than ${MAX_STORED_DEPTH} levels`;
  if (jsonValueTooDeep(input)) throw InvalidRequestError.field('/input', tooDeep);
  if (metadata === undefined) return;
  if (jsonValueTooDeep(metadata)) throw InvalidRequestError.field('/metadata', tooDeep);
  if (jsonBytes(metadata) > MAX_METADATA_BYTES) throw InvalidRequestError.field('/metadata', `must be at most ${MAX_METADATA_BYTES} bytes as JSON`);
}

/** splitInput keeps the type's private fields apart, so they are never echoed back. */
export function splitInput(input: JsonObject, privateFields: readonly string[]): { publicInput: JsonObject; privateInput: JsonObject | null } {
  const publicInput: JsonObject = {};
  const privateInput: JsonObject = {};
  for (const [name, value] of Object.entries(input)) {
    if (privateFields.includes(name)) privateInput[name] = value;
    else publicInput[name] = value;
  }
  return { publicInput, privateInput: Object.keys(privateInput).length > 0 ? privateInput : null };
}

/**
 * assertWebhookUrl runs the URL guard on a webhook target, so a URL no delivery could ever reach
 * (a private address, a host that does not resolve) is refused now, as `400` naming
 * `/webhookUrl`, rather than failing every attempt later. Each delivery checks it again.
 */
async function assertWebhookUrl(deps: ServiceDeps, url: string): Promise<void> {
  try {
    await checkUrl(url, { allowPrivate: deps.config.allowPrivateTargets, lookup: deps.lookup ?? defaultLookup });
  } catch (error) {
    if (error instanceof UnsafeTargetError) throw InvalidRequestError.field('/webhookUrl', error.message);
    throw error;
  }
}

const defaultLookup = timedLookup();

/** requestHash fingerprints a request (one create, or a batch) for idempotency: the same fields in any key order hash alike. */
export function requestHash(request: CreateJobRequest | { jobs: readonly CreateJobRequest[] }): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
