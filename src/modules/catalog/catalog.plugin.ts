import type { FastifyInstance } from 'fastify';
import type { CollectionsService } from './catalog.collections.service.js';
import { registerPublicCollectionRoutes } from './catalog.collections.routes.js';
import { registerCatalogRoutes, type CatalogRouteDeps } from './catalog.routes.js';

/** The storefront's catalog: home, category and product pages, and the public catalog API. */
export async function catalogPlugin(app: FastifyInstance, options: CatalogRouteDeps & { collections?: CollectionsService }): Promise<void> {
  registerCatalogRoutes(app, options);
  if (options.collections) registerPublicCollectionRoutes(app, { collections: options.collections });
}
