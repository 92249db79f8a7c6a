import type { FastifyInstance } from 'fastify';
import { cachePublicly, type PublicCacheSettings } from '../../http/http-cache.js';
import { registerSearchRoutes, type SearchRouteDeps } from './search.routes.js';

export type { SearchRouteDeps };

/** The storefront's search: /search, /api/v1/search and collection pages. */
export async function searchPlugin(app: FastifyInstance, options: SearchRouteDeps & { caching: PublicCacheSettings }): Promise<void> {
  // Anonymous answers are the same for everyone: CloudFront may serve them (ETag, 304, s-maxage).
  cachePublicly(app, options.caching);
  registerSearchRoutes(app, options);
}
