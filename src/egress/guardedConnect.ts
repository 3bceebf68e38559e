/**
 * Guarded connect: how a connection reaches a target that passed the URL guard (checkUrl) and
 * nothing else. Every option set here connects to the checked address, never to a fresh DNS
 * answer, so a name that rebinds between check and connect cannot move the connection. The
 * webhook sender and the render proxy's forwarded requests use guardedRequestOptions; the
 * render proxy's CONNECT tunnels use guardedSocketOptions.
 */
import { type LookupFunction, isIP } from 'node:net';
import { type CheckedTarget, urlHost } from './urlGuard.js';

/**
 * GuardedRequestOptions are options for http.request / https.request that connect to the
 * checked address while speaking to the URL's host (Host header, TLS SNI and certificate name).
 */
export interface GuardedRequestOptions {
  hostname: string;
  port: number;
  path: string;
  protocol: 'http:' | 'https:';
  servername?: string;
  lookup: LookupFunction;
  headers: { host: string };
}

/** GuardedSocketOptions are net.connect options for a checked target: its address and port. */
export interface GuardedSocketOptions {
  host: string;
  port: number;
}

/**
 * pinnedLookup is a `lookup` for http.request / https.request / net.connect that always answers
 * with the checked address, so no second DNS query happens and rebinding has nothing to act on.
 * It answers both shapes Node asks for: one address, and `{ all: true }` (Node 20's
 * happy-eyeballs connect). Asked about any other host it fails, so options reused for a
 * redirect target cannot quietly reach the old address under a new name.
 */
export function pinnedLookup(target: CheckedTarget): LookupFunction {
  const allowed = new Set([urlHost(target.url), target.address]);
  return (hostname, options, callback) => {
    // dns.lookup always calls back asynchronously; net relies on that ordering.
    process.nextTick(() => {
      if (!allowed.has(hostname)) {
        const error: NodeJS.ErrnoException = new Error(`pinned lookup for ${[...allowed][0]} was asked for ${hostname}`);
        error.code = 'ENOTFOUND';
        callback(error, '', 0);
      } else if (options.all) {
        callback(null, [{ address: target.address, family: target.family }]);
      } else {
        callback(null, target.address, target.family);
      }
    });
  };
}

/** targetPort is the checked URL's port, or its scheme's default (443 for https:, 80 for http:). */
function targetPort(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/**
 * guardedRequestOptions are http(s).request options for a checked target. `hostname` is the
 * checked address itself, so the socket goes there even through an agent that ignores
 * `lookup`; `lookup` is pinned as well for wrappers that re-resolve. The Host header, TLS SNI
 * (`servername`) and certificate check use the URL's host name. Add `method`, more headers and
 * a `timeout`; pick http or https by `protocol`. Never set a redirect-following agent.
 */
export function guardedRequestOptions(target: CheckedTarget): GuardedRequestOptions {
  const { url } = target;
  const protocol = url.protocol === 'https:' ? 'https:' : 'http:';
  const name = urlHost(url);
  const options: GuardedRequestOptions = {
    hostname: target.address,
    port: targetPort(url),
    path: `${url.pathname}${url.search}`,
    protocol,
    lookup: pinnedLookup(target),
    headers: { host: url.host },
  };
  // SNI carries names only, without a trailing dot (RFC 6066); for an IP literal the
  // certificate is checked against the address, which is `hostname`.
  if (isIP(name) === 0) options.servername = name.replace(/\.+$/, '');
  return options;
}

/**
 * guardedSocketOptions are net.connect options for a raw connection (a CONNECT tunnel) to a
 * checked target: the checked address, which is an IP, so net.connect does no lookup at all.
 */
export function guardedSocketOptions(target: CheckedTarget): GuardedSocketOptions {
  return { host: target.address, port: targetPort(target.url) };
}
