// A real webhook receiver for tests: node:http on 127.0.0.1, answering each request as scripted
// (a status, headers, a body, or never), recording what it got, and signalling each arrival so
// tests wait for a request instead of sleeping. Plus a canary that only counts connections.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** ReceivedRequest is one request as the receiver got it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Reply is how the receiver answers one request: a status with optional headers and body, or `hang` (never answer). */
export type Reply = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

/** Receiver is a started receiver; answer() scripts the next replies (default 200). */
export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** answer queues replies for the next requests, in order. */
  answer(...replies: Reply[]): void;
  /** nextRequest resolves with the request number `index` (0-based) once it has arrived. */
  request(index: number): Promise<ReceivedRequest>;
  close(): Promise<void>;
}

/** startReceiver starts a receiver on a free port of 127.0.0.1. */
export async function startReceiver(): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const replies: Reply[] = [];
  const waiters = new Map<number, (r: ReceivedRequest) => void>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      const index = requests.push(received) - 1;
      const reply = replies.shift() ?? { status: 200 };
      if (reply !== 'hang') {
        res.writeHead(reply.status, reply.headers);
        res.end(reply.body ?? '');
      }
      waiters.get(index)?.(received);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    answer: (...more) => replies.push(...more),
    request: (index) => (requests[index] ? Promise.resolve(requests[index]) : new Promise((resolve) => waiters.set(index, resolve))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Canary is a loopback listener that must never be reached; `connections` counts attempts. */
export interface Canary {
  url: string;
  connections: number;
  close(): Promise<void>;
}

/** startCanary starts a canary on a free port of 127.0.0.1. */
export async function startCanary(): Promise<Canary> {
  const server = http.createServer((_req, res) => res.end('canary'));
  const canary = { url: '', connections: 0, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  server.on('connection', () => canary.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  canary.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/canary`;
  return canary;
}
