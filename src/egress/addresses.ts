/**
 * IP address classification for the outbound URL guard: is an address globally reachable, or
 * does it name something on our side of the network (loopback, private, link-local, metadata)?
 *
 * Addresses are held as BigInt (32 bits for IPv4, 128 for IPv6) so every range check is one
 * shift and compare; `ipaddr.js` is not a dependency and this is all we need of it.
 * The ranges follow the IANA special-purpose registries (RFC 6890 and its updates). Where a
 * block mixes global and non-global sub-blocks (192.0.0.0/24, 2001::/23) we refuse all of it:
 * a webhook has no business in any of them.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** ParsedAddress is an IP address as a number: 32 bits for family 4, 128 bits for family 6. */
export interface ParsedAddress {
  family: 4 | 6;
  value: bigint;
}

interface Range {
  base: bigint;
  bits: number;
  label: string;
}

/** parseAddress reads an IPv4 dotted quad or any IPv6 text form; null when it is neither. */
export function parseAddress(text: string): ParsedAddress | null {
  // A zone (`fe80::1%eth0`) says which interface, not which address; judge the address.
  const address = text.includes('%') ? text.slice(0, text.indexOf('%')) : text;
  if (isIPv4(address)) return { family: 4, value: ipv4Value(address) };
  if (isIPv6(address)) return { family: 6, value: ipv6Value(address) };
  return null;
}

function ipv4Value(address: string): bigint {
  // isIPv4 accepts only four decimal octets 0-255, so no octal or hex forms reach here.
  return address.split('.').reduce((sum, octet) => (sum << 8n) | BigInt(Number(octet)), 0n);
}

function ipv6Value(address: string): bigint {
  const [head = '', tail] = address.split('::');
  const words = (part: string): number[] => {
    if (part === '') return [];
    return part.split(':').flatMap((group) => {
      if (!group.includes('.')) return [parseInt(group, 16)];
      // A trailing dotted quad (`::ffff:1.2.3.4`) fills the last two 16-bit groups.
      const v4 = Number(ipv4Value(group));
      return [v4 >>> 16, v4 & 0xffff];
    });
  };
  const front = words(head);
  const back = tail === undefined ? [] : words(tail);
  const groups = [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  return groups.reduce((sum, group) => (sum << 16n) | BigInt(group), 0n);
}

function ranges(family: 4 | 6, table: ReadonlyArray<readonly [string, string]>): Range[] {
  return table.map(([cidr, label]) => {
    const [text = '', bits = ''] = cidr.split('/');
    const parsed = parseAddress(text);
    if (parsed?.family !== family) throw new Error(`bad range ${cidr}`);
    return { base: parsed.value, bits: Number(bits), label: `${label} (${cidr})` };
  });
}

// Narrow ranges come before the wide ones that contain them, so the label is the precise one.
const IPV4_NON_GLOBAL = ranges(4, [
  ['0.0.0.0/8', '"this network"'],
  ['10.0.0.0/8', 'private-use'],
  ['100.64.0.0/10', 'shared address space (CGNAT)'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local, cloud metadata'],
  ['172.16.0.0/12', 'private-use'],
  ['192.0.0.0/24', 'IETF protocol assignments'],
  ['192.0.2.0/24', 'documentation (TEST-NET-1)'],
  ['192.88.99.0/24', 'deprecated 6to4 relay anycast'],
  ['192.168.0.0/16', 'private-use'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation (TEST-NET-2)'],
  ['203.0.113.0/24', 'documentation (TEST-NET-3)'],
  // Public on paper, but inside Azure it is the platform's own endpoint (WireServer, DNS,
  // health probes), which answers any VM: the classic Azure SSRF target.
  ['168.63.129.16/32', 'Azure platform endpoint'],
  ['224.0.0.0/4', 'multicast'],
  ['255.255.255.255/32', 'limited broadcast'],
  ['240.0.0.0/4', 'reserved'],
]);

const IPV6_NON_GLOBAL = ranges(6, [
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  // Deprecated IPv4-compatible form (RFC 4291); nothing global lives here any more.
  ['::/96', 'IPv4-compatible (deprecated)'],
  ['64:ff9b:1::/48', 'local-use NAT64'],
  ['100::/64', 'discard-only'],
  ['2001:db8::/32', 'documentation'],
  ['2001::/23', 'IETF protocol assignments (incl. Teredo)'],
  ['3fff::/20', 'documentation'],
  ['fc00::/7', 'unique-local'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'site-local (deprecated)'],
  ['ff00::/8', 'multicast'],
]);

// Only 2000::/3 is allocated as global unicast; anything else (5f00::/16 SRv6, unassigned
// space) is refused too, so a block IANA hands out later cannot slip past an old list.
const IPV6_GLOBAL_UNICAST = ranges(6, [['2000::/3', 'global unicast']])[0]!;

// These three reach an IPv4 host through translation; see embeddedIpv4.
const MAPPED = ranges(6, [['::ffff:0:0/96', 'IPv4-mapped']])[0]!;
const NAT64 = ranges(6, [['64:ff9b::/96', 'NAT64']])[0]!;
const SIX_TO_FOUR = ranges(6, [['2002::/16', '6to4']])[0]!;

function inRange(value: bigint, width: number, range: Range): boolean {
  const shift = BigInt(width - range.bits);
  return value >> shift === range.base >> shift;
}

function ipv4Text(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

/**
 * nonGlobalReason says why an address must not be reached from a multi-tenant server
 * (`loopback (127.0.0.0/8)`), or returns null when the address is global. Text that is not an
 * IP address is refused too, so a resolver answering garbage fails closed.
 */
export function nonGlobalReason(address: string): string | null {
  const parsed = parseAddress(address);
  if (!parsed) return 'not an IP address';
  if (parsed.family === 4) {
    const hit = IPV4_NON_GLOBAL.find((range) => inRange(parsed.value, 32, range));
    return hit ? hit.label : null;
  }
  const embedded = embeddedIpv4(parsed.value);
  if (embedded) {
    // These forms reach an IPv4 host through translation, so the IPv4 host is what we judge.
    const reason = nonGlobalReason(ipv4Text(embedded.value));
    return reason ? `${embedded.label} ${ipv4Text(embedded.value)}: ${reason}` : null;
  }
  const hit = IPV6_NON_GLOBAL.find((range) => inRange(parsed.value, 128, range));
  if (hit) return hit.label;
  return inRange(parsed.value, 128, IPV6_GLOBAL_UNICAST) ? null : 'not global unicast (outside 2000::/3)';
}

function embeddedIpv4(value: bigint): { value: bigint; label: string } | null {
  const low32 = value & 0xffffffffn;
  if (inRange(value, 128, MAPPED)) return { value: low32, label: 'IPv4-mapped' };
  if (inRange(value, 128, NAT64)) return { value: low32, label: 'NAT64' };
  // 6to4 carries the IPv4 address in bits 16-47: 2002:AABB:CCDD::/48.
  if (inRange(value, 128, SIX_TO_FOUR)) return { value: (value >> 80n) & 0xffffffffn, label: '6to4' };
  return null;
}
