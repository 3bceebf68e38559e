// A TCP proxy on 127.0.0.1 in front of the real PostgreSQL, for tests of what the driver does when
// the server ends a session at an awkward moment. It passes bytes through untouched, except that it
// can be armed to hold the next session's first ReadyForQuery, terminate that backend through a
// separate connection, and hand the client the ReadyForQuery and the server's own FATAL message
// (57P01 terminating connection) in one write: the client then sees "connected" and "terminated"
// in the same socket read, with no turn of the event loop in between. It can also cut every
// session at once and refuse new ones until told otherwise (the database gone). Event-driven, no timers.
import { type AddressInfo, type Socket, createServer, connect as tcpConnect } from 'node:net';
import pg from 'pg';

/** PgProxy is a running proxy: a URL to give the driver, a switch to arm, and close. */
export interface PgProxy {
  /** url is the database URL with its host and port replaced by the proxy's. */
  url: string;
  /** killNextAtReady arms the proxy for the next session it opens; resolves with that backend's pid once its FATAL was forwarded. */
  killNextAtReady(): Promise<number>;
  /** block cuts every open session now and refuses new ones until unblock. */
  block(): void;
  unblock(): void;
  /** sessions counts the sessions opened through the proxy so far. */
  readonly sessions: number;
  close(): Promise<void>;
}

/** startPgProxy listens on 127.0.0.1 and forwards each connection to the server `url` names. */
export async function startPgProxy(url: string): Promise<PgProxy> {
  const target = new URL(url);
  const sockets = new Set<Socket>();
  let sessions = 0;
  let armed: ((pid: number) => void) | null = null;
  let blocked = false;

  const server = createServer((client) => {
    if (blocked) return void client.destroy();
    sessions++;
    const upstream = tcpConnect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    client.on('data', (chunk) => upstream.write(chunk));
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    const done = armed;
    armed = null;
    if (!done) {
      upstream.on('data', (chunk) => client.write(chunk));
      return;
    }
    // Armed: read the server's messages (type byte, int32 length including itself), pass them on
    // until the first ReadyForQuery, keep that one back, kill the backend, and forward the held
    // ReadyForQuery together with the ErrorResponse the server sends as it goes.
    let pending = Buffer.alloc(0);
    let pid = 0;
    let held: Buffer | null = null;
    upstream.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 5 && pending.length >= 1 + pending.readInt32BE(1)) {
        const message = pending.subarray(0, 1 + pending.readInt32BE(1));
        pending = pending.subarray(message.length);
        const type = String.fromCharCode(message[0]!);
        if (type === 'K') pid = message.readInt32BE(5);
        if (held === null && type === 'Z') {
          held = message;
          void terminate(url, pid);
        } else if (held !== null && type === 'E') {
          client.write(Buffer.concat([held, message]));
          done(pid);
        } else {
          client.write(message);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String((server.address() as AddressInfo).port);
  return {
    url: proxied.toString(),
    killNextAtReady: () => new Promise<number>((resolve) => (armed = resolve)),
    block: () => {
      blocked = true;
      for (const socket of sockets) socket.destroy();
    },
    unblock: () => {
      blocked = false;
    },
    get sessions() {
      return sessions;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** terminate ends backend `pid` from a connection of its own. */
async function terminate(url: string, pid: number): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
  } finally {
    await admin.end();
  }
}
