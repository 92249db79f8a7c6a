/** The catalog module's public face: what other modules, the back office and app.ts may use. */
export { withReadCache } from './catalog.cache.js';
export type { CatalogChange, CatalogChangeListener } from './catalog.changes.js';
export { catalogPlugin } from './catalog.plugin.js';
export { createCatalogSitemap } from './catalog.sitemap.js';
export { SlugParams } from './catalog.schemas.js';
export { createCatalogService, type CatalogService } from './catalog.service.js';
export { seedDemoCatalog, type SeedResult } from './demo/seed-demo.js';
