import { createReadCache } from '../../kernel/read-cache.js';
import type { CatalogService } from './catalog.service.js';

/**
 * A short-lived read-through cache in front of the catalog. Storefront pages read the same categories
 * and listings many times a second; holding each answer for a few seconds turns most page views into
 * zero queries, and concurrent misses for one key share a single query (no stampede). An expired answer
 * is served for a while longer (`staleMs`) while one request reloads it, so expiry costs no one a wait.
 *
 * Values are shared between requests and must be treated as read-only. Staleness is bounded by the TTL
 * on every instance; a writer in this process may call `invalidate()` to drop everything at once.
 * Errors (such as not-found) are never cached.
 */
export function withReadCache(
  service: CatalogService,
  options: { ttlMs: number; staleMs?: number; max?: number; clock?: { now(): number } },
): CatalogService & { invalidate(): void } {
  if (options.ttlMs <= 0) return { ...service, invalidate: () => undefined };
  const cache = createReadCache(options);
  const read = <T>(key: string, load: () => Promise<T>): Promise<T> => cache.read(key, load);

  return {
    listCategories: () => read('categories', () => service.listCategories()),
    getCategory: (slug) => read(`category:${slug}`, () => service.getCategory(slug)),
    listProducts: (query) => read(`products:${JSON.stringify([query.category, query.limit, query.offset, query.featuredFirst])}`, () => service.listProducts(query)),
    getProduct: (ref) => read(`product:${ref}`, () => service.getProduct(ref)),
    findProducts: (refs) => read(`find:${JSON.stringify([refs.ids, refs.slugs])}`, () => service.findProducts(refs)),
    invalidate: () => cache.clear(),
  };
}
