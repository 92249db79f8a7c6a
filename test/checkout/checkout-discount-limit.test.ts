import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.js';
import { countRows, openShop, type Shop, Shopper, ukAddress } from './checkout-support.js';

// A guest's per-customer limit of a discount code is held by e-mail address: variants of one mailbox
// (case, a +tag) are one guest, so they cannot take the code again.
describe('checkout: a discount code’s per-customer limit for guests', () => {
  let t: TestApp;
  let base: string;
  let shop: Shop;
  let discountId: string;

  beforeAll(async () => {
    ({ t, base, shop } = await openShop());
    const row = await t.database.db
      .insertInto('discount_code')
      .values({
        code: 'ONCEPERGUEST', kind: 'percentage', percent_bp: 1000, amount: null, currency: 'GBP', min_subtotal: 0, starts_at: null, ends_at: null,
        usage_limit: null, per_customer_limit: 1, combinable: false, active: true,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    discountId = row.id;
  });
  afterAll(async () => t?.close());

  const checkout = async (email: string) => {
    const s = new Shopper(base);
    await s.add(shop.variants[0]!.id, 1);
    return s.api('POST', '/api/v1/checkout', { email, shippingAddress: ukAddress, shippingMethodId: shop.standard, provider: 'test', discountCode: 'onceperguest' }, { 'idempotency-key': randomUUID() });
  };
  const state = async () => ({
    orders: await countRows(t.database.db, 'order'),
    payments: await countRows(t.database.db, 'payment'),
    used: (await t.database.db.selectFrom('discount_code').select('used_count').where('id', '=', discountId).executeTakeFirstOrThrow()).used_count,
    redemptions: (await t.database.db.selectFrom('discount_redemption').select('order_id').where('discount_id', '=', discountId).execute()).length,
  });

  it('refuses the code again for Name+1@example.com and name+2@Example.com once name@example.com used it, changing nothing', async () => {
    const first = await checkout('name@example.com');
    expect(first.status).toBe(201);
    expect((first.json.order as { total: { amount: number } }).total.amount).toBe(2400 - 240 + 395);
    const before = await state();
    expect(before).toMatchObject({ used: 1, redemptions: 1 });

    for (const alias of ['Name+1@example.com', 'name+2@Example.com', 'NAME@EXAMPLE.COM']) {
      const res = await checkout(alias);
      expect(res.status, alias).toBe(400);
      expect(res.json.code, alias).toBe('CHECKOUT_INVALID');
      expect(res.json.detail, alias).toContain('You have already used this discount code as many times as it allows');
      expect(await state(), alias).toEqual(before);
    }
  });

  it('still lets another guest use it, a dotted address being another mailbox', async () => {
    const before = await state();
    for (const email of ['someone.else@example.com', 'na.me@example.com']) {
      const res = await checkout(email);
      expect(res.status, email).toBe(201);
    }
    expect((await state()).used).toBe(before.used + 2);
  });
});
