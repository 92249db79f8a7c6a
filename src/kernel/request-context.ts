import type { FastifyRequest } from 'fastify';

/** Who acts: staff, a customer, the system itself, or nobody signed in. */
export type ActorType = 'staff' | 'customer' | 'system' | 'anonymous';

/** The acting party of a change, as the audit trail records it. */
export interface Actor {
  type: ActorType;
  id?: string | null;
  role?: string | null;
}

/** The request facts a change carries into the audit trail. */
export interface RequestContext {
  clientIp: string;
  requestId: string;
}

/**
 * The client IP (as resolved by Fastify's trustProxy, so a forged X-Forwarded-For from an untrusted
 * peer is ignored) and the server's request id.
 */
export function requestContext(request: FastifyRequest): RequestContext {
  return { clientIp: request.ip, requestId: String(request.id) };
}
