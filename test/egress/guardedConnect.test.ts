// Guarded connect for raw sockets (the render proxy's CONNECT tunnels): the options name the
// address the guard checked and the URL's port, so a name that rebinds after the check cannot
// move the connection.
import assert from 'node:assert/strict';
import { type AddressInfo, type Server, connect, createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type LookupFn, checkUrl, guardedSocketOptions } from '../../src/egress/index.js';

/** rebinding answers `first` to the guard's lookup and `later` to every lookup after it. */
function rebinding(first: string, later: string): LookupFn {
  let calls = 0;
  return async () => [{ address: calls++ === 0 ? first : later, family: 4 }];
}

describe('guardedSocketOptions', () => {
  it("takes the checked address and the URL's port, or its scheme's default", async () => {
    const lookup: LookupFn = async () => [{ address: '93.184.216.34', family: 4 }];
    const at = async (url: string) => guardedSocketOptions(await checkUrl(url, { allowPrivate: false, lookup }));
    assert.deepEqual(await at('https://example.com:8443/'), { host: '93.184.216.34', port: 8443 });
    assert.deepEqual(await at('https://example.com/'), { host: '93.184.216.34', port: 443 });
    assert.deepEqual(await at('http://example.com/'), { host: '93.184.216.34', port: 80 });
    assert.deepEqual(await at('https://[2606:4700::1111]:444/'), { host: '2606:4700::1111', port: 444 });
  });

  describe('on a real socket', () => {
    let server: Server;
    let port: number;
    before(async () => {
      server = createServer((socket) => socket.end('checked'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    after(() => server.close());

    it('reaches the checked address though DNS has since rebound', async () => {
      const target = await checkUrl(`https://rebind.test:${port}/`, { allowPrivate: true, lookup: rebinding('127.0.0.1', '192.0.2.1') });
      const socket = connect(guardedSocketOptions(target));
      const answer = await new Promise<string>((resolve, reject) => {
        let text = '';
        socket.on('data', (chunk) => (text += chunk));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
      assert.equal(answer, 'checked');
    });
  });
});
