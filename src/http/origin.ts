import type { FastifyRequest } from 'fastify';

/**
 * requestOrigin is `scheme://host[:port]` as the client reached this server, for the absolute
 * links some dialects answer with. Behind a proxy it is what the proxy forwarded as Host.
 */
export function requestOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}
