import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLocalObjectStore } from '../../src/adapters/storage/local.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import { seedGeneratedCatalog, type GeneratedSeedResult } from '../../src/modules/catalog/index.js';
import { createInventoryService } from '../../src/modules/inventory/index.js';
import { openTestDatabase } from '../support/test-database.js';

/** `npm run seed -- --products N`: a realistic catalog, loaded in batches, that can be loaded again. */
let database: DatabaseHandle;
let first: GeneratedSeedResult;
const progress: [number, number][] = [];
const store = createLocalObjectStore(inject('objectsDir'));

const seed = (products: number, onProgress?: (done: number, total: number) => void): Promise<GeneratedSeedResult> =>
  seedGeneratedCatalog({ db: database.db, store, inventory: createInventoryService({ db: database.db }), currency: 'GBP' }, { products, batchSize: 40, ...(onProgress ? { onProgress } : {}) });

beforeAll(async () => {
  database = await openTestDatabase();
  first = await seed(100, (done, total) => progress.push([done, total]));
});
afterAll(async () => database.close());

const generated = () =>
  database.db
    .selectFrom('product as p')
    .innerJoin('category as c', 'c.id', 'p.category_id')
    .where('p.slug', '~', '-[0-9]+$')
    .select(['p.id', 'p.slug', 'p.name', 'p.status', 'p.options', 'p.tags', 'p.description', 'p.description_html', 'c.parent_id'])
    .execute();

describe('the generated catalog', () => {
  it('adds the products asked for, in batches, reporting progress after each', async () => {
    expect(first.products).toBe(100);
    expect(await generated()).toHaveLength(100);
    expect(progress).toEqual([[40, 100], [80, 100], [100, 100]]);
  });

  it('puts every product in a category below a top-level one', async () => {
    expect(first.categories).toBe(20);
    const rows = await generated();
    expect(rows.every((p) => p.parent_id !== null)).toBe(true);
    const parents = await database.db.selectFrom('category').select('slug').where('slug', 'in', ['clothing', 'kitchen', 'home', 'desk', 'carry']).where('parent_id', 'is', null).execute();
    expect(parents).toHaveLength(5);
  });

  it('gives each product a colour option, 1 to 6 variants that each name one value of every option, and whole-penny prices', async () => {
    const products = await generated();
    const variants = await database.db.selectFrom('product_variant').selectAll().where('product_id', 'in', products.map((p) => p.id)).execute();
    for (const p of products) {
      const own = variants.filter((v) => v.product_id === p.id);
      expect(own.length).toBeGreaterThanOrEqual(1);
      expect(own.length).toBeLessThanOrEqual(6);
      expect(p.options[0]!.name).toBe('Colour');
      const combinations = new Set(own.map((v) => JSON.stringify(v.options)));
      expect(combinations.size).toBe(own.length);
      for (const v of own) {
        expect(Object.keys(v.options).sort()).toEqual(p.options.map((o) => o.name).sort());
        for (const o of p.options) expect(o.values).toContain(v.options[o.name]);
        expect(Number.isInteger(v.price_amount) && v.price_amount > 0).toBe(true);
        if (v.compare_at_amount !== null) expect(v.compare_at_amount).toBeGreaterThan(v.price_amount);
        expect(v.currency).toBe('GBP');
      }
    }
    expect(variants.some((v) => v.compare_at_amount !== null)).toBe(true);
    expect(new Set(variants.map((v) => v.product_id)).size).toBe(100);
  });

  it('writes tags and a Markdown description with its HTML', async () => {
    for (const p of await generated()) {
      expect(p.status).toBe('active');
      expect(p.tags.length).toBeGreaterThan(0);
      expect(p.description).toMatch(/\n- \*\*Material:\*\* /);
      expect(p.description_html).toMatch(/^<p>.+<\/p>\n<ul>\n<li><strong>Material:<\/strong> /);
      expect(p.description_html).not.toContain('**');
    }
  });

  it('shows each product with one image, drawn once per art and colour and stored by content', async () => {
    const images = await database.db.selectFrom('product_image').select(['product_id', 'storage_key']).where('storage_key', 'like', 'media/products/generated-%').execute();
    expect(new Set(images.map((i) => i.product_id)).size).toBe(100);
    expect(images).toHaveLength(100);
    const keys = [...new Set(images.map((i) => i.storage_key))];
    expect(keys.length).toBeLessThanOrEqual(first.imagesDrawn);
    for (const key of keys) expect(await store.exists(key)).toBe(true);
  });

  it('opens a stock level for every variant through the inventory ledger', async () => {
    const { rows } = await sql<{ variants: number; levels: number; movements: number }>`
      select (select count(*)::int from product_variant v join product p on p.id = v.product_id where p.slug ~ '-[0-9]+$') as variants,
             (select count(*)::int from inventory_level l join product p on p.id = l.product_id where p.slug ~ '-[0-9]+$') as levels,
             (select count(*)::int from inventory_movement m join product_variant v on v.id = m.variant_id join product p on p.id = v.product_id
               where p.slug ~ '-[0-9]+$' and m.reason = 'Opening balance') as movements`.execute(database.db);
    expect(rows[0]).toEqual({ variants: first.variants, levels: first.variants, movements: first.variants });
  });

  it('adds more products on a second run, reusing its categories and numbering after the first', async () => {
    const again = await seed(30);
    expect(again.categories).toBe(0);
    expect(await generated()).toHaveLength(130);
  });
});
