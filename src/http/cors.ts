import cors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

const apiPath = /^\/api\//;

/**
 * CORS is closed unless CORS_ORIGINS lists origins, and even then it opens only the JSON API (`/api/`),
 * only to exactly those origins, and never with credentials: a cross-origin caller authenticates with a
 * bearer token, so browsers never attach our cookies to its calls (which is also why such calls need
 * no CSRF token; see csrf.ts). Pages, forms and webhooks never answer cross-origin reads.
 */
export async function registerCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  if (origins.length === 0) return;
  const api: FastifyCorsOptions = {
    origin: [...origins],
    credentials: false,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id'],
    exposedHeaders: ['x-request-id', 'retry-after', 'location'],
    maxAge: 600,
    strictPreflight: true,
  };
  await app.register(cors, {
    hideOptionsRoute: true,
    delegator: (request, callback) => callback(null, apiPath.test(request.url) ? api : { origin: false }),
  });
}
