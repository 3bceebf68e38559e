/**
 * The outbound URL guard (DESIGN.md, "Untrusted targets"). Every request Longrun makes to a URL a
 * client gave it (webhook deliveries, URL render jobs and each sub-request of their pages) goes:
 *
 *   const target = await checkUrl(url, { allowPrivate });     // throws UnsafeTargetError
 *   const req = https.request({ ...guardedRequestOptions(target), method: 'POST' });
 *
 * checkUrl resolves the host once and refuses it if any address is non-global; the request then
 * connects to the very address that was checked (guardedConnect.ts), so a DNS answer that changes
 * between check and connect (DNS rebinding) cannot move the connection. Users of the guard never
 * follow redirects on their own: a `Location` is a new URL and goes through checkUrl again before
 * any request.
 */
import { isIP } from 'node:net';
import { nonGlobalReason } from './addresses.js';
import { type LookupFn, systemLookup } from './lookup.js';

/** UnsafeTargetReason is the machine-readable cause of an UnsafeTargetError. */
export type UnsafeTargetReason = 'invalid_url' | 'scheme' | 'credentials' | 'private_address' | 'unresolvable';

/**
 * UnsafeTargetError: the guard refused a URL. Map it to `400 invalid_request` where a client
 * gave the URL (`/webhookUrl`), or to a failed attempt where a delivery or render tried it.
 * The message names the host and, for private_address, the address and its range.
 */
export class UnsafeTargetError extends Error {
  override readonly name = 'UnsafeTargetError';
  constructor(
    readonly reason: UnsafeTargetReason,
    message: string,
    /** host is the URL's host when the URL parsed. */
    readonly host?: string,
    /** address is the refused address, for private_address. */
    readonly address?: string,
  ) {
    // Someone trying Longrun against a local server meets this refusal first: name the way out.
    super(reason === 'private_address' ? `${message}; ${PRIVATE_TARGETS_HINT}` : message);
  }
}

// Ends every private_address refusal: the switch that lifts the address rules.
const PRIVATE_TARGETS_HINT = '--allow-private-targets (LONGRUN_ALLOW_PRIVATE_TARGETS=1) allows it for local development';

/** CheckedTarget is a URL that passed the guard and the one address requests must connect to. */
export interface CheckedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

/** CheckUrlOptions: allowPrivate (LONGRUN_ALLOW_PRIVATE_TARGETS=1) lifts the address rules only. */
export interface CheckUrlOptions {
  allowPrivate: boolean;
  /** lookup resolves host names (default: the system resolver, with no time limit of ours). */
  lookup?: LookupFn;
}

// Cloud metadata services by name. Each also resolves to a link-local or private address, which
// the address rules refuse; the names are refused first so a resolver that answers otherwise
// (a split-horizon DNS, a hosts file) cannot open them. Azure's services have no name; its
// addresses (169.254.169.254, 168.63.129.16) are in addresses.ts.
const METADATA_NAMES = new Set([
  'metadata', // GCP's short name, through the VM's search domain
  'metadata.google.internal',
  'metadata.goog',
  'instance-data', // AWS
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
  'metadata.platformequinix.com',
]);

/**
 * checkUrl parses `url` and decides whether Longrun may request it: http or https only, no
 * credentials, and (unless allowPrivate) a host whose every address is global. Literal IP hosts
 * are judged without a lookup; names are resolved once with `lookup`. Returns the URL and the
 * first address, which the request must use (guardedConnect.ts).
 * Throws UnsafeTargetError.
 */
export async function checkUrl(url: string, options: CheckUrlOptions): Promise<CheckedTarget> {
  let parsed: URL;
  try {
    // WHATWG URL turns every IPv4 spelling (2130706433, 0177.0.0.1, 0x7f.1, 127.1, full-width
    // digits) into a dotted quad and compresses IPv6, so the checks below see one form only.
    parsed = new URL(url);
  } catch {
    throw new UnsafeTargetError('invalid_url', 'The target is not a valid absolute URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UnsafeTargetError('scheme', `The scheme ${parsed.protocol} is not allowed; use http: or https:`);
  }
  const host = urlHost(parsed);
  if (parsed.username !== '' || parsed.password !== '') {
    // The message never repeats the credentials.
    throw new UnsafeTargetError('credentials', `The URL for ${host} must not carry a user name or password`, host);
  }
  if (host === '' || parsed.port === '0') {
    throw new UnsafeTargetError('invalid_url', `The URL has no usable host and port`, host);
  }
  // A trailing dot names the same host (`localhost.`); the name rules judge it without one.
  if (!options.allowPrivate) refuseName(host.replace(/\.+$/, ''));

  const addresses = isIP(host) ? [host] : await resolve(host, options.lookup ?? systemLookup);
  if (!options.allowPrivate) {
    for (const address of addresses) {
      const why = nonGlobalReason(address);
      if (why !== null) {
        const via = address === host ? '' : ` resolves to ${address}, which`;
        throw new UnsafeTargetError('private_address', `The host ${host}${via} is not a public address: ${why}`, host, address);
      }
    }
  }
  const address = addresses[0]!;
  return { url: parsed, address, family: isIP(address) === 6 ? 6 : 4 };
}

/** urlHost is a URL's host name as resolvers and address checks take it: an IPv6 literal without its brackets. */
export function urlHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

function refuseName(host: string): void {
  // RFC 6761: localhost and every name under it are loopback, whatever a resolver says.
  if (host === 'localhost' || host.endsWith('.localhost')) {
    throw new UnsafeTargetError('private_address', `The host ${host} is a loopback name`, host);
  }
  if (METADATA_NAMES.has(host)) {
    throw new UnsafeTargetError('private_address', `The host ${host} is a cloud metadata service`, host);
  }
}

async function resolve(host: string, lookup: LookupFn): Promise<string[]> {
  let answers: ReadonlyArray<{ address: string }>;
  try {
    answers = await lookup(host, { all: true, verbatim: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'lookup failed';
    throw new UnsafeTargetError('unresolvable', `The host ${host} could not be resolved (${code})`, host);
  }
  // Never trust the resolver's family field: the address text is what we connect to.
  const addresses = answers.map((answer) => answer.address).filter((address) => isIP(address) !== 0);
  if (addresses.length === 0 || addresses.length !== answers.length) {
    throw new UnsafeTargetError('unresolvable', `The host ${host} did not resolve to IP addresses`, host);
  }
  return addresses;
}
