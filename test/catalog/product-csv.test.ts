import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { createSignedInStaff, type SignedInStaff } from '../support/staff.js';

/** CSV import (row-by-row report, all or nothing, the price permission) and export (formula injection). */
let t: TestApp;
let manager: SignedInStaff;
let editor: SignedInStaff;

const base = '/api/v1/admin/catalog/products';
const header = 'slug,name,status,category,tags,option1_name,option1_value,sku,price,compare_at,weight_grams,barcode,description';
const importCsv = (who: SignedInStaff, csv: string) => t.app.inject({ method: 'POST', url: `${base}/import`, headers: { cookie: who.cookie, 'content-type': 'text/csv' }, payload: csv });
const productCount = async () => (await t.app.inject({ url: `${base}?limit=1`, headers: { cookie: manager.cookie } })).json<{ counts: { all: number } }>().counts.all;

beforeAll(async () => {
  t = await createTestApp();
  manager = await createSignedInStaff(t, 'catalog_manager');
  editor = await createSignedInStaff(t, 'content_editor');
});
afterAll(async () => t?.close());

describe('CSV import', () => {
  it('creates products from rows, one product per slug with a variant per row', async () => {
    const csv = [
      header,
      'field-notebook,Field Notebook,active,stationery,"paper, travel",Size,A5,FN-A5,12.00,15.00,180,,"A notebook with **dot grid** pages."',
      'field-notebook,,,,,Size,A6,FN-A6,9.50,,120,,',
    ].join('\r\n');
    const res = await importCsv(manager, csv);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ created: 1, updated: 0, variants: 2 });
    const shop = (await t.app.inject({ url: '/api/v1/products/field-notebook' })).json<{ variants: { sku: string; price: { amount: number }; compareAtPrice: { amount: number } | null }[] }>();
    expect(shop.variants.map((v) => [v.sku, v.price.amount, v.compareAtPrice?.amount ?? null])).toEqual([
      ['FN-A5', 1200, 1500],
      ['FN-A6', 950, null],
    ]);
  });

  it('reports every problem by row and column and writes nothing, not even the good rows', async () => {
    const before = await productCount();
    const auditBefore = await t.audit.count();
    const csv = [
      header,
      'good-new-product,Good New Product,active,stationery,,Size,One,GNP-1,5.00,,,,Fine',
      'bad-price-product,Bad Price,active,stationery,,Size,One,BPP-1,five pounds,,,,',
      'Bad Slug!,Bad Slug,active,stationery,,Size,One,BSP-1,5.00,,,,',
      'no-category-product,No Category,active,no-such-category,,Size,One,NCP-1,5.00,,,,',
      'dup-sku-product,Dup,active,stationery,,Size,One,GNP-1,5.00,4.00,,,',
    ].join('\n');
    const res = await importCsv(manager, csv);
    expect(res.statusCode).toBe(400);
    const body = res.json<{ code: string; errors: { field: string }[] }>();
    expect(body.code).toBe('CATALOG_IMPORT_INVALID');
    expect(body.errors.map((e) => e.field)).toEqual(['rows.3.price', 'rows.4.slug', 'rows.5.category', 'rows.6.sku']);
    expect(await productCount()).toBe(before);
    expect((await t.app.inject({ url: '/api/v1/products/good-new-product' })).statusCode).toBe(404);
    expect(await t.audit.count()).toBe(auditBefore);
  });

  it('undoes products already written when a later product of the file is refused', async () => {
    const before = await productCount();
    const csv = [
      header,
      'first-of-two,First Of Two,active,stationery,,Size,One,FOT-1,5.00,,,,',
      // The compare-at price is not above the price: only the service's rules see that.
      'second-of-two,Second Of Two,active,stationery,,Size,One,SOT-1,5.00,4.00,,,',
    ].join('\n');
    const res = await importCsv(manager, csv);
    expect(res.statusCode).toBe(400);
    expect(res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toEqual(['rows.3.compare_at']);
    expect(await productCount()).toBe(before);
    expect((await t.app.inject({ url: '/api/v1/products/first-of-two' })).statusCode).toBe(404);
  });

  it('refuses price changes from a role without catalog.prices, and imports nothing', async () => {
    const csv = [header, 'ridge-stoneware-mug,,,,,Colour,Sage,RIDGE-STONEWARE-MUG-SAGE,1.00,,,,'].join('\n');
    const res = await importCsv(editor, csv);
    expect(res.statusCode).toBe(400);
    expect(res.json<{ errors: { field: string; message: string }[] }>().errors).toEqual([{ field: 'rows.2.price', message: 'Your role may not change prices' }]);
    const mug = (await t.app.inject({ url: '/api/v1/products/ridge-stoneware-mug' })).json<{ variants: { sku: string; price: { amount: number } }[] }>();
    expect(mug.variants.find((v) => v.sku === 'RIDGE-STONEWARE-MUG-SAGE')?.price.amount).toBe(2400);
  });

  it('updates an existing product by slug and SKU', async () => {
    const csv = [header, 'ridge-stoneware-mug,,,,,Colour,Sage,RIDGE-STONEWARE-MUG-SAGE,26.00,,400,,'].join('\n');
    const res = await importCsv(manager, csv);
    expect(res.json()).toEqual({ created: 0, updated: 1, variants: 1 });
    const mug = (await t.app.inject({ url: '/api/v1/products/ridge-stoneware-mug' })).json<{ variants: { sku: string; price: { amount: number } }[] }>();
    expect(mug.variants.map((v) => [v.sku, v.price.amount])).toEqual([
      ['RIDGE-STONEWARE-MUG-SAGE', 2600],
      ['RIDGE-STONEWARE-MUG-CHALK', 2400],
      ['RIDGE-STONEWARE-MUG-CLAY', 2400],
    ]);
  });
});

describe('CSV export', () => {
  it('escapes every cell that a spreadsheet would run as a formula', async () => {
    // Names are trimmed when saved, so a leading tab or carriage return can only reach a description.
    const hostile = ['=HYPERLINK("https://evil.example","x")', '+SUM(1,2)', '-2+3', '@cmd', '\tTabbed', '\rReturn'];
    const categoryId = (await t.app.inject({ url: '/api/v1/categories' })).json<{ items: { id: string }[] }>().items[0]!.id;
    for (const [i, h] of hostile.entries()) {
      const name = i < 4 ? h : `Formula ${i}`;
      const res = await t.app.inject({ method: 'POST', url: base, headers: { cookie: manager.cookie }, payload: { name, slug: `formula-${i}`, description: h, categoryId, tags: [h.trim()], variants: [{ sku: `FX-${i}`, price: 100 }] } });
      expect(res.statusCode, res.body).toBe(201);
    }
    const res = await t.app.inject({ url: `${base}/export.csv?q=FX-`, headers: { cookie: manager.cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const rows = parse<Record<string, string>>(res.body, { columns: true }).filter((r) => r.slug!.startsWith('formula-'));
    expect(rows.map((r) => r.name)).toEqual([...hostile.slice(0, 4).map((h) => `'${h}`), 'Formula 4', 'Formula 5']);
    expect(rows.map((r) => r.description)).toEqual(hostile.map((h) => `'${h}`));
    expect(rows.map((r) => r.tags)).toEqual(hostile.map((h) => (/^[=+\-@]/.test(h.trim()) ? `'${h.trim()}` : h.trim())));
    for (const r of rows) for (const cell of Object.values(r)) expect(/^[=+\-@\t\r]/.test(cell), JSON.stringify(cell)).toBe(false);
    // Imported again, the quote comes off: the description is what staff wrote.
    expect((await importCsv(manager, res.body)).statusCode).toBe(200);
    const product = (await t.app.inject({ url: `${base}?q=FX-0`, headers: { cookie: manager.cookie } })).json<{ items: { id: string }[] }>().items[0]!;
    expect((await t.app.inject({ url: `${base}/${product.id}`, headers: { cookie: manager.cookie } })).json<{ description: string }>().description).toBe(hostile[0]);
  });

  it('round-trips: an exported file imports back without changing anything', async () => {
    const exported = (await t.app.inject({ url: `${base}/export.csv`, headers: { cookie: manager.cookie } })).body;
    const res = await importCsv(manager, exported);
    expect(res.statusCode, res.body.slice(0, 500)).toBe(200);
  });
});
