import { createReadCache } from '../../kernel/read-cache.js';
import type { CatalogBrowse, ListingQuery } from '../catalog/index.js';

/**
 * A short-lived read-through cache in front of listings, like the catalog's read cache: the same category
 * page, home page or popular search is asked for many times a second, and its count and facets are the
 * part that grows with the catalog. Concurrent misses for one query share one load, and an expired answer
 * is served while one request reloads it (stale while revalidate). Staleness is bounded by the TTL plus
 * `staleMs` on every instance; `invalidate()` drops everything (the catalog change signal calls it).
 */
export function withListingCache<T extends CatalogBrowse>(
  browse: T,
  options: { ttlMs: number; staleMs?: number; max?: number; clock?: { now(): number } },
): T & { invalidate(): void } {
  if (options.ttlMs <= 0) return { ...browse, invalidate: () => undefined };
  const cache = createReadCache(options);
  const keyOf = (q: ListingQuery): string =>
    JSON.stringify([q.text, q.categoryId, q.categorySlug, q.collectionId, q.priceMin, q.priceMax, q.options, q.inStock, q.sort, q.limit, q.offset, q.facets, q.total]);
  return {
    ...browse,
    list: (query: ListingQuery) => cache.read(keyOf(query), () => browse.list(query)),
    invalidate: () => cache.clear(),
  };
}
