import type { Db } from '../../db/database.js';
import * as repo from './catalog.repository.js';

/** The catalog's pages for the sitemap, by kind (the sitemap module's SitemapSource). */
export function createCatalogSitemap(deps: { db: Db }) {
  const source = (kind: repo.SitemapKind, prefix: string) => ({
    name: kind,
    stats: () => repo.countSitemapEntries(deps.db, kind),
    async entries(offset: number, limit: number) {
      const rows = await repo.findSitemapEntries(deps.db, kind, offset, limit);
      return rows.map((r) => ({ path: `${prefix}/${r.slug}`, lastModified: r.updated_at }));
    },
  });
  // Storefront collection pages live at /collections/:slug.
  return [source('products', '/p'), source('categories', '/c'), source('collections', '/collections')];
}
