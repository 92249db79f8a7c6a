import { LRUCache } from 'lru-cache';
import type { CatalogBrowse, ListingQuery, ListingResult } from '../catalog/index.js';

type Loader = () => Promise<ListingResult>;

/**
 * A short-lived read-through cache in front of listings, like the catalog's read cache: the same category
 * page, home page or popular search is asked for many times a second, and its count and facets are the
 * part that grows with the catalog. Concurrent misses for one query share one load. Staleness is bounded
 * by the TTL on every instance; `invalidate()` drops everything (the catalog change signal calls it).
 */
export function withListingCache<T extends CatalogBrowse>(browse: T, options: { ttlMs: number; max?: number }): T & { invalidate(): void } {
  if (options.ttlMs <= 0) return { ...browse, invalidate: () => undefined };
  const cache = new LRUCache<string, ListingResult, Loader>({
    max: options.max ?? 2_000,
    ttl: options.ttlMs,
    fetchMethod: async (_key, _stale, { context }) => context(),
  });
  const keyOf = (q: ListingQuery): string =>
    JSON.stringify([q.text, q.categoryId, q.categorySlug, q.collectionId, q.priceMin, q.priceMax, q.options, q.inStock, q.sort, q.limit, q.offset, q.facets, q.total]);
  return {
    ...browse,
    list: async (query: ListingQuery) => (await cache.fetch(keyOf(query), { context: () => browse.list(query) }))!,
    invalidate: () => cache.clear(),
  };
}
