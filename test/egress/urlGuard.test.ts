// The outbound URL guard: a verdict table over every spelling of a non-global target, DNS
// answers that mix or change, and canary servers on loopback that must never see a connection.
// No real DNS is used except one loopback lookup; names resolve through an injected table.
import assert from 'node:assert/strict';
import http from 'node:http';
import { type AddressInfo, isIP } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  type CheckedTarget,
  checkUrl,
  type GuardedRequestOptions,
  guardedRequestOptions,
  type LookupFn,
  pinnedLookup,
  UnsafeTargetError,
} from '../../src/egress/index.js';

const DNS: Record<string, string[]> = {
  'example.com': ['93.184.216.34'],
  'example.com.': ['93.184.216.34'],
  'dns.google': ['8.8.8.8', '2001:4860:4860::8888'],
  'one.one.one.one': ['2606:4700::1111'],
  'internal.test': ['10.0.0.5'],
  '127.0.0.1.nip.io': ['127.0.0.1'],
  'localhost.x': ['127.0.0.1'],
  'loopback6.test': ['::1'],
  'mixed.test': ['93.184.216.34', '10.1.2.3'],
  'mixed6.test': ['2606:4700::1111', 'fd00:ec2::254'],
  'metadata.test': ['169.254.169.254'],
  'mapped.test': ['::ffff:127.0.0.1'],
  'empty.test': [],
  'garbage.test': ['not-an-address'],
};

/** fakeLookup answers from DNS and counts its calls, so tests can prove no lookup happened. */
const lookups: string[] = [];
const fakeLookup: LookupFn = async (hostname) => {
  lookups.push(hostname);
  const addresses = DNS[hostname];
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address, family: isIP(address) }));
};

type Verdict = 'allow' | UnsafeTargetError['reason'];
const P = 'private_address';

const TABLE: Array<[string, Verdict]> = [
  // Public targets.
  ['http://93.184.216.34/', 'allow'],
  ['https://8.8.8.8/dns-query', 'allow'],
  ['http://[2606:4700::1111]/', 'allow'],
  ['https://example.com/hooks/longrun?x=1', 'allow'],
  ['HTTPS://EXAMPLE.COM./', 'allow'],
  ['https://dns.google/', 'allow'],
  ['http://one.one.one.one:8080/x', 'allow'],
  ['http://[::ffff:8.8.8.8]/', 'allow'],
  ['http://[64:ff9b::808:808]/', 'allow'],
  ['http://[2002:808:808::1]/', 'allow'],
  ['http://100.128.0.1/', 'allow'],
  ['http://172.32.0.1/', 'allow'],
  ['http://[2001:200::1]/', 'allow'],
  // IPv4 loopback in every spelling WHATWG URL folds to a dotted quad.
  ['http://127.0.0.1/', P], ['http://127.1/', P], ['http://2130706433/', P], ['http://0177.0.0.1/', P],
  ['http://0x7f.1/', P], ['http://0x7f000001/', P], ['http://127.0.0.1./', P], ['http://127.255.255.254/', P],
  ['http://①②⑦.0.0.1/', P], ['http://%31%32%37.0.0.1/', P], ['http:\\\\127.0.0.1\\a', P], ['http:127.0.0.1', P],
  // Other non-global IPv4 ranges, first and last addresses where it matters.
  ['http://0/', P], ['http://0.0.0.0/', P], ['http://10.0.0.1/', P], ['http://10.255.255.255/', P],
  ['http://100.64.0.1/', P], ['http://100.100.100.200/', P], ['http://169.254.169.254/latest/meta-data/', P],
  ['http://0xa9fea9fe/', P], ['http://2852039166/', P], ['http://169.254.0.1/', P], ['http://172.16.0.1/', P],
  ['http://172.31.255.255/', P], ['http://192.0.0.192/', P], ['http://192.0.2.1/', P], ['http://192.88.99.1/', P],
  ['http://192.168.1.1/', P], ['http://198.18.0.1/', P], ['http://198.19.255.255/', P], ['http://198.51.100.7/', P],
  ['http://203.0.113.9/', P], ['http://168.63.129.16/', P], ['http://224.0.0.1/', P], ['http://239.255.255.250/', P], ['http://240.0.0.1/', P],
  ['http://255.255.255.255/', P], ['http://4294967295/', P],
  // IPv6, and IPv6 forms that carry an IPv4 address.
  ['http://[::1]/', P], ['http://[::]/', P], ['http://[0:0:0:0:0:0:0:1]/', P], ['http://[::ffff:127.0.0.1]/', P],
  ['http://[::ffff:7f00:1]/', P], ['http://[::ffff:169.254.169.254]/', P], ['http://[::ffff:10.0.0.1]/', P],
  ['http://[64:ff9b::127.0.0.1]/', P], ['http://[64:ff9b::a9fe:a9fe]/', P], ['http://[2002:7f00:1::]/', P],
  ['http://[2002:c0a8:101::1]/', P], ['http://[::127.0.0.1]/', P], ['http://[100::1]/', P], ['http://[2001:db8::1]/', P],
  ['http://[2001::1]/', P], ['http://[fc00::1]/', P], ['http://[fd00:ec2::254]/', P], ['http://[fe80::1]/', P],
  ['http://[fec0::1]/', P], ['http://[ff02::1]/', P], ['http://[64:ff9b:1::1]/', P], ['http://[5f00::1]/', P],
  // Refused by name, before any lookup.
  ['http://localhost/', P], ['http://LOCALHOST./', P], ['http://foo.localhost:3000/', P], ['http://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ/', P],
  ['http://metadata.google.internal/computeMetadata/v1/', P], ['http://metadata.google.internal./', P],
  ['http://metadata/', P], ['http://instance-data/latest/', P],
  // Names that resolve to non-global addresses, or to nothing usable.
  ['http://internal.test/', P], ['http://127.0.0.1.nip.io/', P], ['http://loopback6.test/', P], ['http://mixed.test/', P],
  ['http://mixed6.test/', P], ['http://metadata.test/', P], ['http://mapped.test/', P],
  ['http://nx.test/', 'unresolvable'], ['http://empty.test/', 'unresolvable'], ['http://garbage.test/', 'unresolvable'],
  // Schemes other than http and https.
  ['file:///etc/passwd', 'scheme'], ['ftp://example.com/', 'scheme'], ['gopher://127.0.0.1:6379/_INFO', 'scheme'],
  ['javascript:alert(1)', 'scheme'], ['data:text/plain,hi', 'scheme'], ['ws://example.com/', 'scheme'],
  ['dict://127.0.0.1:11211/', 'scheme'],
  // Credentials, including the `expected-host@real-host` trick.
  ['http://user:pass@example.com/', 'credentials'], ['http://user@example.com/', 'credentials'],
  ['https://:secret@example.com/', 'credentials'], ['http://example.com@127.0.0.1/', 'credentials'],
  // Garbage.
  ['', 'invalid_url'], ['not a url', 'invalid_url'], ['//example.com/path', 'invalid_url'], ['/relative', 'invalid_url'],
  ['http://', 'invalid_url'], ['http://[::1/', 'invalid_url'], ['http://999.1.1.1/', 'invalid_url'],
  ['http://1.2.3.4.5/', 'invalid_url'], ['http://[fe80::1%25eth0]/', 'invalid_url'], ['http://exa mple.com/', 'invalid_url'],
  ['http://example.com:0/', 'invalid_url'], ['http://example.com:65536/', 'invalid_url'],
];

async function verdict(url: string, allowPrivate = false): Promise<Verdict> {
  try {
    await checkUrl(url, { allowPrivate, lookup: fakeLookup });
    return 'allow';
  } catch (error) {
    assert.ok(error instanceof UnsafeTargetError, `${url} threw ${String(error)}`);
    return error.reason;
  }
}

describe('checkUrl verdicts', () => {
  assert.ok(TABLE.length >= 60);
  for (const [url, expected] of TABLE) {
    it(`${expected === 'allow' ? 'allows' : `refuses (${expected})`} ${JSON.stringify(url)}`, async () => {
      assert.equal(await verdict(url), expected);
    });
  }
});

describe('checkUrl', () => {
  it('judges literal IPs and localhost names without a lookup', async () => {
    lookups.length = 0;
    for (const url of ['http://2130706433/', 'http://[::1]/', 'http://8.8.8.8/', 'http://a.localhost/', 'http://metadata/']) {
      await verdict(url);
    }
    assert.deepEqual(lookups, []);
  });

  it('returns the checked address and family', async () => {
    const v4 = await checkUrl('https://example.com/a', { allowPrivate: false, lookup: fakeLookup });
    assert.deepEqual([v4.address, v4.family, v4.url.href], ['93.184.216.34', 4, 'https://example.com/a']);
    const v6 = await checkUrl('http://[2606:4700::1111]:81/', { allowPrivate: false, lookup: fakeLookup });
    assert.deepEqual([v6.address, v6.family], ['2606:4700::1111', 6]);
  });

  it('refuses a name whose answers mix public and private addresses, naming both', async () => {
    await assert.rejects(checkUrl('http://mixed.test/', { allowPrivate: false, lookup: fakeLookup }), (error) => {
      assert.ok(error instanceof UnsafeTargetError);
      assert.deepEqual([error.reason, error.host, error.address], ['private_address', 'mixed.test', '10.1.2.3']);
      assert.match(error.message, /mixed\.test resolves to 10\.1\.2\.3.*private-use \(10\.0\.0\.0\/8\)/);
      return true;
    });
  });

  it('names --allow-private-targets in every private_address refusal, and in no other', async () => {
    for (const url of ['http://127.0.0.1/', 'http://localhost/', 'http://metadata/', 'http://mixed.test/']) {
      await assert.rejects(checkUrl(url, { allowPrivate: false, lookup: fakeLookup }), (error: Error) => {
        assert.ok(error instanceof UnsafeTargetError && error.reason === 'private_address', url);
        assert.match(error.message, /; --allow-private-targets \(LONGRUN_ALLOW_PRIVATE_TARGETS=1\) allows it for local development$/);
        return true;
      });
    }
    for (const url of ['ftp://example.com/', 'http://alice:x@example.com/', 'not a url']) {
      await assert.rejects(checkUrl(url, { allowPrivate: false, lookup: fakeLookup }), (error: Error) => {
        assert.doesNotMatch(error.message, /allow-private-targets/, url);
        return true;
      });
    }
  });

  it('names the embedded IPv4 address of a mapped literal', async () => {
    await assert.rejects(checkUrl('http://[::ffff:127.0.0.1]/', { allowPrivate: false }), /IPv4-mapped 127\.0\.0\.1: loopback/);
  });

  it('never repeats credentials in its message', async () => {
    await assert.rejects(checkUrl('http://alice:hunter2@example.com/', { allowPrivate: false }), (error: Error) => {
      assert.ok(error instanceof UnsafeTargetError && error.name === 'UnsafeTargetError');
      assert.doesNotMatch(error.message, /hunter2|alice/);
      assert.match(error.message, /example\.com/);
      return true;
    });
  });

  it('with allowPrivate, lifts the address rules but keeps the scheme and credential rules', async () => {
    for (const url of ['http://127.0.0.1/', 'http://[::1]/', 'http://localhost.x/', 'http://mixed.test/', 'http://metadata.test/']) {
      assert.equal(await verdict(url, true), 'allow', url);
    }
    assert.equal(await verdict('file:///etc/passwd', true), 'scheme');
    assert.equal(await verdict('gopher://127.0.0.1/', true), 'scheme');
    assert.equal(await verdict('http://u:p@127.0.0.1/', true), 'credentials');
    assert.equal(await verdict('http://nx.test/', true), 'unresolvable');
  });

  it('resolves with dns.lookup by default (localhost, from the hosts file)', async () => {
    const target = await checkUrl('http://localhost/', { allowPrivate: true });
    assert.ok(['127.0.0.1', '::1'].includes(target.address), target.address);
  });
});

describe('pinning', () => {
  it('keeps answering the checked address when DNS rebinds to loopback', async () => {
    let calls = 0;
    const rebinding: LookupFn = async () => [{ address: calls++ === 0 ? '93.184.216.34' : '127.0.0.1', family: 4 }];
    const target = await checkUrl('http://rebind.test/', { allowPrivate: false, lookup: rebinding });
    const lookup = pinnedLookup(target);
    for (let i = 0; i < 3; i++) {
      const one = await new Promise((resolve) => lookup('rebind.test', {}, (_e, address, family) => resolve([address, family])));
      assert.deepEqual(one, ['93.184.216.34', 4]);
      const all = await new Promise((resolve) => lookup('rebind.test', { all: true }, (_e, addresses) => resolve(addresses)));
      assert.deepEqual(all, [{ address: '93.184.216.34', family: 4 }]);
    }
    assert.equal(calls, 1, 'the guard resolved once and never again');
  });

  it('fails a pinned lookup asked about another host', async () => {
    const target = await checkUrl('https://example.com/', { allowPrivate: false, lookup: fakeLookup });
    const error = await new Promise((resolve) => pinnedLookup(target)('evil.test', {}, (e) => resolve(e)));
    assert.equal((error as NodeJS.ErrnoException).code, 'ENOTFOUND');
  });

  it('builds request options that connect to the address and speak to the name', async () => {
    const named = guardedRequestOptions(await checkUrl('https://example.com./a/b?c=1#frag', { allowPrivate: false, lookup: fakeLookup }));
    const { lookup: _lookup, ...rest } = named;
    assert.deepEqual(rest, {
      hostname: '93.184.216.34', port: 443, path: '/a/b?c=1', protocol: 'https:', servername: 'example.com', headers: { host: 'example.com.' },
    });
    const literal = guardedRequestOptions(await checkUrl('http://[2606:4700::1111]:8080/', { allowPrivate: false }));
    assert.deepEqual([literal.hostname, literal.port, literal.headers.host, 'servername' in literal], ['2606:4700::1111', 8080, '[2606:4700::1111]:8080', false]);
  });
});

describe('loopback canaries', () => {
  const canaries: Array<{ server: http.Server; port: number; connections: number }> = [];
  const seen = () => canaries.reduce((sum, canary) => sum + canary.connections, 0);

  before(async () => {
    for (const host of ['127.0.0.1', '::1']) {
      const canary = { server: http.createServer((_req, res) => res.end('canary')), port: 0, connections: 0 };
      canary.server.on('connection', () => canary.connections++);
      await new Promise<void>((resolve) => canary.server.listen(0, host, resolve));
      canary.port = (canary.server.address() as AddressInfo).port;
      canaries.push(canary);
    }
  });
  after(() => {
    for (const { server } of canaries) {
      server.closeAllConnections();
      server.close();
    }
  });

  /** send makes one GET through the guard's options; it answers the status or the error text. */
  function send(options: GuardedRequestOptions | http.RequestOptions): Promise<number | string> {
    return new Promise((resolve) => {
      const request = http.request({ ...options, method: 'GET', agent: false, timeout: 5000 }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      });
      request.on('timeout', () => request.destroy(new Error('timeout')));
      request.on('error', (error) => resolve(error.message));
      request.end();
    });
  }

  // Puts the canary's port into the URL as written, so the spelling under test is kept.
  const withPort = (url: string, port: number) =>
    url.replace(/^(https?:\/\/(?:[^/?#@]*@)?(?:\[[^\]]*\]|[^/?#:[]*))(?::\d*)?/i, `$1:${port}`);

  it('sees no connection from any refused URL', async () => {
    const before = seen();
    const leaks: string[] = [];
    for (const [url, expected] of TABLE.filter(([, expected]) => expected !== 'allow')) {
      for (const { port } of canaries) {
        // invalid_url entries stay as written: some are refused for their port.
        const candidate = expected === 'invalid_url' ? url : withPort(url, port);
        let target: CheckedTarget;
        try {
          target = await checkUrl(candidate, { allowPrivate: false, lookup: fakeLookup });
        } catch (error) {
          assert.ok(error instanceof UnsafeTargetError);
          continue;
        }
        leaks.push(`${candidate} (expected ${expected}) → ${await send(guardedRequestOptions(target))}`);
      }
    }
    assert.deepEqual(leaks, []);
    assert.equal(seen() - before, 0);
  });

  it('reaches the IPv4 canary through guardedRequestOptions when private targets are allowed', async () => {
    const before = seen();
    const target = await checkUrl(`http://2130706433:${canaries[0]!.port}/ping`, { allowPrivate: true });
    assert.equal(await send(guardedRequestOptions(target)), 200);
    assert.equal(seen() - before, 1);
  });

  it('reaches the canary by name through pinnedLookup, though DNS has since rebound', async () => {
    let calls = 0;
    const rebinding: LookupFn = async () => [{ address: calls++ === 0 ? '127.0.0.1' : '192.0.2.1', family: 4 }];
    const target = await checkUrl(`http://rebind.test:${canaries[0]!.port}/`, { allowPrivate: true, lookup: rebinding });
    await rebinding('rebind.test', { all: true, verbatim: true }); // the resolver now answers an unreachable address
    const status = await send({ hostname: 'rebind.test', port: canaries[0]!.port, path: '/', lookup: pinnedLookup(target) });
    assert.equal(status, 200);
  });
});
