import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalObjectStore } from '../../src/adapters/storage/local.js';
import { parseAmount, parsePercent } from '../../src/modules/pricing/pricing.admin.forms.js';
import { seedDemoPricing } from '../../src/modules/pricing/index.js';
import { prepareDatabase } from '../../src/runtime.js';
import { FormBrowser } from '../support/form-browser.js';
import { createSignedInStaff, type SignedInStaff } from '../support/staff.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * Pricing in the back office over HTTP: tax rates, shipping methods and discount codes listed, created and
 * changed by the roles allowed (audited), refused for the others, forms with mistakes answered 400 with
 * their errors and nothing written; and the demo pricing a fresh shop seeds.
 */
let t: TestApp;
let owner: SignedInStaff;
let auditor: SignedInStaff;
let catalogManager: SignedInStaff;
let support: SignedInStaff;

function browserOf(who: SignedInStaff): FormBrowser {
  const b = new FormBrowser(t.app);
  for (const [k, v] of who.cookie.split('; ').map((c) => c.split('=') as [string, string])) b.cookies.set(k, v);
  return b;
}

const counts = async () => ({
  tax: (await t.database.db.selectFrom('tax_rate').select('id').execute()).length,
  shipping: (await t.database.db.selectFrom('shipping_method').select('id').execute()).length,
  discounts: (await t.database.db.selectFrom('discount_code').select('id').execute()).length,
});

beforeAll(async () => {
  t = await createTestApp();
  [owner, auditor, catalogManager, support] = await Promise.all([
    createSignedInStaff(t, 'owner'),
    createSignedInStaff(t, 'auditor'),
    createSignedInStaff(t, 'catalog_manager'),
    createSignedInStaff(t, 'support'),
  ]);
}, 180_000);

afterAll(async () => {
  await t?.close();
});

describe('form parsing without floating point', () => {
  it('reads percentages as basis points and money as minor units', () => {
    expect(parsePercent('20')).toBe(2000);
    expect(parsePercent('7.25')).toBe(725);
    expect(parsePercent('0.1')).toBe(10);
    expect(parsePercent('100')).toBe(10000);
    expect(parsePercent('100.01')).toBeUndefined();
    expect(parsePercent('7.255')).toBeUndefined();
    expect(parsePercent('-1')).toBeUndefined();
    expect(parseAmount('0.29', 2)).toBe(29);
    expect(parseAmount('4.95', 2)).toBe(495);
    expect(parseAmount('1234', 0)).toBe(1234);
    expect(parseAmount('1.5', 0)).toBeUndefined();
    expect(parseAmount('1.234', 2)).toBeUndefined();
  });
});

describe('tax rates', () => {
  it('lets the owner add, edit and delete a rate, each change audited', async () => {
    const b = browserOf(owner);
    expect((await b.get('/admin/pricing/tax-rates/new')).statusCode).toBe(200);
    const created = await b.post('/admin/pricing/tax-rates', { country: 'CA', region: 'qc', name: 'QST', rate: '9.975' });
    // Three decimals are refused: the rate is kept in basis points.
    expect(created.statusCode).toBe(400);
    expect(created.body).toContain('up to 2 decimals');
    const ok = await b.post('/admin/pricing/tax-rates', { country: 'CA', region: 'qc', name: 'QST', rate: '9.98' });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/admin/pricing/tax-rates?done=created');
    const row = await t.database.db.selectFrom('tax_rate').selectAll().where('country', '=', 'CA').where('region', '=', 'QC').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name: 'QST', rate_bp: 998 });
    const [createdEvent] = await t.audit.listForTarget('tax_rate', row.id, 1);
    expect(createdEvent).toMatchObject({ action: 'pricing.tax_rate.create', actorId: owner.userId });

    const list = await b.get('/admin/pricing/tax-rates?done=created');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('9.98%');
    expect(list.body).toContain('CA-QC');

    await b.get(`/admin/pricing/tax-rates/${row.id}`);
    const edited = await b.post(`/admin/pricing/tax-rates/${row.id}`, { country: 'CA', region: 'QC', name: 'TVQ', rate: '9.975' });
    expect(edited.statusCode).toBe(400);
    expect((await t.database.db.selectFrom('tax_rate').select(['name', 'rate_bp']).where('id', '=', row.id).executeTakeFirstOrThrow())).toEqual({ name: 'QST', rate_bp: 998 });
    const saved = await b.post(`/admin/pricing/tax-rates/${row.id}`, { country: 'CA', region: 'QC', name: 'TVQ', rate: '10' });
    expect(saved.statusCode).toBe(303);
    const [updated] = await t.audit.listForTarget('tax_rate', row.id, 1);
    expect(updated).toMatchObject({ action: 'pricing.tax_rate.update' });

    await b.get(`/admin/pricing/tax-rates/${row.id}`);
    const deleted = await b.post(`/admin/pricing/tax-rates/${row.id}/delete`, {});
    expect(deleted.statusCode).toBe(303);
    expect(await t.database.db.selectFrom('tax_rate').select('id').where('id', '=', row.id).executeTakeFirst()).toBeUndefined();
    const [gone] = await t.audit.listForTarget('tax_rate', row.id, 1);
    expect(gone).toMatchObject({ action: 'pricing.tax_rate.delete' });
  });

  it('refuses a bad country, a rate above 100% and a second rate for the same place, writing nothing', async () => {
    const b = browserOf(owner);
    await b.get('/admin/pricing/tax-rates/new');
    const before = await counts();
    const bad = await b.post('/admin/pricing/tax-rates', { country: 'XX', region: '', name: '', rate: '101' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('There is a problem');
    expect(bad.body).toContain('Choose the country.');
    expect(bad.body).toContain('href="#rate"');
    expect(bad.body).toContain('aria-invalid="true"');
    expect(await counts()).toEqual(before);

    expect((await b.post('/admin/pricing/tax-rates', { country: 'PT', region: '', name: 'IVA', rate: '23' })).statusCode).toBe(303);
    await b.get('/admin/pricing/tax-rates/new');
    const twice = await b.post('/admin/pricing/tax-rates', { country: 'PT', region: '', name: 'IVA', rate: '6' });
    expect(twice.statusCode).toBe(409);
    expect(twice.body).toContain('There is already a rate for this country and region');
    const rates = await t.database.db.selectFrom('tax_rate').select('rate_bp').where('country', '=', 'PT').execute();
    expect(rates).toEqual([{ rate_bp: 2300 }]);
  });

  it('lets the auditor read but not change, and refuses roles without settings', async () => {
    const a = browserOf(auditor);
    const list = await a.get('/admin/pricing/tax-rates');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Your role can read tax rates but not change them.');
    expect(list.body).not.toContain('Add a tax rate');
    expect((await a.get('/admin/pricing/tax-rates/new')).statusCode).toBe(403);
    const before = await counts();
    const refused = await a.post('/admin/pricing/tax-rates', { country: 'AT', name: 'USt', rate: '20' });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('You do not have access to this page');
    expect(await counts()).toEqual(before);
    expect((await browserOf(support).get('/admin/pricing/tax-rates')).statusCode).toBe(403);
    expect((await browserOf(catalogManager).get('/admin/pricing/shipping')).statusCode).toBe(403);
  });

  it('refuses a form without its CSRF token', async () => {
    const b = browserOf(owner);
    await b.get('/admin/pricing/tax-rates/new');
    const before = await counts();
    const res = await b.post('/admin/pricing/tax-rates', { country: 'LU', name: 'TVA', rate: '17' }, { csrf: false });
    expect(res.statusCode).toBe(403);
    expect(await counts()).toEqual(before);
  });
});

describe('shipping methods', () => {
  it('adds a weight-band method with money parsed exactly, edits and deactivates it, audited', async () => {
    const b = browserOf(owner);
    await b.get('/admin/pricing/shipping/new');
    const before = await counts();
    const bad = await b.post('/admin/pricing/shipping', { name: 'Courier', countries: 'GB, ZZ', kind: 'weight', bands: '1000 = 9.999', freeOver: 'fifty', position: '1' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('two-letter codes');
    expect(bad.body).toContain('one band a line');
    expect(bad.body).toContain('from which delivery is free');
    expect(await counts()).toEqual(before);

    const res = await b.post('/admin/pricing/shipping', { name: 'Courier', countries: 'gb ie', kind: 'weight', bands: '5000 = 12.10\n1000 g = 0.29', freeOver: '80.05', position: '3' });
    expect(res.statusCode).toBe(303);
    const row = await t.database.db.selectFrom('shipping_method').selectAll().where('name', '=', 'Courier').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ countries: ['GB', 'IE'], kind: 'weight', currency: 'GBP', price_amount: 0, free_over_amount: 8005, position: 3, active: true });
    expect(row.bands).toEqual([{ maxGrams: 1000, amount: 29 }, { maxGrams: 5000, amount: 1210 }]);
    expect((await t.audit.listForTarget('shipping_method', row.id, 1))[0]).toMatchObject({ action: 'pricing.shipping_method.create' });

    const page = await b.get(`/admin/pricing/shipping/${row.id}`);
    expect(page.body).toContain('1000 = 0.29');
    const flat = await b.post(`/admin/pricing/shipping/${row.id}`, { name: 'Courier', countries: 'GB', kind: 'flat', price: '4.5', bands: '', freeOver: '', position: '3' });
    expect(flat.statusCode).toBe(303);
    expect(await t.database.db.selectFrom('shipping_method').select(['kind', 'price_amount', 'bands', 'free_over_amount']).where('id', '=', row.id).executeTakeFirstOrThrow()).toEqual({
      kind: 'flat', price_amount: 450, bands: [], free_over_amount: null,
    });

    await b.get(`/admin/pricing/shipping/${row.id}`);
    const off = await b.post(`/admin/pricing/shipping/${row.id}/active`, { active: 'no' });
    expect(off.statusCode).toBe(303);
    expect((await t.database.db.selectFrom('shipping_method').select('active').where('id', '=', row.id).executeTakeFirstOrThrow()).active).toBe(false);
    expect((await t.audit.listForTarget('shipping_method', row.id, 1))[0]).toMatchObject({ action: 'pricing.shipping_method.deactivate' });
    const list = await b.get('/admin/pricing/shipping?done=deactivated');
    expect(list.body).toContain('Inactive');
  });

  it('refuses a field the form does not have', async () => {
    const b = browserOf(owner);
    await b.get('/admin/pricing/shipping/new');
    const before = await counts();
    const res = await b.post('/admin/pricing/shipping', { name: 'Sneaky', countries: 'GB', kind: 'flat', price: '1', total: '0' });
    expect(res.statusCode).toBe(400);
    expect(await counts()).toEqual(before);
  });
});

describe('discount codes', () => {
  it('lets a catalog manager create a code (case-insensitive unique), edit and deactivate it, audited', async () => {
    const b = browserOf(catalogManager);
    await b.get('/admin/pricing/discounts/new');
    const res = await b.post('/admin/pricing/discounts', {
      code: 'spring-25', kind: 'fixed', amount: '5.50', minSubtotal: '30', startsOn: '2026-03-01', endsOn: '2026-03-31', usageLimit: '100', perCustomerLimit: '1', combinable: 'yes',
    });
    expect(res.statusCode).toBe(303);
    const row = await t.database.db.selectFrom('discount_code').selectAll().where('code', '=', 'SPRING-25').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ kind: 'fixed', amount: 550, percent_bp: null, min_subtotal: 3000, usage_limit: 100, per_customer_limit: 1, combinable: true, used_count: 0 });
    expect(row.starts_at?.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(row.ends_at?.toISOString()).toBe('2026-04-01T00:00:00.000Z');
    expect((await t.audit.listForTarget('discount_code', row.id, 1))[0]).toMatchObject({ action: 'pricing.discount.create', actorRole: 'catalog_manager' });

    await b.get('/admin/pricing/discounts/new');
    const before = await counts();
    const twin = await b.post('/admin/pricing/discounts', { code: 'Spring-25', kind: 'percentage', percent: '10' });
    expect(twin.statusCode).toBe(409);
    expect(twin.body).toContain('A discount with this code already exists.');
    const bad = await b.post('/admin/pricing/discounts', { code: 'x', kind: 'percentage', percent: '0', startsOn: '2026-02-30', usageLimit: '0' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('3 to 32 letters');
    expect(bad.body).toContain('more than 0');
    expect(bad.body).toContain('first day as a date');
    expect(await counts()).toEqual(before);

    // Uses are counted by the orders: an edit keeps them.
    await t.database.db.updateTable('discount_code').set({ used_count: 7 }).where('id', '=', row.id).execute();
    await b.get(`/admin/pricing/discounts/${row.id}`);
    const edit = await b.post(`/admin/pricing/discounts/${row.id}`, { code: 'SPRING-25', kind: 'percentage', percent: '12.5', usageLimit: '', perCustomerLimit: '' });
    expect(edit.statusCode).toBe(303);
    expect(await t.database.db.selectFrom('discount_code').select(['kind', 'percent_bp', 'amount', 'used_count', 'usage_limit', 'starts_at', 'combinable']).where('id', '=', row.id).executeTakeFirstOrThrow()).toEqual({
      kind: 'percentage', percent_bp: 1250, amount: null, used_count: 7, usage_limit: null, starts_at: null, combinable: false,
    });
    const list = await b.get('/admin/pricing/discounts');
    expect(list.body).toContain('SPRING-25');
    expect(list.body).toMatch(/<td class="num tabular">7<\/td>/);

    await b.get(`/admin/pricing/discounts/${row.id}`);
    expect((await b.post(`/admin/pricing/discounts/${row.id}/active`, { active: 'no' })).statusCode).toBe(303);
    expect((await t.audit.listForTarget('discount_code', row.id, 1))[0]).toMatchObject({ action: 'pricing.discount.deactivate' });
  });

  it('refuses the auditor and support, who cannot write promotions', async () => {
    for (const who of [auditor, support]) {
      const b = browserOf(who);
      expect((await b.get('/admin/pricing/discounts')).statusCode).toBe(403);
      const before = await counts();
      await b.get('/admin/pricing/discounts');
      expect((await b.post('/admin/pricing/discounts', { code: 'NOPE10', kind: 'percentage', percent: '10' })).statusCode).toBe(403);
      expect(await counts()).toEqual(before);
    }
  });

  it('answers 404 for a code that does not exist', async () => {
    const b = browserOf(owner);
    expect((await b.get('/admin/pricing/discounts/7d1f3a52-3c55-4a8e-9d0f-2b8c1e4d5f60')).statusCode).toBe(404);
  });
});

describe('demo pricing', () => {
  it('is seeded by prepareDatabase into empty tables, once, and a demo cart to GB gets tax, shipping and WELCOME10', async () => {
    const db = t.database.db;
    await db.deleteFrom('discount_redemption').execute();
    await db.deleteFrom('discount_code').execute();
    await db.deleteFrom('shipping_method').execute();
    await db.deleteFrom('tax_rate').execute();
    const store = createLocalObjectStore(await mkdtemp(join(tmpdir(), 'pricing-demo-')));
    await prepareDatabase({ ...t.config, seedDemo: 'always' }, { database: t.database, store, keyRing: t.keyRing });
    const seeded = await counts();
    expect(seeded).toEqual({ tax: 5, shipping: 3, discounts: 1 });
    expect(await db.selectFrom('tax_rate').select('rate_bp').where('country', '=', 'GB').where('region', '=', '').executeTakeFirstOrThrow()).toEqual({ rate_bp: 2000 });

    expect(await seedDemoPricing(db, 'GBP')).toBe(false);
    expect(await counts()).toEqual(seeded);

    const variant = await db
      .selectFrom('product_variant as v')
      .innerJoin('product as p', 'p.id', 'v.product_id')
      .select('v.id')
      .where('p.status', '=', 'active')
      .orderBy('v.sku')
      .limit(1)
      .executeTakeFirstOrThrow();
    const quote = await t.pricing.quote({ lines: [{ variantId: variant.id, quantity: 1 }], shipTo: { country: 'GB' }, discountCode: 'welcome10' });
    expect(quote.shippingOptions.map((o) => o.name)).toEqual(['Standard delivery (2–4 working days)', 'Express delivery (next working day)']);
    expect(quote.appliedDiscount?.code).toBe('WELCOME10');
    expect(quote.discount.amount).toBeGreaterThan(0);
    expect(quote.problems.filter((p) => p.code.startsWith('DISCOUNT'))).toEqual([]);
  });
});
