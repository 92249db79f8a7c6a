import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSignedInStaff, type SignedInStaff } from '../support/staff.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * catalog.prices: a role without it may edit a product's words but never what a customer pays for a
 * choice. Swapping two variants' options (or SKUs), or removing one and renaming another to its options,
 * sells the dearer choice at the cheaper price without any variant's own price changing.
 */
const base = '/api/v1/admin/catalog/products';
let t: TestApp;
let manager: SignedInStaff;
let editor: SignedInStaff;
let categoryId: string;
let categorySlug: string;

interface Variant { id: string; sku: string; options: Record<string, string>; price: number; compareAt: number | null }
interface Product { id: string; slug: string; variants: Variant[] }

const api = (who: SignedInStaff, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
  t.app.inject({ method, url, headers: { cookie: who.cookie }, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });

async function shirt(sku: string): Promise<Product> {
  const res = await api(manager, 'POST', base, {
    name: `Swap Shirt ${sku}`, categoryId, status: 'active', options: [{ name: 'Size', values: ['S', 'XL', 'Small'] }],
    variants: [{ sku: `${sku}-S`, options: { Size: 'S' }, price: 1000 }, { sku: `${sku}-XL`, options: { Size: 'XL' }, price: 5000 }],
  });
  expect(res.statusCode).toBe(201);
  return res.json<Product>();
}
const priceOf = (p: Product, size: string) => p.variants.find((v) => v.options.Size === size)?.price;

beforeAll(async () => {
  t = await createTestApp();
  manager = await createSignedInStaff(t, 'catalog_manager');
  editor = await createSignedInStaff(t, 'content_editor');
  const categories = (await t.app.inject({ url: '/api/v1/categories' })).json<{ items: { id: string; slug: string }[] }>().items;
  categoryId = categories[0]!.id;
  categorySlug = categories[0]!.slug;
});
afterAll(async () => {
  await t?.close();
});

describe('a role without catalog.prices cannot reprice a choice by moving variants', () => {
  it('swapping the options of two variants: 403 CATALOG_PRICE_PERMISSION_REQUIRED, nothing changed', async () => {
    const p = await shirt('SWA');
    const [s, xl] = [p.variants.find((v) => v.options.Size === 'S')!, p.variants.find((v) => v.options.Size === 'XL')!];
    const res = await api(editor, 'PATCH', `${base}/${p.id}`, { variants: [{ id: s.id, sku: s.sku, options: { Size: 'XL' }, price: s.price }, { id: xl.id, sku: xl.sku, options: { Size: 'S' }, price: xl.price }] });
    expect(res.statusCode).toBe(403);
    expect(res.json<{ code: string }>().code).toBe('CATALOG_PRICE_PERMISSION_REQUIRED');
    const after = (await api(manager, 'GET', `${base}/${p.id}`)).json<Product>();
    expect([priceOf(after, 'S'), priceOf(after, 'XL')]).toEqual([1000, 5000]);
  });

  it('swapping SKUs: 403, nothing changed', async () => {
    const p = await shirt('SWB');
    const [s, xl] = [p.variants.find((v) => v.options.Size === 'S')!, p.variants.find((v) => v.options.Size === 'XL')!];
    const res = await api(editor, 'PATCH', `${base}/${p.id}`, { variants: [{ id: s.id, sku: xl.sku, options: { Size: 'XL' }, price: s.price }, { id: xl.id, sku: s.sku, options: { Size: 'S' }, price: xl.price }] });
    expect(res.statusCode).toBe(403);
    expect(res.json<{ code: string }>().code).toBe('CATALOG_PRICE_PERMISSION_REQUIRED');
    const after = (await api(manager, 'GET', `${base}/${p.id}`)).json<Product>();
    expect(after.variants.find((v) => v.sku === 'SWB-XL')?.price).toBe(5000);
  });

  it('removing the dear variant and giving the cheap one its size: 403, nothing changed', async () => {
    const p = await shirt('SWC');
    const s = p.variants.find((v) => v.options.Size === 'S')!;
    const res = await api(editor, 'PATCH', `${base}/${p.id}`, { variants: [{ id: s.id, sku: s.sku, options: { Size: 'XL' }, price: s.price }] });
    expect(res.statusCode).toBe(403);
    expect(res.json<{ code: string }>().code).toBe('CATALOG_PRICE_PERMISSION_REQUIRED');
    expect((await api(manager, 'GET', `${base}/${p.id}`)).json<Product>().variants).toHaveLength(2);
  });

  it('the same swap through a CSV import: refused, nothing changed', async () => {
    const p = await shirt('SWD');
    const csv = `slug,category,option1_name,option1_value,sku,price\r\n${p.slug},${categorySlug},Size,XL,SWD-S,10.00\r\n${p.slug},${categorySlug},Size,S,SWD-XL,50.00\r\n`;
    const res = await t.app.inject({ method: 'POST', url: `${base}/import`, payload: csv, headers: { cookie: editor.cookie, 'content-type': 'text/csv' } });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('may not set or change prices');
    const after = (await api(manager, 'GET', `${base}/${p.id}`)).json<Product>();
    expect([priceOf(after, 'S'), priceOf(after, 'XL')]).toEqual([1000, 5000]);
  });

  it('renaming an option value to a new one, price kept, is still the editor’s to do', async () => {
    const p = await shirt('SWE');
    const s = p.variants.find((v) => v.options.Size === 'S')!;
    const xl = p.variants.find((v) => v.options.Size === 'XL')!;
    const res = await api(editor, 'PATCH', `${base}/${p.id}`, { variants: [{ id: s.id, sku: s.sku, options: { Size: 'Small' }, price: s.price }, { id: xl.id, sku: xl.sku, options: xl.options, price: xl.price }] });
    expect(res.statusCode).toBe(200);
    expect(priceOf(res.json<Product>(), 'Small')).toBe(1000);
  });

  it('a catalog manager may still swap', async () => {
    const p = await shirt('SWF');
    const [s, xl] = [p.variants.find((v) => v.options.Size === 'S')!, p.variants.find((v) => v.options.Size === 'XL')!];
    const res = await api(manager, 'PATCH', `${base}/${p.id}`, { variants: [{ id: s.id, sku: s.sku, options: { Size: 'XL' }, price: s.price }, { id: xl.id, sku: xl.sku, options: { Size: 'S' }, price: xl.price }] });
    expect(res.statusCode).toBe(200);
    expect(priceOf(res.json<Product>(), 'XL')).toBe(1000);
  });
});
