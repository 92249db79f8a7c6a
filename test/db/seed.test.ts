import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalObjectStore } from '../../src/adapters/storage/local.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import { seedDemoCatalog } from '../../src/modules/catalog/demo/seed-demo.js';
import { openTestDatabase } from '../support/test-database.js';

let database: DatabaseHandle;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => database.close());

describe('demo catalog', () => {
  it('holds at least 40 active products in at least 5 categories, each with variants and an image', async () => {
    const db = database.db;
    const categories = await db.selectFrom('category').select('id').execute();
    const products = await db.selectFrom('product').select(['id', 'status']).execute();
    expect(categories.length).toBeGreaterThanOrEqual(5);
    expect(products.filter((p) => p.status === 'active').length).toBeGreaterThanOrEqual(40);
    const withoutVariants = await db
      .selectFrom('product as p')
      .leftJoin('product_variant as v', 'v.product_id', 'p.id')
      .where('v.id', 'is', null)
      .select('p.slug')
      .execute();
    expect(withoutVariants).toEqual([]);
    const withoutImages = await db
      .selectFrom('product as p')
      .leftJoin('product_image as i', 'i.product_id', 'p.id')
      .where('i.id', 'is', null)
      .select('p.slug')
      .execute();
    expect(withoutImages).toEqual([]);
  });

  it('prices every variant in whole minor units', async () => {
    const variants = await database.db.selectFrom('product_variant').select(['price_amount', 'compare_at_amount', 'currency']).execute();
    expect(variants.length).toBeGreaterThan(100);
    for (const v of variants) {
      expect(Number.isInteger(v.price_amount)).toBe(true);
      expect(v.price_amount).toBeGreaterThan(0);
      if (v.compare_at_amount !== null) expect(v.compare_at_amount).toBeGreaterThan(v.price_amount);
      expect(v.currency).toBe('GBP');
    }
  });

  it('does nothing on a catalog that already has data', async () => {
    const root = await mkdtemp(join(tmpdir(), 'bastion-seed-'));
    const before = await database.db.selectFrom('product').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const result = await seedDemoCatalog({ db: database.db, store: createLocalObjectStore(root), currency: 'GBP' });
    expect(result.seeded).toBe(false);
    expect(await readdir(root)).toEqual([]);
    const after = await database.db.selectFrom('product').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('draws images locally and stores them by content hash, reusing ones that exist', async () => {
    const root = await mkdtemp(join(tmpdir(), 'bastion-seed-'));
    const store = createLocalObjectStore(root);
    await database.db.deleteFrom('product').execute();
    await database.db.deleteFrom('category').execute();
    const first = await seedDemoCatalog({ db: database.db, store, currency: 'GBP' });
    expect(first).toMatchObject({ seeded: true, categories: 6, products: 48 });
    // One folder per image, named by the hash of its content, holding each rendition in AVIF and WebP.
    // Identical drawings are one object: every image row points at one of the folders, and no folder is unused.
    const folders = await readdir(join(root, 'media', 'i'));
    const keys = await database.db.selectFrom('product_image').select('storage_key').distinct().execute();
    expect(keys.map((k) => k.storage_key).sort()).toEqual(folders.map((f) => `media/i/${f}`).sort());
    expect(folders.length).toBeLessThanOrEqual(first.images);
    expect(folders.every((f) => /^[0-9a-f]{64}$/.test(f))).toBe(true);
    const renditions = (await readdir(join(root, 'media', 'i', folders[0]!))).sort();
    expect(renditions.some((f) => /^\d+\.avif$/.test(f)) && renditions.some((f) => /^\d+\.webp$/.test(f))).toBe(true);
  });
});
