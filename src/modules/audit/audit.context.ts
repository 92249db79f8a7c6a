import type { FastifyRequest } from 'fastify';

/**
 * The request facts an audit event carries: the client IP (as resolved by Fastify's trustProxy, so a
 * forged X-Forwarded-For from an untrusted peer is ignored) and the request id.
 */
export function requestContext(request: FastifyRequest): { clientIp: string; requestId: string } {
  return { clientIp: request.ip, requestId: String(request.id) };
}
