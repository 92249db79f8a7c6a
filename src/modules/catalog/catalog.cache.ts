import { LRUCache } from 'lru-cache';
import type { CatalogService } from './catalog.service.js';

type Loader = () => Promise<object>;

/**
 * A short-lived read-through cache in front of the catalog. Storefront pages read the same categories
 * and listings many times a second; holding each answer for a few seconds turns most page views into
 * zero queries, and concurrent misses for one key share a single query (no stampede).
 *
 * Values are shared between requests and must be treated as read-only. Staleness is bounded by the TTL
 * on every instance; a writer in this process may call `invalidate()` to drop everything at once.
 * Errors (such as not-found) are never cached.
 */
export function withReadCache(service: CatalogService, options: { ttlMs: number; max?: number; clock?: { now(): number } }): CatalogService & { invalidate(): void } {
  if (options.ttlMs <= 0) return { ...service, invalidate: () => undefined };
  const cache = new LRUCache<string, object, Loader>({
    max: options.max ?? 2_000,
    ttl: options.ttlMs,
    ...(options.clock ? { perf: options.clock, ttlResolution: 0 } : {}),
    fetchMethod: async (_key, _stale, { context }) => context(),
  });
  const read = async <T extends object>(key: string, load: () => Promise<T>): Promise<T> => (await cache.fetch(key, { context: load })) as T;

  return {
    listCategories: () => read('categories', () => service.listCategories()),
    getCategory: (slug) => read(`category:${slug}`, () => service.getCategory(slug)),
    listProducts: (query) => read(`products:${JSON.stringify([query.category, query.limit, query.offset, query.featuredFirst])}`, () => service.listProducts(query)),
    getProduct: (ref) => read(`product:${ref}`, () => service.getProduct(ref)),
    findProducts: (refs) => read(`find:${JSON.stringify([refs.ids, refs.slugs])}`, () => service.findProducts(refs)),
    invalidate: () => cache.clear(),
  };
}
