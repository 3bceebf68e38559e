/**
 * Guarded GET: how a job type downloads a file a client named by URL (an image to transform, a
 * PDF to read). Each hop passes the URL guard and connects to the address it checked
 * (guardedConnect.ts); a redirect is a new URL and is checked again before it is followed. The
 * body is read up to a limit and no further, so a huge or endless answer costs at most that much.
 */
import http from 'node:http';
import https from 'node:https';
import { type LookupFn } from './lookup.js';
import { guardedRequestOptions } from './guardedConnect.js';
import { checkUrl } from './urlGuard.js';

/** GuardedGetOptions bound one download: the guard's setting, the size, the hops and the time. */
export interface GuardedGetOptions {
  allowPrivate: boolean;
  /** maxBytes stops the download with ResponseTooLargeError once the body passes it. */
  maxBytes: number;
  /** maxRedirects is how many `Location`s are followed (each checked again); default 5. */
  maxRedirects?: number;
  /** signal ends the download (the job was cancelled, or its own deadline passed). */
  signal?: AbortSignal;
  /** headers are sent with every hop (an `accept` says what the job type can read). */
  headers?: Record<string, string>;
  lookup?: LookupFn;
}

/** GuardedGetResult is the body of the final hop with its URL and media type. */
export interface GuardedGetResult {
  url: string;
  contentType: string | null;
  body: Buffer;
}

/** ResponseTooLargeError: the answer (by `Content-Length` or by what arrived) is over maxBytes. */
export class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLargeError';
  constructor(readonly url: string, readonly maxBytes: number) {
    super(`The answer of ${url} is larger than ${maxBytes} bytes`);
  }
}

/** HttpStatusError: the final hop answered something other than 2xx (or redirected too often). */
export class HttpStatusError extends Error {
  override readonly name = 'HttpStatusError';
  constructor(readonly url: string, readonly status: number, detail: string) {
    super(`${url} answered ${status}${detail ? ` ${detail}` : ''}`);
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * guardedGet downloads `url` through the URL guard, following up to `maxRedirects` redirects,
 * each checked again. Throws UnsafeTargetError (a hop the guard refused), HttpStatusError,
 * ResponseTooLargeError, or the network's own error; `signal`'s reason when it fires.
 */
export async function guardedGet(url: string, options: GuardedGetOptions): Promise<GuardedGetResult> {
  let current = url;
  for (let hop = 0; ; hop++) {
    const target = await checkUrl(current, { allowPrivate: options.allowPrivate, lookup: options.lookup });
    const answer = await getOnce(target, options);
    if (answer.kind === 'body') return { url: current, contentType: answer.contentType, body: answer.body };
    if (hop >= (options.maxRedirects ?? 5)) throw new HttpStatusError(current, answer.status, 'redirected too many times');
    current = new URL(answer.location, current).href;
  }
}

type Answer = { kind: 'body'; contentType: string | null; body: Buffer } | { kind: 'redirect'; status: number; location: string };

function getOnce(target: Awaited<ReturnType<typeof checkUrl>>, options: GuardedGetOptions): Promise<Answer> {
  const guarded = guardedRequestOptions(target);
  const where = `${target.url.origin}${target.url.pathname}`;
  return new Promise<Answer>((resolve, reject) => {
    const request = (guarded.protocol === 'https:' ? https : http).request({
      ...guarded,
      method: 'GET',
      // A fresh connection per hop: a pooled socket could have been opened to another address.
      agent: false,
      signal: options.signal,
      headers: { ...guarded.headers, ...options.headers, 'user-agent': 'Longrun/0.1' },
    });
    request.on('error', (error) => reject(options.signal?.aborted ? options.signal.reason : error));
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (REDIRECTS.has(status) && location) {
        response.destroy();
        return resolve({ kind: 'redirect', status, location });
      }
      if (status < 200 || status >= 300) {
        response.destroy();
        return reject(new HttpStatusError(where, status, response.statusMessage ?? ''));
      }
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        response.destroy();
        return reject(new ResponseTooLargeError(where, options.maxBytes));
      }
      const chunks: Buffer[] = [];
      let read = 0;
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > options.maxBytes) {
          response.destroy();
          reject(new ResponseTooLargeError(where, options.maxBytes));
        } else chunks.push(chunk);
      });
      response.on('end', () => resolve({ kind: 'body', contentType: response.headers['content-type'] ?? null, body: Buffer.concat(chunks) }));
      response.on('error', (error) => reject(options.signal?.aborted ? options.signal.reason : error));
    });
    request.end();
  });
}
