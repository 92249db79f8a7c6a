import { describe, expect, it, vi } from 'vitest';
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

  it('answers an expired query from the old entry while one call reloads it', async () => {
    let now = 0;
    const { browse, calls } = counting();
    const cached = withListingCache(browse, { ttlMs: 1_000, staleMs: 5_000, clock: { now: () => now } });
    const first = await cached.list(query);
    now = 1_500;
    const [a, b] = await Promise.all([cached.list(query), cached.list(query)]);
    expect(a).toBe(first);
    expect(b).toBe(first);
    expect(calls).toHaveLength(2);
    await vi.waitFor(async () => expect((await cached.list(query)).total).toBe(2));
    expect(calls).toHaveLength(2);
  });

  it('never keeps what a load begun before invalidate() returns', async () => {
    let release: () => void = () => undefined;
    let n = 0;
    const browse: CatalogBrowse = {
      list: async (q) => {
        n++;
        if (n === 1) await new Promise<void>((resolve) => (release = resolve));
        return { items: [], total: n, limit: q.limit, offset: q.offset };
      },
    };
    const cached = withListingCache(browse, { ttlMs: 60_000 });
    const early = cached.list(query);
    await vi.waitFor(() => expect(n).toBe(1));
    cached.invalidate();
    release();
    expect((await early).total).toBe(1);
    expect((await cached.list(query)).total).toBe(2);
  });

  it('passes every call through with a TTL of 0', async () => {
    const { browse, calls } = counting();
    const cached = withListingCache(browse, { ttlMs: 0 });
    await cached.list(query);
    await cached.list(query);
    expect(calls).toHaveLength(2);
  });
});
