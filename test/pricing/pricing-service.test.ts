import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVariantPrices } from '../../src/modules/catalog/index.js';
import { normaliseEmail } from '../../src/modules/auth/index.js';
import { createMediaUrls } from '../../src/modules/media/index.js';
import { createPricingService, DiscountUnavailableError, type PricingService, type Quote } from '../../src/modules/pricing/index.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { clearPricing, pickVariants, setStock, setVariant, type TestVariant } from './pricing-fixtures.js';

/**
 * Quotes against a real database: tax by country and region (inclusive and exclusive, rounded per line),
 * shipping (flat, free over a threshold, weight bands), every rule of a discount code, line states, and
 * redemptions taken with a conditional update (the coupon race) and given back once.
 */
let t: TestApp;
let inclusive: PricingService;
let exclusive: PricingService;
let v: TestVariant[];
const at = new Date('2026-11-27T10:00:00.000Z');

const serviceOf = (pricesIncludeTax: boolean) =>
  createPricingService({
    db: t.database.db,
    variants: createVariantPrices({ db: t.database.db, media: createMediaUrls(), stockSql: t.inventory.variantStockSql }),
    settings: { pricesIncludeTax, defaultCountry: 'GB' },
    currency: 'GBP',
    locale: 'en-GB',
    now: () => t.clock.now,
    blindIndex: (table, column, value) => t.fieldEncryption.blindIndex(table, column, value),
    normaliseEmail,
  });

async function taxRate(country: string, region: string, rateBp: number) {
  await t.database.db.insertInto('tax_rate').values({ country, region, name: `${country}${region} tax`, rate_bp: rateBp }).execute();
}

async function shipping(fields: { name: string; countries: string[]; kind?: 'flat' | 'weight'; price?: number; bands?: { maxGrams: number; amount: number }[]; freeOver?: number | null; active?: boolean; position?: number }) {
  return t.database.db
    .insertInto('shipping_method')
    .values({
      name: fields.name,
      countries: fields.countries,
      currency: 'GBP',
      kind: fields.kind ?? 'flat',
      price_amount: fields.price ?? 0,
      bands: JSON.stringify(fields.bands ?? []),
      free_over_amount: fields.freeOver ?? null,
      active: fields.active ?? true,
      position: fields.position ?? 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

async function discount(code: string, fields: Partial<{ kind: 'percentage' | 'fixed'; percentBp: number; amount: number; minSubtotal: number; startsAt: Date; endsAt: Date; usageLimit: number; perCustomerLimit: number; combinable: boolean; active: boolean }>) {
  const kind = fields.kind ?? 'percentage';
  return t.database.db
    .insertInto('discount_code')
    .values({
      code,
      kind,
      percent_bp: kind === 'percentage' ? (fields.percentBp ?? 1000) : null,
      amount: kind === 'fixed' ? (fields.amount ?? 500) : null,
      currency: 'GBP',
      min_subtotal: fields.minSubtotal ?? 0,
      starts_at: fields.startsAt ?? null,
      ends_at: fields.endsAt ?? null,
      usage_limit: fields.usageLimit ?? null,
      per_customer_limit: fields.perCustomerLimit ?? null,
      combinable: fields.combinable ?? false,
      active: fields.active ?? true,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

beforeAll(async () => {
  t = await createTestApp();
  // Ready loads the blind-index key (as the app does at start), so no discount check waits for it in a transaction.
  await t.app.ready();
  inclusive = serviceOf(true);
  exclusive = serviceOf(false);
  v = await pickVariants(t.database.db, 4);
}, 60_000);

afterAll(async () => {
  await t?.close();
});

beforeEach(async () => {
  t.clock.now = at;
  await clearPricing(t.database.db);
  for (const variant of v) {
    await setVariant(t.database.db, variant.id, { weightGrams: 0 });
    await setStock(t, variant.id, 100);
  }
});

describe('tax', () => {
  it('adds tax per line, rounded half-up on each line, and sums the rounded lines (exclusive prices)', async () => {
    await taxRate('GB', '', 2000);
    await setVariant(t.database.db, v[0]!.id, { price: 99 });
    await setVariant(t.database.db, v[1]!.id, { price: 5 });
    const q = await exclusive.quote({ lines: [{ variantId: v[0]!.id, quantity: 3 }, { variantId: v[1]!.id, quantity: 1 }] });
    // 297 × 20% = 59.4 → 59; 5 × 20% = 1; the order's tax is 60 (the order's own 302 × 20% = 60.4 would agree here).
    expect(q.lines.map((l) => [l.subtotal.amount, l.tax.amount, l.total.amount])).toEqual([[297, 59, 356], [5, 1, 6]]);
    expect(q).toMatchObject({ taxInclusive: false, subtotal: { amount: 302 }, tax: { amount: 60 }, total: { amount: 362 }, shipping: { amount: 0 } });
  });

  it('rounds a half up, and per line rather than per order when they differ', async () => {
    await taxRate('GB', '', 1000);
    await setVariant(t.database.db, v[0]!.id, { price: 25 });
    await setVariant(t.database.db, v[1]!.id, { price: 25 });
    // Each line: 25 × 10% = 2.5 → 3; per order it would be round(5.0) = 5, per line it is 6.
    const q = await exclusive.quote({ lines: [{ variantId: v[0]!.id, quantity: 1 }, { variantId: v[1]!.id, quantity: 1 }] });
    expect(q.lines.map((l) => l.tax.amount)).toEqual([3, 3]);
    expect(q.tax.amount).toBe(6);
    expect(q.total.amount).toBe(56);
  });

  it('extracts the tax held in tax-inclusive prices, rounding a half up', async () => {
    await taxRate('GB', '', 2000);
    await setVariant(t.database.db, v[0]!.id, { price: 1000 });
    await setVariant(t.database.db, v[1]!.id, { price: 9 });
    const q = await inclusive.quote({ lines: [{ variantId: v[0]!.id, quantity: 1 }, { variantId: v[1]!.id, quantity: 1 }] });
    // 1000 × 20/120 = 166.67 → 167; 9 × 20/120 = 1.5 → 2. The total is the shelf price.
    expect(q.lines.map((l) => [l.tax.amount, l.total.amount])).toEqual([[167, 1000], [2, 9]]);
    expect(q).toMatchObject({ taxInclusive: true, tax: { amount: 169 }, total: { amount: 1009 } });
  });

  it("takes a region's rate over its country's, and the country's when the region has none", async () => {
    await taxRate('CA', '', 500);
    await taxRate('CA', 'QC', 1498);
    await setVariant(t.database.db, v[0]!.id, { price: 10_000 });
    const line = [{ variantId: v[0]!.id, quantity: 1 }];
    expect((await exclusive.quote({ lines: line, shipTo: { country: 'CA', region: 'QC' } })).tax.amount).toBe(1498);
    expect((await exclusive.quote({ lines: line, shipTo: { country: 'CA', region: 'ON' } })).tax.amount).toBe(500);
    expect((await exclusive.quote({ lines: line, shipTo: { country: 'US' } })).tax.amount).toBe(0);
  });

  it('taxes shipping at the destination rate as its own rounded line', async () => {
    await taxRate('GB', '', 2000);
    await setVariant(t.database.db, v[0]!.id, { price: 1000 });
    await shipping({ name: 'Standard', countries: ['GB'], price: 399 });
    const ex = await exclusive.quote({ lines: [{ variantId: v[0]!.id, quantity: 1 }] });
    // Goods 1000 + 200 tax; shipping 399 + round(79.8) = 80.
    expect(ex).toMatchObject({ shipping: { amount: 399 }, tax: { amount: 280 }, total: { amount: 1679 } });
    const inc = await inclusive.quote({ lines: [{ variantId: v[0]!.id, quantity: 1 }] });
    // 1000 × 20/120 = 166.67 → 167; 399 × 20/120 = 66.5 → 67.
    expect(inc).toMatchObject({ shipping: { amount: 399 }, tax: { amount: 234 }, total: { amount: 1399 } });
  });
});

describe('shipping', () => {
  it('offers the methods for the country, cheapest chosen by default, free over a threshold', async () => {
    await setVariant(t.database.db, v[0]!.id, { price: 2000 });
    const standard = await shipping({ name: 'Standard', countries: ['GB'], price: 399, freeOver: 5000 });
    const express = await shipping({ name: 'Express', countries: ['GB'], price: 899, position: 1 });
    await shipping({ name: 'Europe', countries: ['FR', 'DE'], price: 1299 });
    await shipping({ name: 'Retired', countries: ['GB'], price: 1, active: false });
    const one = await inclusive.quote({ lines: [{ variantId: v[0]!.id, quantity: 1 }] });
    expect(one.shippingOptions.map((o) => [o.name, o.price.amount])).toEqual([['Standard', 399], ['Express', 899]]);
    expect(one.shippingMethod).toMatchObject({ id: standard.id, price: { amount: 399 } });
    const chosen = await inclusive.quote({ lines: [{ variantId: v[0]!.id, quantity: 1 }], shippingMethodId: express.id });
    expect(chosen).toMatchObject({ shipping: { amount: 899 }, total: { amount: 2899 } });
    // 3 × 2000 = 6000 ≥ 5000: Standard is free.
    const three = await inclusive.quote({ lines: [{ variantId: v[0]!.id, quantity: 3 }] });
    expect(three.shippingOptions.map((o) => o.price.amount)).toEqual([0, 899]);
    expect(three.shipping.amount).toBe(0);
    const fr = await inclusive.quote({ lines: [{ variantId: v[0]!.id, quantity: 1 }], shipTo: { country: 'FR' } });
    expect(fr.shippingOptions.map((o) => o.name)).toEqual(['Europe']);
  });

  it('prices by weight band, and does not offer a method past its last band', async () => {
    await setVariant(t.database.db, v[0]!.id, { price: 1000, weightGrams: 400 });
    await shipping({ name: 'Parcel', countries: ['GB'], kind: 'weight', bands: [{ maxGrams: 2000, amount: 650 }, { maxGrams: 500, amount: 350 }, { maxGrams: 1000, amount: 450 }] });
    const price = async (quantity: number) => (await inclusive.quote({ lines: [{ variantId: v[0]!.id, quantity }] })).shippingOptions.map((o) => o.price.amount);
    expect(await price(1)).toEqual([350]); // 400 g
    expect(await price(2)).toEqual([450]); // 800 g
    expect(await price(5)).toEqual([650]); // exactly 2000 g
    const heavy = await inclusive.quote({ lines: [{ variantId: v[0]!.id, quantity: 6 }] }); // 2400 g
    expect(heavy.shippingOptions).toEqual([]);
    expect(heavy.problems.map((p) => p.code)).toContain('SHIPPING_UNAVAILABLE');
  });

  it('names a chosen method that is not offered for the destination as a problem', async () => {
    await setVariant(t.database.db, v[0]!.id, { price: 1000 });
    const europe = await shipping({ name: 'Europe', countries: ['FR'], price: 1299 });
    const q = await inclusive.quote({ lines: [{ variantId: v[0]!.id, quantity: 1 }], shippingMethodId: europe.id });
    expect(q.shippingMethod).toBeUndefined();
    expect(q.problems.map((p) => p.code)).toContain('SHIPPING_METHOD_UNAVAILABLE');
  });
});

describe('discount codes', () => {
  const discountProblems = (q: Quote) => q.problems.map((p) => p.code).filter((c) => c.startsWith('DISCOUNT_'));
  const quoteWith = (code: string, extra: { quantity?: number; customerId?: string; customerEmail?: string } = {}) =>
    exclusive.quote({ lines: [{ variantId: v[0]!.id, quantity: extra.quantity ?? 1 }, { variantId: v[1]!.id, quantity: 1 }], discountCode: code, ...(extra.customerId ? { customerId: extra.customerId } : {}), ...(extra.customerEmail ? { customerEmail: extra.customerEmail } : {}) });

  beforeEach(async () => {
    await setVariant(t.database.db, v[0]!.id, { price: 333 });
    await setVariant(t.database.db, v[1]!.id, { price: 667 });
    await taxRate('GB', '', 2000);
  });

  it('takes a percentage off, spread over the lines by largest remainder, and taxes what remains', async () => {
    await discount('TENOFF', { percentBp: 1000 });
    const q = await quoteWith(' tenoff ');
    // 10% of 1000 = 100: 33.3 and 66.7 → 33 and 66, the leftover unit to the larger remainder (66.7).
    expect(q.lines.map((l) => l.discount.amount)).toEqual([33, 67]);
    expect(q.lines.map((l) => l.tax.amount)).toEqual([60, 120]); // 300 × 20%, 600 × 20%
    expect(q).toMatchObject({ appliedDiscount: { code: 'TENOFF' }, subtotal: { amount: 1000 }, discount: { amount: 100 }, tax: { amount: 180 }, total: { amount: 1080 } });
  });

  it('takes a fixed amount off, never more than the subtotal', async () => {
    await discount('FIVER', { kind: 'fixed', amount: 500 });
    expect((await quoteWith('FIVER')).discount.amount).toBe(500);
    await discount('HUGE', { kind: 'fixed', amount: 50_000 });
    const q = await quoteWith('HUGE');
    expect(q).toMatchObject({ discount: { amount: 1000 }, tax: { amount: 0 }, total: { amount: 0 } });
  });

  it('refuses a code below its minimum subtotal, before its start, after its end, used up, inactive or unknown', async () => {
    await discount('MIN20', { minSubtotal: 2000 });
    await discount('LATER', { startsAt: new Date('2026-12-01T00:00:00Z') });
    await discount('OVER', { endsAt: new Date('2026-11-27T10:00:00Z') });
    const used = await discount('USEDUP', { usageLimit: 1 });
    await t.database.db.updateTable('discount_code').set({ used_count: 1 }).where('id', '=', used.id).execute();
    await discount('OFF', { active: false });
    const problem = async (code: string) => {
      const q = await quoteWith(code);
      expect(q.appliedDiscount).toBeUndefined();
      expect(q.discount.amount).toBe(0);
      return q.problems.map((p) => p.code).filter((c) => c.startsWith('DISCOUNT_'));
    };
    expect(await problem('MIN20')).toEqual(['DISCOUNT_MIN_SUBTOTAL']);
    expect(await problem('LATER')).toEqual(['DISCOUNT_NOT_STARTED']);
    expect(await problem('OVER')).toEqual(['DISCOUNT_EXPIRED']);
    expect(await problem('USEDUP')).toEqual(['DISCOUNT_USED_UP']);
    expect(await problem('OFF')).toEqual(['DISCOUNT_NOT_FOUND']);
    expect(await problem('NOSUCH')).toEqual(['DISCOUNT_NOT_FOUND']);
    // Five of the first line: 5 × 333 + 667 = 2332 ≥ 2000.
    expect((await quoteWith('MIN20', { quantity: 5 })).appliedDiscount?.code).toBe('MIN20');
    // Time moves: the start arrives.
    t.clock.now = new Date('2026-12-01T00:00:00Z');
    expect((await quoteWith('LATER')).appliedDiscount?.code).toBe('LATER');
  });

  it('holds the per-customer limit by account and, for guests, by e-mail address', async () => {
    const code = await discount('ONCEEACH', { perCustomerLimit: 1 });
    const customerId = randomUUID();
    await t.database.db.transaction().execute((trx) => exclusive.redeemDiscount(trx, { discountId: code.id, orderId: randomUUID(), customerId }));
    expect(discountProblems(await quoteWith('ONCEEACH', { customerId }))).toEqual(['DISCOUNT_CUSTOMER_LIMIT']);
    expect((await quoteWith('ONCEEACH', { customerId: randomUUID() })).appliedDiscount?.code).toBe('ONCEEACH');

    await t.database.db.transaction().execute((trx) => exclusive.redeemDiscount(trx, { discountId: code.id, orderId: randomUUID(), customerEmail: 'Guest@Example.com' }));
    expect(discountProblems(await quoteWith('ONCEEACH', { customerEmail: ' guest@example.COM ' }))).toEqual(['DISCOUNT_CUSTOMER_LIMIT']);
    // A +tag reaches the same mailbox: it counts as the same guest. Dots are kept: another address.
    for (const alias of ['Guest+1@example.com', 'guest+2@Example.com', 'guest+a+b@example.com']) {
      expect(discountProblems(await quoteWith('ONCEEACH', { customerEmail: alias })), alias).toEqual(['DISCOUNT_CUSTOMER_LIMIT']);
    }
    expect((await quoteWith('ONCEEACH', { customerEmail: 'gu.est@example.com' })).appliedDiscount?.code).toBe('ONCEEACH');
    const second = await t.database.db
      .transaction()
      .execute((trx) => exclusive.redeemDiscount(trx, { discountId: code.id, orderId: randomUUID(), customerEmail: 'guest@example.com' }))
      .catch((e: unknown) => e);
    expect(second).toBeInstanceOf(DiscountUnavailableError);
    expect(second).toMatchObject({ code: 'DISCOUNT_UNAVAILABLE', category: 'conflict' });
    expect((await t.database.db.selectFrom('discount_code').select('used_count').where('id', '=', code.id).executeTakeFirstOrThrow()).used_count).toBe(2);
  });

  it('judges free delivery on the subtotal before a combinable code and after any other code', async () => {
    await shipping({ name: 'Standard', countries: ['GB'], price: 399, freeOver: 1000 });
    await discount('STACKS', { percentBp: 1000, combinable: true });
    await discount('ALONE', { percentBp: 1000 });
    // Subtotal 1000, discount 100: the combinable code keeps delivery free (1000 ≥ 1000); the other does not (900).
    expect((await quoteWith('STACKS')).shipping.amount).toBe(0);
    expect((await quoteWith('ALONE')).shipping.amount).toBe(399);
    expect((await quoteWith('ALONE', { quantity: 3 })).shipping.amount).toBe(0); // 1666 - 167 = 1499
  });

  it('redeems a single-use code exactly once when 20 orders race for it', async () => {
    const code = await discount('ONLYONE', { usageLimit: 1 });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => t.database.db.transaction().execute((trx) => exclusive.redeemDiscount(trx, { discountId: code.id, orderId: randomUUID(), customerId: randomUUID() }))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused).toHaveLength(19);
    for (const r of refused) expect(r.reason).toMatchObject({ code: 'DISCOUNT_UNAVAILABLE' });
    const row = await t.database.db.selectFrom('discount_code').select('used_count').where('id', '=', code.id).executeTakeFirstOrThrow();
    expect(row.used_count).toBe(1);
    const redemptions = await t.database.db.selectFrom('discount_redemption').selectAll().where('discount_id', '=', code.id).execute();
    expect(redemptions).toHaveLength(1);
  });

  it('gives a redemption back once per order, and redeeming the same order twice takes one use', async () => {
    const code = await discount('TWICE', { usageLimit: 2 });
    const orderId = randomUUID();
    await t.database.db.transaction().execute(async (trx) => {
      await exclusive.redeemDiscount(trx, { discountId: code.id, orderId });
      await exclusive.redeemDiscount(trx, { discountId: code.id, orderId });
    });
    const used = async () => (await t.database.db.selectFrom('discount_code').select('used_count').where('id', '=', code.id).executeTakeFirstOrThrow()).used_count;
    expect(await used()).toBe(1);
    await t.database.db.transaction().execute((trx) => exclusive.releaseDiscount(trx, orderId));
    await t.database.db.transaction().execute((trx) => exclusive.releaseDiscount(trx, orderId));
    expect(await used()).toBe(0);
    await t.database.db.transaction().execute((trx) => exclusive.releaseDiscount(trx, randomUUID()));
    expect(await used()).toBe(0);
  });
});

describe('line states', () => {
  it('prices only the lines that can be bought, naming the others', async () => {
    await setVariant(t.database.db, v[0]!.id, { price: 1000 });
    await setVariant(t.database.db, v[1]!.id, { price: 2000 });
    await setVariant(t.database.db, v[2]!.id, { price: 3000 });
    await setVariant(t.database.db, v[3]!.id, { price: 4000 });
    await setStock(t, v[1]!.id, 0);
    await setStock(t, v[2]!.id, 2);
    await t.database.db.updateTable('product').set({ status: 'archived' }).where('id', '=', v[3]!.productId).execute();
    try {
      const unknown = randomUUID();
      const q = await inclusive.quote({
        lines: [
          { variantId: v[0]!.id, quantity: 1 },
          { variantId: v[1]!.id, quantity: 1 },
          { variantId: v[2]!.id, quantity: 3 },
          { variantId: v[3]!.id, quantity: 1 },
          { variantId: unknown, quantity: 1 },
          { variantId: 'not-a-uuid', quantity: 1 },
        ],
      });
      expect(q.lines.map((l) => [l.state, l.available, l.total.amount])).toEqual([
        ['ok', 100, 1000],
        ['sold_out', 0, 0],
        ['insufficient_stock', 2, 0],
        ['archived', 100, 0],
        ['unknown', 0, 0],
        ['unknown', 0, 0],
      ]);
      expect(q.subtotal.amount).toBe(1000);
      expect(q.total.amount).toBe(1000);
      expect(q.problems.map((p) => p.code).filter((c) => c.startsWith('LINE_'))).toEqual(['LINE_SOLD_OUT', 'LINE_INSUFFICIENT_STOCK', 'LINE_ARCHIVED', 'LINE_UNKNOWN', 'LINE_UNKNOWN']);
    } finally {
      await t.database.db.updateTable('product').set({ status: 'active' }).where('id', '=', v[3]!.productId).execute();
    }
  });

  it('refuses a zero, negative, fractional or huge quantity', async () => {
    for (const quantity of [0, -1, 1.5, 2 ** 53, Number.NaN]) {
      await expect(inclusive.quote({ lines: [{ variantId: v[0]!.id, quantity }] })).rejects.toMatchObject({ code: 'PRICING_INVALID_LINE' });
    }
  });
});
