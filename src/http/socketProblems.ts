import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { InvalidRequestError, type LongrunError, NotFoundError, ulid } from '../domain/index.js';
import { problemBody } from './problem.js';

/**
 * Answers for requests that never reach Fastify's router: HTTP the parser refuses (a bad version,
 * bad header syntax, a duplicate Content-Length, headers over the size limit) and CONNECT, which
 * Node hands to a 'connect' listener or else closes without a word. Each gets the same
 * application/problem+json, with an X-Request-Id, written straight to the socket, which is then
 * closed: after a parse error nothing more on that connection can be trusted.
 */

/** clientErrorAnswer is Fastify's clientErrorHandler: a problem for HTTP the parser refused. */
export function clientErrorAnswer(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has no one to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  writeProblem(socket, parseProblem(error));
}

/** connectAnswer is the server's 'connect' listener: Longrun is no proxy, so CONNECT is an unknown route. */
export function connectAnswer(request: { url?: string }, socket: Duplex): void {
  writeProblem(socket, new NotFoundError(`No route CONNECT ${request.url ?? ''}`.trim()));
}

function parseProblem(error: Error & { code?: string }): LongrunError {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new InvalidRequestError('The request headers are larger than the server accepts', undefined, 431);
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new InvalidRequestError('The request did not arrive in time', undefined, 408);
    default:
      return new InvalidRequestError(`The request is not well-formed HTTP/1.1 (${error.code ?? 'parse error'})`);
  }
}

function writeProblem(socket: Duplex, error: LongrunError): void {
  if (socket.writable) {
    const body = JSON.stringify(problemBody(error));
    socket.write(
      [
        `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}`,
        'Content-Type: application/problem+json',
        `Content-Length: ${Buffer.byteLength(body)}`,
        `X-Request-Id: req_${ulid()}`,
        'Connection: close',
        '',
        body,
      ].join('\r\n'),
    );
  }
  // Flush the answer, then close both ways: the client may still be sending.
  socket.end(() => socket.destroy());
}
