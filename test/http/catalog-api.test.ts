import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('catalog API', () => {
  it('lists categories with product counts', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/categories' });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ items: { slug: string; productCount: number }[] }>();
    expect(body.items.length).toBeGreaterThanOrEqual(5);
    expect(body.items.reduce((n, c) => n + c.productCount, 0)).toBeGreaterThanOrEqual(40);
  });

  it('pages through products with integer minor-unit prices', async () => {
    const first = (await t.app.inject({ url: '/api/v1/products?limit=10' })).json<{ items: { id: string; price: { amount: number; currency: string } }[]; total: number }>();
    const second = (await t.app.inject({ url: '/api/v1/products?limit=10&offset=10' })).json<{ items: { id: string }[] }>();
    expect(first.items).toHaveLength(10);
    expect(first.total).toBeGreaterThanOrEqual(40);
    expect(first.items.every((p) => Number.isInteger(p.price.amount) && p.price.currency === 'GBP')).toBe(true);
    const overlap = second.items.filter((p) => first.items.some((q) => q.id === p.id));
    expect(overlap).toEqual([]);
  });

  it('filters products by category', async () => {
    const res = await t.app.inject({ url: '/api/v1/products?category=apparel&limit=48' });
    const body = res.json<{ items: { category: { slug: string } }[]; total: number }>();
    expect(body.total).toBe(body.items.length);
    expect(body.items.every((p) => p.category.slug === 'apparel')).toBe(true);
  });

  it('returns one product by slug and by id, with variants', async () => {
    const bySlug = await t.app.inject({ url: '/api/v1/products/organic-cotton-tee' });
    expect(bySlug.statusCode).toBe(200);
    const product = bySlug.json<{ id: string; variants: { options: Record<string, string> }[] }>();
    expect(product.variants.length).toBe(15);
    expect(product.variants[0]?.options).toEqual({ Colour: 'White', Size: 'XS' });
    const byId = await t.app.inject({ url: `/api/v1/products/${product.id}` });
    expect(byId.json<{ id: string }>().id).toBe(product.id);
  });

  it('answers an unknown product with a problem document', async () => {
    const res = await t.app.inject({ url: '/api/v1/products/no-such-thing' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 404, code: 'CATALOG_PRODUCT_NOT_FOUND', type: '/problems/catalog-product-not-found' });
  });

  it('answers an unknown category filter with 404', async () => {
    const res = await t.app.inject({ url: '/api/v1/products?category=no-such-category' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'CATALOG_CATEGORY_NOT_FOUND' });
  });

  it('looks up several products in one call', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/products/batch', payload: { slugs: ['organic-cotton-tee', 'waxed-canvas-tote', 'not-a-product'] } });
    expect(res.statusCode).toBe(200);
    expect(res.json<{ items: { slug: string }[] }>().items.map((p) => p.slug).sort()).toEqual(['organic-cotton-tee', 'waxed-canvas-tote']);
  });

  it('hides products that are not active', async () => {
    await t.database.db.updateTable('product').set({ status: 'draft' }).where('slug', '=', 'field-cap').execute();
    expect((await t.app.inject({ url: '/api/v1/products/field-cap' })).statusCode).toBe(404);
    const batch = await t.app.inject({ method: 'POST', url: '/api/v1/products/batch', payload: { slugs: ['field-cap'] } });
    expect(batch.json<{ items: unknown[] }>().items).toEqual([]);
  });
});

describe('bad input', () => {
  it('rejects a wrong type in the query string', async () => {
    const res = await t.app.inject({ url: '/api/v1/products?limit=lots' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'querystring.limit' }] });
  });

  it('rejects an out-of-range limit', async () => {
    const res = await t.app.inject({ url: '/api/v1/products?limit=1000' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'querystring.limit' }] });
  });

  it('rejects an unknown query parameter on the API', async () => {
    const res = await t.app.inject({ url: '/api/v1/products?colour=sage' });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ errors: { message: string }[] }>().errors[0]?.message).toMatch(/unknown field/);
  });

  it('rejects malformed JSON', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/products/batch', headers: { 'content-type': 'application/json' }, payload: '{"slugs": [' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'MALFORMED_JSON' });
  });

  it('rejects an unknown field in a body', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/products/batch', payload: { slugs: ['organic-cotton-tee'], role: 'admin' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(JSON.stringify(res.json())).toContain('role');
  });

  it('does not coerce types in a body', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/products/batch', payload: { slugs: 'organic-cotton-tee' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('rejects an empty body object and a non-uuid id', async () => {
    for (const payload of [{}, { ids: ['1 or 1=1'] }]) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/products/batch', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json(), JSON.stringify(payload)).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
  });

  it('rejects an oversized body with 413 before parsing it', async () => {
    const slugs = Array.from({ length: 3000 }, (_, i) => `product-${i}`);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/products/batch', payload: { slugs } });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'BODY_TOO_LARGE' });
  });

  it('rejects a body of the wrong media type', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/products/batch', headers: { 'content-type': 'text/xml' }, payload: '<a/>' });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('answers an unknown API route with a 404 problem', async () => {
    const res = await t.app.inject({ url: '/api/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
  });

  it('refuses a batch body that tries to set product fields with 400 VALIDATION_FAILED naming them, and changes no product', async () => {
    const snapshot = () => t.database.db.selectFrom('product').selectAll().orderBy('id').execute();
    const before = await snapshot();
    expect(before.find((p) => p.slug === 'organic-cotton-tee')?.status).toBe('active');
    const attempts: Record<string, unknown>[] = [
      { slugs: ['organic-cotton-tee'], status: 'draft' },
      { slugs: ['organic-cotton-tee'], price: { amount: 1, currency: 'GBP' } },
      { ids: [before[0]!.id], name: 'Renamed by a stranger' },
    ];
    for (const payload of attempts) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/products/batch', payload });
      const field = Object.keys(payload).find((k) => k !== 'slugs' && k !== 'ids')!;
      expect(res.statusCode, field).toBe(400);
      expect(res.headers['content-type'], field).toMatch(/^application\/problem\+json/);
      expect(res.json(), field).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
      expect(JSON.stringify(res.json<{ errors: unknown }>().errors), field).toContain(field);
    }
    // No other method on the batch path does anything either.
    for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
      const res = await t.app.inject({ method, url: '/api/v1/products/batch', payload: { slugs: ['organic-cotton-tee'], status: 'draft' } });
      expect(res.statusCode, method).toBe(404);
      expect(res.json(), method).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
    }
    expect(await snapshot()).toEqual(before);
  });
});
