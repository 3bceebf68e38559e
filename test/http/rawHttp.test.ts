// HTTP that never reaches a route: what the parser refuses, and CONNECT. Each must still get an
// application/problem+json answer with a request id, as everything else does, and the server must
// go on serving. Spoken as raw bytes over TCP to the real server on 127.0.0.1.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type TestServer, startTestServer } from '../helpers/server.js';

/** RawAnswer is an answer read off the socket until the server closed it. */
interface RawAnswer {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** exchange writes `request` as it is and reads everything the server sends until it closes the connection. */
function exchange(serverUrl: string, request: string): Promise<RawAnswer> {
  const { hostname, port } = new URL(serverUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n', 2);
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = new Map(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
    socket.write(request);
  });
}

describe('requests that reach no route', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const cases: { name: string; request: string; status: number; code: string }[] = [
    { name: 'CONNECT', request: 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n', status: 404, code: 'not_found' },
    { name: 'a bad HTTP version', request: 'GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n', status: 400, code: 'invalid_request' },
    { name: 'a header line without a colon', request: 'GET /healthz HTTP/1.1\r\nHost: x\r\nNot a header\r\n\r\n', status: 400, code: 'invalid_request' },
    {
      name: 'two Content-Length headers',
      request: 'POST /v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
      status: 400,
      code: 'invalid_request',
    },
    { name: 'a 70 KB header', request: `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(70_000)}\r\n\r\n`, status: 431, code: 'invalid_request' },
  ];

  for (const c of cases) {
    it(`answers ${c.name} with ${c.status} ${c.code} as problem+json`, async () => {
      const answer = await exchange(server.url, c.request);
      assert.equal(answer.status, c.status, `${answer.status} ${answer.body}`);
      assert.equal(answer.headers.get('content-type'), 'application/problem+json');
      assert.match(answer.headers.get('x-request-id') ?? '', /^req_/);
      const problem = JSON.parse(answer.body);
      assert.equal(problem.code, c.code);
      assert.equal(problem.status, c.status);
      assert.equal(problem.type, `urn:longrun:problem:${c.code}`);
      assert.equal(typeof problem.detail, 'string');
      assert.equal(Number(answer.headers.get('content-length')), Buffer.byteLength(answer.body));
      // And the server still serves.
      assert.equal((await server.request('GET', '/healthz')).status, 200);
    });
  }
});
