import { setTimeout as sleep } from 'node:timers/promises';
import { LeaseLostError, type LeaseLostReason } from '../../domain/index.js';

/**
 * The HTTP side of a remote worker: one request of the worker protocol (/v1/worker/*), with the
 * worker key, the attempt's lease as `Longrun-Lease`, and retries with backoff while the API is
 * briefly unreachable. Every call of the protocol is safe to repeat: a claim whose answer was lost
 * leaves its jobs to expire back, a repeated complete with the same lease answers 200, a repeated
 * fail or release answers 409 (which the worker treats as "the job moved on"), and an upload
 * replaces the file of the same name.
 */

/** RetryPolicy says how a request is retried while the API cannot be reached or answers 429/502/503/504. */
export interface RetryPolicy {
  /** baseMs is the first wait; each next one doubles, up to maxMs. */
  baseMs: number;
  maxMs: number;
  /** tries is how many times a request is sent at most. */
  tries: number;
}

/** DEFAULT_RETRY_POLICY waits 0.25 s, 0.5 s, 1 s … up to 5 s between tries, 12 tries (about 40 s: longer than a restart of an API node behind a proxy). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 250, maxMs: 5000, tries: 12 };

/** WorkerApiError is an answer of the worker API that is neither success nor a lost lease: its status and problem. */
export class WorkerApiError extends Error {
  override readonly name = 'WorkerApiError';
  constructor(
    readonly status: number,
    readonly code: string | null,
    message: string,
  ) {
    super(message);
  }
}

/** ProtocolClientOptions say where the API is and how to reach it. */
export interface ProtocolClientOptions {
  /** url is the API's base URL, e.g. `https://longrun.example.com`. */
  url: string;
  /** workerKey is the worker key (`lrw_…`), sent as `Authorization: Bearer`. */
  workerKey: string;
  retry?: RetryPolicy;
  /** onRetry is told of each failed try that will be tried again. */
  onRetry?: (error: unknown, what: string, delayMs: number) => void;
}

/** ProtocolRequest is one call: the path under the base URL, a JSON or byte body, the lease, a signal and a time limit. */
export interface ProtocolRequest {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  json?: unknown;
  bytes?: Uint8Array;
  lease?: { id: string; leaseToken: string };
  /** binary answers the body's bytes (a Buffer) instead of its JSON. */
  binary?: boolean;
  signal?: AbortSignal;
  /** timeoutMs bounds one try (a long-poll needs longer than its wait). */
  timeoutMs: number;
}

/** ProtocolClient sends protocol requests; `send` answers the parsed JSON body. */
export interface ProtocolClient {
  send<T>(request: ProtocolRequest): Promise<T>;
}

/** protocolClient makes a ProtocolClient for one API and worker key. */
export function protocolClient(options: ProtocolClientOptions): ProtocolClient {
  const base = options.url.replace(/\/+$/, '');
  const retry = options.retry ?? DEFAULT_RETRY_POLICY;
  return {
    async send<T>(request: ProtocolRequest): Promise<T> {
      const what = `${request.method} ${request.path}`;
      for (let tryNumber = 1; ; tryNumber++) {
        try {
          return (await sendOnce(base, options.workerKey, request)) as T;
        } catch (error) {
          if (!isTransient(error) || tryNumber >= retry.tries || request.signal?.aborted) throw error;
          const delayMs = Math.min(retry.maxMs, retry.baseMs * 2 ** (tryNumber - 1));
          options.onRetry?.(error, what, delayMs);
          try {
            await sleep(delayMs, undefined, { signal: request.signal });
          } catch {
            throw error; // stopped while waiting to retry: the last error stands
          }
        }
      }
    },
  };
}

/** TransientApiError is an answer worth trying again: the API is overloaded or restarting. */
class TransientApiError extends WorkerApiError {}

async function sendOnce(base: string, workerKey: string, request: ProtocolRequest): Promise<unknown> {
  const headers: Record<string, string> = { authorization: `Bearer ${workerKey}` };
  let body: string | Uint8Array | undefined;
  if (request.bytes !== undefined) {
    headers['content-type'] = 'application/octet-stream';
    body = request.bytes;
  } else if (request.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.json);
  }
  if (request.lease) headers['longrun-lease'] = request.lease.leaseToken;
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  const response = await fetch(`${base}${request.path}`, { method: request.method, headers, body, signal });
  if (request.binary && response.ok) return Buffer.from(await response.arrayBuffer());
  const text = await response.text();
  const parsed = parseJson(text);
  if (response.ok) return parsed;
  const problem = (parsed ?? {}) as { code?: string; detail?: string; title?: string; reason?: string };
  if (response.status === 409 && problem.code === 'lease_lost' && request.lease) {
    throw new LeaseLostError(request.lease.id, problem.reason as LeaseLostReason | undefined);
  }
  const message = `${request.method} ${request.path}: ${response.status} ${problem.detail ?? problem.title ?? text.slice(0, 200)}`;
  const Kind = [429, 502, 503, 504].includes(response.status) ? TransientApiError : WorkerApiError;
  throw new Kind(response.status, problem.code ?? null, message);
}

/** isTransient: the API could not be reached (a network error, a try that timed out) or asked to come back later. */
function isTransient(error: unknown): boolean {
  if (error instanceof TransientApiError) return true;
  if (error instanceof WorkerApiError || error instanceof LeaseLostError) return false;
  // fetch rejects with a TypeError when it cannot connect, and with a TimeoutError when a try runs out of time.
  return error instanceof TypeError || (error instanceof DOMException && error.name === 'TimeoutError');
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
