import { createInventoryService } from '../../src/modules/inventory/index.js';
import { createMediaUrls } from '../../src/modules/media/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it('sees changes once the TTL has passed, or at once after invalidate()', async () => {
    let now = 1_000;
    const cached = withReadCache(createCatalogService({ db: database.db, inventory: createInventoryService({ db: database.db }), media: createMediaUrls() }), { ttlMs: 5_000, clock: { now: () => now } });
    const before = await cached.getProduct('waxed-canvas-tote');
    await database.db.updateTable('product').set({ name: 'Waxed Canvas Tote Bag' }).where('slug', '=', 'waxed-canvas-tote').execute();
    expect((await cached.getProduct('waxed-canvas-tote')).name).toBe(before.name);
    now += 4_000;
    expect((await cached.getProduct('waxed-canvas-tote')).name).toBe(before.name);
    now += 1_001;
    expect((await cached.getProduct('waxed-canvas-tote')).name).toBe('Waxed Canvas Tote Bag');
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
