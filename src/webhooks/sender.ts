/**
 * The webhook sender: one POST, through the URL guard, never following a redirect, bounded in
 * time and in how much of the answer it reads. It never throws: every way an attempt can go
 * wrong comes back as an outcome the retry policy and the attempt log understand.
 */
import http from 'node:http';
import https from 'node:https';
import type { Clock, Timers } from '../domain/index.js';
import { type AttemptOutcome, parseRetryAfter } from './retryPolicy.js';
import { type LookupFn, UnsafeTargetError, checkUrl, guardedRequestOptions } from '../egress/index.js';

/** USER_AGENT names Longrun to receivers. */
export const USER_AGENT = 'Longrun-Webhooks/0.1 (+https://www.standardwebhooks.com)';

/** DEFAULT_TIMEOUT_MS is how long an attempt may take, DNS to last byte read (10 s). */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** MAX_RESPONSE_BYTES is how much of an answer is read before the connection is closed (4 KiB): receivers should answer fast and small. */
export const MAX_RESPONSE_BYTES = 4 * 1024;

/** SendParams is one attempt: where, what, signed how, and the guard and clocks it runs under. */
export interface SendParams {
  url: string;
  body: string;
  /** headers are the Standard Webhooks headers (see webhookHeaders). */
  headers: Record<string, string>;
  allowPrivate: boolean;
  timeoutMs: number;
  clock: Clock;
  timers: Timers;
  lookup?: LookupFn;
}

/** SendResult is an attempt's outcome and how long it took by `clock`. */
export interface SendResult extends AttemptOutcome {
  startedAt: Date;
  durationMs: number;
}

class AttemptTimeout extends Error {}

/**
 * sendWebhook makes one attempt. The guard resolves the host once and the socket connects to the
 * address it checked (no second lookup, so DNS rebinding has nothing to act on); a refused target
 * is an outcome with its reason and no connection. A 3xx is a failed attempt: its Location is
 * never followed. The deadline covers the lookup, the connection, the answer and reading it.
 */
export async function sendWebhook(p: SendParams): Promise<SendResult> {
  const startedAt = p.clock.now();
  const finish = (outcome: AttemptOutcome): SendResult => ({
    ...outcome,
    startedAt,
    durationMs: Math.max(0, p.clock.now().getTime() - startedAt.getTime()),
  });
  const abort = new AbortController();
  const cancelTimer = p.timers.setTimeout(() => abort.abort(new AttemptTimeout()), p.timeoutMs);
  try {
    const target = await Promise.race([checkUrl(p.url, { allowPrivate: p.allowPrivate, lookup: p.lookup }), aborted(abort.signal)]);
    return finish(await post(target, p, abort.signal));
  } catch (error) {
    if (error instanceof AttemptTimeout) return finish({ statusCode: null, error: `timeout: no answer within ${p.timeoutMs} ms`, retryAfterMs: null });
    if (error instanceof UnsafeTargetError) return finish({ statusCode: null, error: `refused by the URL guard (${error.reason}): ${error.message}`, retryAfterMs: null });
    const { code, message } = error as NodeJS.ErrnoException;
    return finish({ statusCode: null, error: code ? `${code}: ${message}` : message, retryAfterMs: null });
  } finally {
    cancelTimer();
  }
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

function post(target: Awaited<ReturnType<typeof checkUrl>>, p: SendParams, signal: AbortSignal): Promise<AttemptOutcome> {
  const guarded = guardedRequestOptions(target);
  const body = Buffer.from(p.body, 'utf8');
  const request = (guarded.protocol === 'https:' ? https : http).request({
    ...guarded,
    method: 'POST',
    // A fresh connection per attempt: a pooled socket could have been opened to another address.
    agent: false,
    signal,
    headers: {
      ...guarded.headers,
      ...p.headers,
      'content-type': 'application/json',
      'content-length': String(body.length),
      'user-agent': USER_AGENT,
    },
  });
  return new Promise<AttemptOutcome>((resolve, reject) => {
    request.on('error', (error) => reject(signal.aborted ? signal.reason : error));
    request.on('response', (response) => {
      const statusCode = response.statusCode ?? 0;
      const retryAfterMs = statusCode === 429 || statusCode === 503 ? parseRetryAfter(header(response.headers['retry-after']), p.clock.now()) : null;
      const location = header(response.headers.location);
      const error = statusCode >= 300 && statusCode < 400 ? `redirect not followed${location ? ` (Location: ${location.slice(0, 200)})` : ''}` : null;
      let read = 0;
      const done = () => {
        response.destroy();
        resolve({ statusCode, error, retryAfterMs });
      };
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read >= MAX_RESPONSE_BYTES) done();
      });
      response.on('end', done);
      response.on('error', (e) => reject(signal.aborted ? signal.reason : e));
    });
    request.end(body);
  });
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
