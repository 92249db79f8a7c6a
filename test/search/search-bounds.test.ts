import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as repo from '../../src/modules/search/search.repository.js';
import { matchQuery, rankQuery, searchTerms } from '../../src/modules/search/search.text.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { makeCategory, makeProduct } from './search-fixtures.js';

let t: TestApp;
let categoryId = '';

/**
 * Five "Quillon" products in a category of their own, four of them Sage: small enough to count by hand,
 * and the bounds below are set under it, as the shop's 1,000 is under a large catalog.
 */
beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.db;
  categoryId = await makeCategory(db, 'Quillon Goods');
  for (const [i, colour] of ['Sage', 'Sage', 'Sage', 'Sage', 'Ink'].entries()) {
    await makeProduct(db, { name: `Quillon Mug ${i + 1}`, categoryId, variants: [{ options: { Colour: colour }, price: 1000 + i, stock: 3 }] });
  }
  await t.search.indexer.reindexAll();
});
afterAll(async () => t.close());

const inCategory = (): repo.DocumentFilter => ({ categoryId, optionGroups: [], inStock: false });

describe('bounded listing work', () => {
  it('counts exactly up to the cap and reports one more beyond it, never the whole set', async () => {
    expect(await repo.countMatches(t.database.db, inCategory(), 10)).toBe(5);
    expect(await repo.countMatches(t.database.db, inCategory(), 5)).toBe(5);
    expect(await repo.countMatches(t.database.db, inCategory(), 3)).toBe(4);
  });

  it('counts facets exactly when the matches fit under the cap, and over only the cap when they do not', async () => {
    const sage = (rows: { value: string; n: number }[]) => rows.find((r) => r.value === 'option:Colour=Sage')?.n;
    expect(sage(await repo.countFacets(t.database.db, inCategory(), 10))).toBe(4);
    const sampled = await repo.countFacets(t.database.db, inCategory(), 2);
    expect(sampled.find((r) => r.value === repo.totalMarker)?.n).toBe(2);
    expect(sage(sampled)).toBeLessThanOrEqual(2);
  });

  it('ranks every match when they fit under the cap', async () => {
    const terms = searchTerms('quillon mug');
    const filter = { ...inCategory(), text: { match: matchQuery(terms), rank: rankQuery(terms) } };
    const all = await repo.findPage(t.database.db, filter, 'relevance', 10, 0, 10);
    expect(all).toHaveLength(5);
    expect(await repo.findPage(t.database.db, filter, 'relevance', 10, 0, 3)).toHaveLength(3);
  });

  it('leaves totalCapped out of a listing API answer under the cap', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/products?limit=2' });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ total: number; totalCapped?: boolean }>();
    expect(body.total).toBeLessThan(1000);
    expect(body.totalCapped).toBeUndefined();
  });
});
