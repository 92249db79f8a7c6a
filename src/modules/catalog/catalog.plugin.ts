import type { FastifyInstance } from 'fastify';
import { cachePublicly, type PublicCacheSettings } from '../../http/http-cache.js';
import type { CollectionsService } from './catalog.collections.service.js';
import { registerPublicCollectionRoutes } from './catalog.collections.routes.js';
import { registerCatalogRoutes, type CatalogRouteDeps } from './catalog.routes.js';

/** The storefront's catalog: home, category and product pages, and the public catalog API. */
export async function catalogPlugin(app: FastifyInstance, options: CatalogRouteDeps & { collections?: CollectionsService; caching: PublicCacheSettings }): Promise<void> {
  // Anonymous catalog answers are the same for everyone: CloudFront may serve them (ETag, 304, s-maxage).
  cachePublicly(app, options.caching);
  registerCatalogRoutes(app, options);
  if (options.collections) registerPublicCollectionRoutes(app, { collections: options.collections });
}
