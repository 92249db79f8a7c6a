import type { FastifyInstance } from 'fastify';
import { registerCatalogRoutes, type CatalogRouteDeps } from './catalog.routes.js';

/** The storefront's catalog: home, category and product pages, and the public catalog API. */
export async function catalogPlugin(app: FastifyInstance, options: CatalogRouteDeps): Promise<void> {
  registerCatalogRoutes(app, options);
}
