import type { FastifyInstance } from 'fastify';
import { registerSearchRoutes, type SearchRouteDeps } from './search.routes.js';

export type { SearchRouteDeps };

/** The storefront's search: /search, /api/v1/search and collection pages. */
export async function searchPlugin(app: FastifyInstance, options: SearchRouteDeps): Promise<void> {
  registerSearchRoutes(app, options);
}
