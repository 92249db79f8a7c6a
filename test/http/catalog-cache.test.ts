import { createInventoryService } from '../../src/modules/inventory/index.js';
import { createMediaUrls } from '../../src/modules/media/index.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import { withReadCache } from '../../src/modules/catalog/catalog.cache.js';
import { createCatalogService, type CatalogService } from '../../src/modules/catalog/catalog.service.js';
import { openTestDatabase } from '../support/test-database.js';

let database: DatabaseHandle;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => database.close());

/** Counts calls that reach the real service (and so the database). */
function counting(service: CatalogService): { service: CatalogService; calls: () => number } {
  let n = 0;
  const wrap = <A extends unknown[], R>(fn: (...a: A) => Promise<R>) => (...a: A) => {
    n++;
    return fn(...a);
  };
  return {
    service: {
      listCategories: wrap(service.listCategories),
      getCategory: wrap(service.getCategory),
      listProducts: wrap(service.listProducts),
      getProduct: wrap(service.getProduct),
      findProducts: wrap(service.findProducts),
    },
    calls: () => n,
  };
}

describe('catalog read cache', () => {
  it('serves repeated and concurrent reads from one query', async () => {
    const inner = counting(createCatalogService({ db: database.db, inventory: createInventoryService({ db: database.db }), media: createMediaUrls() }));
    const cached = withReadCache(inner.service, { ttlMs: 60_000 });
    const results = await Promise.all(Array.from({ length: 20 }, () => cached.listProducts({ limit: 8, offset: 0 })));
    expect(inner.calls()).toBe(1);
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    await cached.listProducts({ limit: 8, offset: 8 });
    expect(inner.calls()).toBe(2);
  });

  it('serves an expired answer once while it reloads it, waits past the stale window, and drops everything on invalidate()', async () => {
    let now = 1_000;
    const inner = counting(createCatalogService({ db: database.db, inventory: createInventoryService({ db: database.db }), media: createMediaUrls() }));
    const cached = withReadCache(inner.service, { ttlMs: 5_000, staleMs: 10_000, clock: { now: () => now } });
    const before = await cached.getProduct('waxed-canvas-tote');
    await database.db.updateTable('product').set({ name: 'Waxed Canvas Tote Bag' }).where('slug', '=', 'waxed-canvas-tote').execute();
    expect((await cached.getProduct('waxed-canvas-tote')).name).toBe(before.name);
    now += 4_000;
    expect((await cached.getProduct('waxed-canvas-tote')).name).toBe(before.name);
    expect(inner.calls()).toBe(1);
    now += 1_001;
    // Expired: answered at once from the old entry, and one reload starts for everyone asking meanwhile.
    const [stale, alsoStale] = await Promise.all([cached.getProduct('waxed-canvas-tote'), cached.getProduct('waxed-canvas-tote')]);
    expect([stale.name, alsoStale.name]).toEqual([before.name, before.name]);
    await vi.waitFor(async () => expect((await cached.getProduct('waxed-canvas-tote')).name).toBe('Waxed Canvas Tote Bag'));
    expect(inner.calls()).toBe(2);
    // Past the TTL and the stale window together, a read waits for the database.
    await database.db.updateTable('product').set({ name: 'Waxed Canvas Tote Sack' }).where('slug', '=', 'waxed-canvas-tote').execute();
    now += 15_001;
    expect((await cached.getProduct('waxed-canvas-tote')).name).toBe('Waxed Canvas Tote Sack');
    await database.db.updateTable('product').set({ name: 'Waxed Canvas Tote' }).where('slug', '=', 'waxed-canvas-tote').execute();
    cached.invalidate();
    expect((await cached.getProduct('waxed-canvas-tote')).name).toBe('Waxed Canvas Tote');
  });

  it('never caches a failure', async () => {
    const inner = counting(createCatalogService({ db: database.db, inventory: createInventoryService({ db: database.db }), media: createMediaUrls() }));
    const cached = withReadCache(inner.service, { ttlMs: 60_000 });
    await expect(cached.getProduct('no-such-product')).rejects.toMatchObject({ code: 'CATALOG_PRODUCT_NOT_FOUND' });
    await expect(cached.getProduct('no-such-product')).rejects.toMatchObject({ code: 'CATALOG_PRODUCT_NOT_FOUND' });
    expect(inner.calls()).toBe(2);
  });

  it('is a pass-through when the TTL is 0', async () => {
    const inner = counting(createCatalogService({ db: database.db, inventory: createInventoryService({ db: database.db }), media: createMediaUrls() }));
    const cached = withReadCache(inner.service, { ttlMs: 0 });
    await cached.listCategories();
    await cached.listCategories();
    expect(inner.calls()).toBe(2);
  });
});
