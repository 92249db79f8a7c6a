import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createLocalObjectStore } from '../../src/adapters/storage/local.js';
import { seedGeneratedCatalog } from '../../src/modules/catalog/index.js';
import { createInventoryService } from '../../src/modules/inventory/index.js';
import { reindexCatalog } from '../../src/modules/search/index.js';
import { countQueries, type CountingDatabase } from '../support/query-counter.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { openTestDatabase } from '../support/test-database.js';

/**
 * What a page or an API answer costs the database must not grow with the page size nor with the size
 * of the catalog: a fixed number of statements per answer, each bounded by an index. The read cache is
 * off in test apps, so every request here takes the uncached path a long-tail page takes in production.
 */
let counted: CountingDatabase;
let t: TestApp;

async function addProducts(products: number): Promise<void> {
  const db = t.database.db;
  await seedGeneratedCatalog(
    { db, store: createLocalObjectStore(inject('objectsDir')), inventory: createInventoryService({ db }), currency: 'GBP' },
    { products, rebuildDerived: async () => void (await reindexCatalog(db)) },
  );
}

/** Statements one GET runs, with its status; the SQL is kept for the failure message. */
async function cost(url: string, accept = 'text/html'): Promise<{ status: number; queries: number; sql: string[] }> {
  counted.reset();
  const res = await t.app.inject({ url, headers: { accept } });
  return { status: res.statusCode, queries: counted.statements.length, sql: [...counted.statements] };
}

/** A product and a category of the generated catalog, read once the first products exist. */
let productSlug: string;
const category = 'mugs-cups';

/** The answers measured: a name and the URL at a small and a large page size. */
const answers = (): { name: string; small: string; large: string; accept?: string }[] => [
  { name: 'product list API', small: '/api/v1/products?limit=8', large: '/api/v1/products?limit=48', accept: 'application/json' },
  { name: 'category list API', small: `/api/v1/products?category=${category}&limit=8`, large: `/api/v1/products?category=${category}&limit=48`, accept: 'application/json' },
  { name: 'product API', small: `/api/v1/products/${productSlug}`, large: `/api/v1/products/${productSlug}`, accept: 'application/json' },
  { name: 'categories API', small: '/api/v1/categories', large: '/api/v1/categories', accept: 'application/json' },
  { name: 'home page', small: '/', large: '/' },
  { name: 'category page', small: `/c/${category}`, large: `/c/${category}?page=2` },
  { name: 'product page', small: `/p/${productSlug}`, large: `/p/${productSlug}` },
  { name: 'search page', small: '/search?q=shirt', large: '/search?q=shirt&page=2' },
  { name: 'search API', small: '/api/v1/search?q=shirt&limit=8', large: '/api/v1/search?q=shirt&limit=48', accept: 'application/json' },
];

const before = new Map<string, { small: Awaited<ReturnType<typeof cost>>; large: Awaited<ReturnType<typeof cost>> }>();

beforeAll(async () => {
  counted = countQueries(await openTestDatabase());
  t = await createTestApp({}, { database: counted.handle });
  // 48 demo products plus 520 generated ones over 20 categories: a second page of 24 in each category.
  await addProducts(520);
  const list = (await t.app.inject({ url: `/api/v1/products?category=${category}&limit=1` })).json<{ items: { slug: string }[] }>();
  productSlug = list.items[0]!.slug;
  for (const a of answers()) before.set(a.name, { small: await cost(a.small, a.accept), large: await cost(a.large, a.accept) });
});

afterAll(async () => {
  await t.close();
  await counted.handle.close();
});

describe('database statements per answer', () => {
  it.each(answers().map((a) => [a.name, a] as const))('%s runs as many statements for a page of 48 as for a page of 8', (_name, a) => {
    const { small, large } = before.get(a.name)!;
    expect(small.status).toBe(200);
    expect(large.status).toBe(200);
    expect(large.queries, `small page:\n${small.sql.join('\n')}\n\nlarge page:\n${large.sql.join('\n')}`).toBe(small.queries);
  });

  it('runs no more statements on any answer after the catalog grows by 100 products', async () => {
    await addProducts(100);
    const grown: string[] = [];
    for (const a of answers()) {
      const was = before.get(a.name)!;
      for (const [size, url] of [['small', a.small], ['large', a.large]] as const) {
        const now = await cost(url, a.accept);
        if (now.queries !== was[size].queries) grown.push(`${a.name} (${url}): ${was[size].queries} → ${now.queries}\n${now.sql.join('\n')}`);
      }
    }
    expect(grown).toEqual([]);
  });

  it('answers a storefront page with a handful of statements, however large the catalog', () => {
    // The layout's menu, the page's own reads and stock: a page that needs more has an N+1 somewhere.
    for (const name of ['home page', 'category page', 'product page']) expect(before.get(name)!.small.queries, name).toBeLessThanOrEqual(12);
  });
});
