import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormBrowser } from '../support/form-browser.js';
import { createSignedInStaff, type SignedInStaff } from '../support/staff.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * Stock for staff over HTTP: the list with its filters, the ledger, adjustments with a reason (audited with
 * before and after), refusals that change nothing, and the storefront's "Only N left" following the level.
 */
let t: TestApp;
let manager: SignedInStaff;
let support: SignedInStaff;
let variant: { id: string; sku: string; product_id: string; product_slug: string; product_name: string };

interface Level {
  onHand: number;
  reserved: number;
  available: number;
  lowStockThreshold: number;
  level: string;
}

const api = (who: SignedInStaff, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
  t.app.inject({ method, url, headers: { cookie: who.cookie }, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });

async function stockOf(variantId: string): Promise<{ level: Level; total: number }> {
  const res = await api(manager, 'GET', `/api/v1/admin/inventory/${variantId}`);
  expect(res.statusCode).toBe(200);
  return res.json<{ level: Level; total: number }>();
}

/** Sets on hand through the API (the ledger explains every level, so no level is written by hand). */
async function setOnHand(onHand: number): Promise<void> {
  const { level } = await stockOf(variant.id);
  if (level.onHand === onHand) return;
  const res = await api(manager, 'POST', `/api/v1/admin/inventory/${variant.id}/adjustments`, { delta: onHand - level.onHand, reason: 'Test set-up' });
  expect(res.statusCode).toBe(200);
}

beforeAll(async () => {
  t = await createTestApp();
  manager = await createSignedInStaff(t, 'catalog_manager');
  support = await createSignedInStaff(t, 'support');
  variant = await t.database.db
    .selectFrom('product_variant as v')
    .innerJoin('product as p', 'p.id', 'v.product_id')
    .select(['v.id', 'v.sku', 'v.product_id', 'p.slug as product_slug', 'p.name as product_name'])
    .where('p.status', '=', 'active')
    .orderBy('v.sku')
    .limit(1)
    .executeTakeFirstOrThrow();
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('stock adjustments over the staff API', () => {
  it('adds units with a reason, writes the ledger, and audits before and after', async () => {
    await setOnHand(10);
    const res = await api(manager, 'POST', `/api/v1/admin/inventory/${variant.id}/adjustments`, { delta: 5, reason: 'Delivery from the weaver' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ before: { onHand: 10 }, after: { onHand: 15, available: 15 } });

    const { level } = await stockOf(variant.id);
    expect(level.onHand).toBe(15);
    const ledger = (await api(manager, 'GET', `/api/v1/admin/inventory/${variant.id}`)).json<{ movements: { kind: string; onHandDelta: number; onHandAfter: number; reason: string; actor: string }[] }>();
    expect(ledger.movements[0]).toMatchObject({ kind: 'adjustment', onHandDelta: 5, onHandAfter: 15, reason: 'Delivery from the weaver', actor: manager.userId });
    // The ledger's deltas sum to the level.
    const all = await t.database.db.selectFrom('inventory_movement').select(['on_hand_delta', 'reserved_delta']).where('variant_id', '=', variant.id).execute();
    expect(all.reduce((s, m) => s + m.on_hand_delta, 0)).toBe(15);

    const [event] = await t.audit.listForTarget('variant', variant.id, 1);
    expect(event).toMatchObject({ action: 'inventory.adjust', actorId: manager.userId, actorRole: 'catalog_manager', outcome: 'success' });
    expect(JSON.parse(event!.changes!)).toMatchObject({ onHand: { before: 10, after: 15 }, reason: { after: 'Delivery from the weaver' } });
  });

  it('refuses a staff member without inventory.write with 403 and its code, changing nothing', async () => {
    const before = await stockOf(variant.id);
    const res = await api(support, 'POST', `/api/v1/admin/inventory/${variant.id}/adjustments`, { delta: -1, reason: 'Not mine to change' });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'STAFF_ACCESS_DENIED' });
    const threshold = await api(support, 'PUT', `/api/v1/admin/inventory/${variant.id}/threshold`, { lowStockThreshold: 1 });
    expect(threshold.statusCode).toBe(403);
    expect(await stockOf(variant.id)).toEqual(before);
    // Reading stock only needs catalog.read, which support has.
    expect((await api(support, 'GET', '/api/v1/admin/inventory')).statusCode).toBe(200);
  });

  it('answers bad input with 400 and changes nothing: no reason, a blank reason, zero, a fraction, an unknown field', async () => {
    const before = await stockOf(variant.id);
    for (const body of [{ delta: 1 }, { delta: 1, reason: '   ' }, { delta: 0, reason: 'Count' }, { delta: 1.5, reason: 'Count' }, { delta: 1, reason: 'Count', onHand: 99 }]) {
      const res = await api(manager, 'POST', `/api/v1/admin/inventory/${variant.id}/adjustments`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect(await stockOf(variant.id)).toEqual(before);
  });

  it('refuses to take stock below zero with 409 INVENTORY_BELOW_ZERO, changing nothing', async () => {
    await setOnHand(3);
    const before = await stockOf(variant.id);
    const res = await api(manager, 'POST', `/api/v1/admin/inventory/${variant.id}/adjustments`, { delta: -4, reason: 'Damaged' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'INVENTORY_BELOW_ZERO' });
    expect(await stockOf(variant.id)).toEqual(before);
  });

  it('lists sold-out and low-stock variants, and finds a variant by SKU, by product name and by product', async () => {
    await setOnHand(0);
    const soldOut = (await api(manager, 'GET', '/api/v1/admin/inventory?filter=sold_out&limit=200')).json<{ items: { variantId: string }[]; counts: { soldOut: number } }>();
    expect(soldOut.items.map((i) => i.variantId)).toContain(variant.id);
    expect(soldOut.counts.soldOut).toBeGreaterThanOrEqual(1);

    await setOnHand(2);
    const low = (await api(manager, 'GET', '/api/v1/admin/inventory?filter=low&limit=200')).json<{ items: { variantId: string; level: string }[] }>();
    expect(low.items.find((i) => i.variantId === variant.id)).toMatchObject({ level: 'low_stock' });

    const bySku = (await api(manager, 'GET', `/api/v1/admin/inventory?q=${encodeURIComponent(variant.sku.toLowerCase())}`)).json<{ items: { variantId: string; variant: { sku: string; productName: string } }[] }>();
    expect(bySku.items.find((i) => i.variantId === variant.id)?.variant).toMatchObject({ sku: variant.sku, productName: variant.product_name });
    const byName = (await api(manager, 'GET', `/api/v1/admin/inventory?q=${encodeURIComponent(variant.product_name.slice(1, 6))}`)).json<{ items: { variantId: string }[] }>();
    expect(byName.items.map((i) => i.variantId)).toContain(variant.id);
    const byProduct = (await api(manager, 'GET', `/api/v1/admin/inventory?product=${variant.product_id}`)).json<{ items: { productId: string }[] }>();
    expect(byProduct.items.length).toBeGreaterThan(0);
    expect(byProduct.items.every((i) => i.productId === variant.product_id)).toBe(true);
    // A search with LIKE wildcards matches them literally.
    expect((await api(manager, 'GET', '/api/v1/admin/inventory?q=%25')).json<{ total: number }>().total).toBe(0);
  });

  it('shows "Only N left" on the storefront at or below the threshold, and "Sold out" at zero', async () => {
    await setOnHand(2);
    const threshold = await api(manager, 'PUT', `/api/v1/admin/inventory/${variant.id}/threshold`, { lowStockThreshold: 5 });
    expect(threshold.statusCode).toBe(200);
    const low = await t.app.inject({ url: `/p/${variant.product_slug}` });
    expect(low.body).toContain('Only 2 left');
    await setOnHand(0);
    const api0 = (await t.app.inject({ url: `/api/v1/products/${variant.product_slug}` })).json<{ variants: { id: string; stock: string }[] }>();
    expect(api0.variants.find((v) => v.id === variant.id)?.stock).toBe('sold_out');
  });
});

describe('stock pages', () => {
  it('adjusts through the form with a confirmation, and shows the list and the ledger', async () => {
    await setOnHand(4);
    const browser = new FormBrowser(t.app);
    for (const [k, v] of manager.cookie.split('; ').map((c) => c.split('=') as [string, string])) browser.cookies.set(k, v);

    const list = await browser.get(`/admin/inventory?q=${encodeURIComponent(variant.sku)}`);
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(variant.sku);
    expect(list.body).toContain(`/admin/inventory/${variant.id}`);

    const page = await browser.get(`/admin/inventory/${variant.id}`);
    expect(page.statusCode).toBe(200);
    const done = await browser.post(`/admin/inventory/${variant.id}/adjust`, { direction: 'remove', quantity: '1', reason: 'Damaged in storage' });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`/admin/inventory/${variant.id}?done=adjusted&was=4`);
    const after = await browser.get(done.headers.location!);
    expect(after.body).toContain('Stock adjusted: 4 on hand before');
    expect(after.body).toContain('Damaged in storage');
    expect((await stockOf(variant.id)).level.onHand).toBe(3);
  });

  it('shows the form again with errors and changes nothing when the reason is missing or the quantity is not a number', async () => {
    const browser = new FormBrowser(t.app);
    for (const [k, v] of manager.cookie.split('; ').map((c) => c.split('=') as [string, string])) browser.cookies.set(k, v);
    await browser.get(`/admin/inventory/${variant.id}`);
    const before = await stockOf(variant.id);
    const res = await browser.post(`/admin/inventory/${variant.id}/adjust`, { direction: 'add', quantity: 'ten', reason: '' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('There is a problem');
    expect(res.body).toContain('href="#quantity"');
    expect(res.body).toContain('href="#reason"');
    expect(res.body).toContain('aria-invalid="true"');
    const below = await browser.post(`/admin/inventory/${variant.id}/adjust`, { direction: 'remove', quantity: '999', reason: 'Count' });
    expect(below.statusCode).toBe(409);
    expect(below.body).toContain('below zero');
    expect(await stockOf(variant.id)).toEqual(before);
  });
});
