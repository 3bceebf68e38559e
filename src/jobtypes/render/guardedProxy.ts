/**
 * The guarded forward proxy that every request of a render job's page goes through. Chromium is
 * told to use it for every URL, loopback included (`<-loopback>`), so the page never does its own
 * DNS or opens its own connections: plain http arrives here as an absolute-form request, https
 * and wss as a CONNECT tunnel. Each target passes the URL guard (checkUrl) and the connection goes
 * to the address that was checked (src/egress's guarded connect), so DNS rebinding has nothing to
 * act on; a redirect is a new request from Chromium and is checked again. Why a proxy and what it
 * costs: docs/design.md, "Render jobs and the URL guard".
 */
import { type IncomingMessage, type ServerResponse, Agent, createServer, request as httpRequest } from 'node:http';
import { type Socket, connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { type CheckedTarget, UnsafeTargetError, guardedRequestOptions, guardedSocketOptions } from '../../egress/index.js';

/** TargetCheck decides whether a URL may be requested; it throws UnsafeTargetError to refuse. */
export type TargetCheck = (url: string) => Promise<CheckedTarget>;

/** ProxyRefusal is one request the proxy refused: the URL (no query) and the guard's reason. */
export interface ProxyRefusal {
  url: string;
  reason: string;
  message: string;
}

/** ProxyFailure is one allowed request whose target could not be reached: the URL (no query) and why. */
export interface ProxyFailure {
  url: string;
  message: string;
}

/** GuardedProxy is a running proxy for one browser context. */
export interface GuardedProxy {
  /** server is the `http://127.0.0.1:port` Chromium is pointed at. */
  server: string;
  /** refusals lists what the guard refused, in order. */
  refusals: ProxyRefusal[];
  /** unreachable lists allowed targets the proxy could not connect to (refused, reset, timed out), in order. */
  unreachable: ProxyFailure[];
  /** close stops listening and cuts every connection still open. */
  close(): Promise<void>;
}

// Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and are not forwarded.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * startGuardedProxy listens on a free port of 127.0.0.1 and forwards what `check` allows.
 * `idleMs` closes connections that stay silent that long.
 */
export async function startGuardedProxy(p: { check: TargetCheck; idleMs: number }): Promise<GuardedProxy> {
  const refusals: ProxyRefusal[] = [];
  const unreachable: ProxyFailure[] = [];
  const sockets = new Set<Duplex>();
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const track = (socket: Duplex) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  const refuse = (url: string, error: unknown): ProxyRefusal => {
    const refusal = {
      url: url.split('?')[0]!.slice(0, 500),
      reason: error instanceof UnsafeTargetError ? error.reason : 'invalid_url',
      message: error instanceof Error ? error.message : String(error),
    };
    refusals.push(refusal);
    return refusal;
  };
  const fail = (url: string, error: unknown): ProxyFailure => {
    const failure = { url: url.split('?')[0]!.slice(0, 500), message: (error instanceof Error ? error.message : String(error)).slice(0, 300) };
    unreachable.push(failure);
    return failure;
  };
  // Header values must be printable ASCII; the renderer reads them back as the reason.
  const headerSafe = (text: string) => text.replace(/[^\x20-\x7e]/g, '?').slice(0, 300);

  const server = createServer((request, response) => void forward(request, response));
  server.on('connection', track);

  async function forward(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = request.url ?? '';
    let target: CheckedTarget;
    try {
      // Only absolute http URLs come to a forward proxy; https arrives as CONNECT.
      if (!url.startsWith('http://')) throw new UnsafeTargetError('scheme', 'Only http URLs are forwarded; https goes through CONNECT');
      target = await p.check(url);
    } catch (error) {
      const refusal = refuse(url, error);
      // The header tells the renderer that this answer is ours, not the target's.
      const reason = headerSafe(refusal.message);
      response
        .writeHead(403, { 'content-type': 'text/plain; charset=utf-8', 'x-longrun-refused': reason, connection: 'close' })
        .end(`Refused by Longrun: ${reason}\n`);
      return;
    }
    const options = guardedRequestOptions(target);
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    headers.host = options.headers.host;
    const upstream = httpRequest({ ...options, agent, method: request.method, headers, timeout: p.idleMs }, (answer) => {
      const answerHeaders: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) answerHeaders[name] = value;
      }
      response.writeHead(answer.statusCode ?? 502, answer.statusMessage, answerHeaders);
      answer.pipe(response);
    });
    upstream.on('timeout', () => upstream.destroy(new Error('upstream timed out')));
    upstream.on('error', (error) => {
      if (response.headersSent) return void response.destroy();
      // As with a refusal, the header marks the answer as ours: the target was never reached.
      const reason = headerSafe(fail(url, error).message);
      response.writeHead(502, { 'content-type': 'text/plain', 'x-longrun-unreachable': reason, connection: 'close' }).end(`Bad gateway: ${reason}\n`);
    });
    request.pipe(upstream);
  }

  server.on('connect', (request: IncomingMessage, client: Duplex, head: Buffer) => {
    track(client);
    client.on('error', () => client.destroy());
    const authority = request.url ?? '';
    // The scheme only satisfies the URL parser; the guard judges the host and the port.
    p.check(`https://${authority}/`).then(
      (target) => {
        const upstream: Socket = connect({ ...guardedSocketOptions(target), timeout: p.idleMs });
        track(upstream);
        let tunnelled = false;
        upstream.once('connect', () => {
          tunnelled = true;
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          if (head.length > 0) upstream.write(head);
          upstream.pipe(client);
          client.pipe(upstream);
        });
        upstream.on('timeout', () => upstream.destroy(new Error('upstream timed out')));
        upstream.on('error', (error) => {
          if (!tunnelled) {
            // The tunnel was never established: say so, and why, instead of a bare hang-up.
            fail(`https://${authority}/`, error);
            client.end('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\n\r\n');
          } else client.destroy();
        });
        upstream.on('close', () => {
          if (tunnelled) client.destroy();
        });
        client.on('close', () => upstream.destroy());
      },
      (error: unknown) => {
        refuse(`https://${authority}/`, error);
        client.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      },
    );
  });
  // Chromium tunnels WebSockets through CONNECT; a bare upgrade here is not from it.
  server.on('upgrade', (_request: IncomingMessage, socket: Duplex) => socket.destroy());
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    server: `http://127.0.0.1:${port}`,
    refusals,
    unreachable,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await closed;
    },
  };
}
