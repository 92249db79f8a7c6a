import { describe, expect, it } from 'vitest';
import type { CatalogBrowse, ListingQuery } from '../catalog/index.js';
import { withListingCache } from './search.cache.js';

const counting = () => {
  const calls: ListingQuery[] = [];
  const browse: CatalogBrowse = { list: async (q) => (calls.push(q), { items: [], total: calls.length, limit: q.limit, offset: q.offset }) };
  return { browse, calls };
};
const query: ListingQuery = { sort: 'newest', limit: 8, offset: 0 };

describe('listing cache', () => {
  it('answers the same query once within the TTL, and again after invalidate()', async () => {
    const { browse, calls } = counting();
    const cached = withListingCache(browse, { ttlMs: 60_000 });
    const [a, b] = await Promise.all([cached.list(query), cached.list({ ...query })]);
    expect(calls).toHaveLength(1);
    expect(b).toBe(a);
    await cached.list({ ...query, offset: 8 });
    expect(calls).toHaveLength(2);
    cached.invalidate();
    await cached.list(query);
    expect(calls).toHaveLength(3);
  });

  it('passes every call through with a TTL of 0', async () => {
    const { browse, calls } = counting();
    const cached = withListingCache(browse, { ttlMs: 0 });
    await cached.list(query);
    await cached.list(query);
    expect(calls).toHaveLength(2);
  });
});
