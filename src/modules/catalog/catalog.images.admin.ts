import type { AdminContribution } from '../../backoffice/index.js';
import { registerProductImageRoutes, type ProductImageRouteDeps } from './catalog.images.routes.js';

/**
 * Product images in the back office: the page at /admin/products/:id/images and its staff API. It has no
 * sidebar entry of its own: it is reached from a product (Products, catalog.write).
 */
export function productImagesAdmin(deps: ProductImageRouteDeps): AdminContribution {
  return { name: 'catalog-images', register: (app, shell) => registerProductImageRoutes(app, shell, deps) };
}
