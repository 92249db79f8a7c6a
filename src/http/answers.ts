import type { FastifyInstance } from 'fastify';
import type { ErrorCategory } from '../kernel/errors.js';

/** The one mapping of error categories to HTTP statuses; API errors and form pages both read it. */
export const statusOfCategory: Record<ErrorCategory, number> = {
  invalid_data: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};

/** Responses that carry personal data or form tokens: never stored by a browser or a shared cache. */
export const privateNoStore = 'private, no-store';

/** Marks every answer of an encapsulated scope (an API of personal data) as never to be stored. */
export function storeNothing(scope: FastifyInstance): void {
  scope.addHook('onSend', async (_request, reply, payload) => {
    reply.header('cache-control', privateNoStore);
    return payload;
  });
}
