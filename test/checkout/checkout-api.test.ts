import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setStock } from '../pricing/pricing-fixtures.js';
import type { TestApp } from '../support/test-app.js';
import { countRows, openShop, type Shop, Shopper, ukAddress } from './checkout-support.js';

// POST /api/v1/checkout: the whole checkout in one body, an Idempotency-Key per attempt, no price field.
describe('checkout API', () => {
  let t: TestApp;
  let base: string;
  let shop: Shop;

  beforeAll(async () => {
    ({ t, base, shop } = await openShop());
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    for (const v of shop.variants) await setStock(t, v.id, 10);
  });

  const body = (extra: Record<string, unknown> = {}) => ({ email: 'ada@example.com', shippingAddress: ukAddress, shippingMethodId: shop.standard, provider: 'test', ...extra });
  const shopperWith = async (quantity = 1, variant = 0) => {
    const s = new Shopper(base);
    await s.add(shop.variants[variant]!.id, quantity);
    return s;
  };
  const key = () => randomUUID();
  /** Everything a refused checkout could have written. */
  const writes = async () => ({
    checkouts: await countRows(t.database.db, 'checkout_session'),
    orders: await countRows(t.database.db, 'order'),
    payments: await countRows(t.database.db, 'payment'),
    reserved: (await t.inventory.level(shop.variants[0]!.id)).reserved,
  });

  it('places the order and starts its payment: 201 with the order, the gateway action and where to go next', async () => {
    const s = await shopperWith(2);
    const res = await s.api('POST', '/api/v1/checkout', body(), { 'idempotency-key': key() });
    expect(res.status).toBe(201);
    const order = res.json.order as Record<string, unknown>;
    expect(order).toMatchObject({ status: 'pending_payment', email: 'ada@example.com', total: { amount: 2 * 2400 + 395, currency: 'GBP' } });
    const payment = res.json.payment as { id: string; action: { type: string; url: string } };
    expect(payment.action.type).toBe('redirect');
    expect(res.json.next).toBe(payment.action.url);
    expect((await t.inventory.level(shop.variants[0]!.id)).reserved).toBe(2);
    // The cart is ordered: the shopper's cart is empty now.
    expect(((await s.api('GET', '/api/v1/cart')).json.lines as unknown[] | undefined)?.length ?? 0).toBe(0);
  });

  it('returns the same order and payment for the same key in sequence, and never places a second one', async () => {
    const s = await shopperWith(1);
    const k = key();
    const first = await s.api('POST', '/api/v1/checkout', body(), { 'idempotency-key': k });
    expect(first.status).toBe(201);
    const before = await writes();
    const second = await s.api('POST', '/api/v1/checkout', body(), { 'idempotency-key': k });
    expect(second.status).toBe(200);
    expect((second.json.order as { id: string }).id).toBe((first.json.order as { id: string }).id);
    expect((second.json.payment as { id: string }).id).toBe((first.json.payment as { id: string }).id);
    expect(await writes()).toEqual(before);
  });

  it('returns one order to five requests with the same key at once', async () => {
    const s = await shopperWith(1);
    const k = key();
    const before = await writes();
    const answers = await Promise.all(Array.from({ length: 5 }, () => s.api('POST', '/api/v1/checkout', body(), { 'idempotency-key': k })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 201]);
    const ids = new Set(answers.map((a) => (a.json.order as { id: string }).id));
    const payments = new Set(answers.map((a) => (a.json.payment as { id: string }).id));
    expect(ids.size).toBe(1);
    expect(payments.size).toBe(1);
    const after = await writes();
    expect(after.orders).toBe(before.orders + 1);
    expect(after.payments).toBe(before.payments + 1);
    expect(after.reserved).toBe(before.reserved + 1);
  });

  it('refuses the key reused for another shopper’s checkout (422) and hands out nothing', async () => {
    const s = await shopperWith(1);
    const k = key();
    expect((await s.api('POST', '/api/v1/checkout', body(), { 'idempotency-key': k })).status).toBe(201);
    const other = await shopperWith(1);
    const before = await writes();
    const res = await other.api('POST', '/api/v1/checkout', body({ email: 'mallory@example.com' }), { 'idempotency-key': k });
    expect(res.status).toBe(422);
    expect(res.json.code).toBe('CHECKOUT_IDEMPOTENCY_KEY_REUSED');
    expect(JSON.stringify(res.json)).not.toContain('ada@example.com');
    expect(await writes()).toEqual(before);
  });

  it('refuses the key from another shopper’s cart even with the same e-mail (422), handing out neither order nor payment page', async () => {
    const s = await shopperWith(1);
    const k = key();
    const first = await s.api('POST', '/api/v1/checkout', body(), { 'idempotency-key': k });
    expect(first.status).toBe(201);
    const other = await shopperWith(3);
    const before = await writes();
    const res = await other.api('POST', '/api/v1/checkout', body(), { 'idempotency-key': k });
    expect(res.status).toBe(422);
    expect(res.json.code).toBe('CHECKOUT_IDEMPOTENCY_KEY_REUSED');
    const firstOrder = first.json.order as { number: string };
    const payUrl = (first.json.payment as { action: { url?: string } }).action.url ?? '';
    expect(JSON.stringify(res.json)).not.toContain(firstOrder.number);
    if (payUrl !== '') expect(JSON.stringify(res.json)).not.toContain(new URL(payUrl, 'http://x').pathname);
    expect(await writes()).toEqual(before);
  });

  it('refuses a replay of the key and body from a client without the cart: 422, no order or payment link handed out', async () => {
    const s = await shopperWith(1);
    const k = key();
    const first = await s.api('POST', '/api/v1/checkout', body(), { 'idempotency-key': k });
    expect(first.status).toBe(201);
    const order = first.json.order as { number: string };
    const before = await writes();
    const stranger = new Shopper(base);
    const replay = await stranger.api('POST', '/api/v1/checkout', body(), { 'idempotency-key': k });
    expect(replay.status).toBe(422);
    expect(replay.json.code).toBe('CHECKOUT_IDEMPOTENCY_KEY_REUSED');
    expect(JSON.stringify(replay.json)).not.toContain(order.number);
    expect(JSON.stringify(replay.json)).not.toContain('/pay/');
    expect(await writes()).toEqual(before);
    // The shopper who placed it still gets it back.
    expect((await s.api('POST', '/api/v1/checkout', body(), { 'idempotency-key': k })).status).toBe(200);
  });

  it('frees a key whose request was refused before placing anything, so the corrected request may use it', async () => {
    const s = await shopperWith(1);
    const k = key();
    const before = await writes();
    const refused = await s.api('POST', '/api/v1/checkout', body({ shippingMethodId: randomUUID() }), { 'idempotency-key': k });
    expect(refused.status).toBe(400);
    expect(refused.json.code).toBe('CHECKOUT_INVALID');
    expect(await writes()).toEqual(before);
    const corrected = await s.api('POST', '/api/v1/checkout', body(), { 'idempotency-key': k });
    expect(corrected.status).toBe(201);
    // And from then on the key is the placed order's: another body is refused.
    const changed = await s.api('POST', '/api/v1/checkout', body({ shippingMethodId: shop.express }), { 'idempotency-key': k });
    expect(changed.status).toBe(422);
    expect(changed.json.code).toBe('CHECKOUT_IDEMPOTENCY_KEY_REUSED');
  });

  it('refuses the same key from the same shopper with a different body (422), keeping the first order as it was', async () => {
    const s = await shopperWith(1);
    const k = key();
    const first = await s.api('POST', '/api/v1/checkout', body(), { 'idempotency-key': k });
    expect(first.status).toBe(201);
    const firstOrder = first.json.order as { id: string; number: string; shippingMethodId?: string };
    const orderRow = () => t.database.db.selectFrom('order').selectAll().where('id', '=', firstOrder.id).executeTakeFirstOrThrow();
    const orderBefore = await orderRow();
    const before = await writes();
    const variants = [
      body({ shippingMethodId: shop.express }),
      body({ email: 'ada+other@example.com' }),
      body({ shippingAddress: { ...ukAddress, line1: '1 Other Street' } }),
      body({ billingAddress: { ...ukAddress, name: 'Someone Else' } }),
    ];
    for (const changed of variants) {
      const res = await s.api('POST', '/api/v1/checkout', changed, { 'idempotency-key': k });
      expect(res.status).toBe(422);
      expect(res.json.code).toBe('CHECKOUT_IDEMPOTENCY_KEY_REUSED');
      expect(JSON.stringify(res.json)).not.toContain(firstOrder.number);
    }
    expect(await writes()).toEqual(before);
    expect(await orderRow()).toEqual(orderBefore);
    // The same body (its keys in another order) is still a retry: the same order.
    const reordered = Object.fromEntries(Object.entries(body()).reverse());
    const again = await s.api('POST', '/api/v1/checkout', reordered, { 'idempotency-key': k });
    expect(again.status).toBe(200);
    expect((again.json.order as { id: string }).id).toBe(firstOrder.id);
  });

  it('of two different bodies with one key at once, places one order (the winner’s request, whole) and refuses the other (422)', async () => {
    const s = await shopperWith(1);
    const k = key();
    const before = await writes();
    const answers = await Promise.all([
      s.api('POST', '/api/v1/checkout', body(), { 'idempotency-key': k }),
      s.api('POST', '/api/v1/checkout', body({ shippingMethodId: shop.express }), { 'idempotency-key': k }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 422]);
    expect(answers.find((a) => a.status === 422)!.json.code).toBe('CHECKOUT_IDEMPOTENCY_KEY_REUSED');
    const placed = answers.find((a) => a.status === 201)!;
    const after = await writes();
    expect(after.orders).toBe(before.orders + 1);
    expect(after.payments).toBe(before.payments + 1);
    // The order is the winner's request, whole: its delivery method and its total.
    const winnerExpress = answers[1].status === 201;
    const order = await t.database.db.selectFrom('order').selectAll().where('id', '=', (placed.json.order as { id: string }).id).executeTakeFirstOrThrow();
    expect(order.shipping_method_id).toBe(winnerExpress ? shop.express : shop.standard);
    expect((placed.json.order as { total: { amount: number } }).total.amount).toBe(2400 + (winnerExpress ? 995 : 395));
  });

  it('refuses a missing or malformed Idempotency-Key (400), storing nothing', async () => {
    const s = await shopperWith(1);
    const before = await writes();
    const cases: Record<string, string>[] = [{}, { 'idempotency-key': 'short' }, { 'idempotency-key': 'has spaces in it, sixteen+' }];
    for (const headers of cases) {
      const res = await s.api('POST', '/api/v1/checkout', body(), headers);
      expect(res.status).toBe(400);
      expect(res.json.code).toBe('CHECKOUT_IDEMPOTENCY_KEY_REQUIRED');
    }
    expect(await writes()).toEqual(before);
  });

  it.each([
    ['a total', { total: { amount: 1, currency: 'GBP' } }, 'total'],
    ['a price on the address', { shippingAddress: { ...ukAddress, price: 0 } }, 'shippingAddress.price'],
    ['a tax', { tax: 0 }, 'tax'],
    ['lines with unit prices', { lines: [{ variantId: 'x', quantity: 1, unitPrice: 1 }] }, 'lines.0.unitPrice'],
    ['a shipping cost', { shippingCost: 0 }, 'shippingCost'],
  ])('refuses %s with 400 CHECKOUT_PRICE_NOT_ACCEPTED, storing nothing', async (_what, extra, field) => {
    const s = await shopperWith(1);
    const before = await writes();
    const res = await s.api('POST', '/api/v1/checkout', body(extra), { 'idempotency-key': key() });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('CHECKOUT_PRICE_NOT_ACCEPTED');
    expect(res.json.detail).toContain(field);
    expect(await writes()).toEqual(before);
  });

  it('refuses any other unknown field (400 VALIDATION_FAILED) and a currency other than the shop’s (400 CHECKOUT_CURRENCY_MISMATCH)', async () => {
    const s = await shopperWith(1);
    const before = await writes();
    const unknown = await s.api('POST', '/api/v1/checkout', body({ status: 'paid' }), { 'idempotency-key': key() });
    expect(unknown.status).toBe(400);
    expect(unknown.json.code).toBe('VALIDATION_FAILED');
    const usd = await s.api('POST', '/api/v1/checkout', body({ currency: 'USD' }), { 'idempotency-key': key() });
    expect(usd.status).toBe(400);
    expect(usd.json).toMatchObject({ code: 'CHECKOUT_CURRENCY_MISMATCH' });
    expect(await writes()).toEqual(before);
    const gbp = await s.api('POST', '/api/v1/checkout', body({ currency: 'GBP' }), { 'idempotency-key': key() });
    expect(gbp.status).toBe(201);
  });

  it('names each bad field of the address (400 CHECKOUT_INVALID), storing nothing', async () => {
    const s = await shopperWith(1);
    const before = await writes();
    const res = await s.api('POST', '/api/v1/checkout', body({ email: 'nope', shippingAddress: { ...ukAddress, country: 'ZZ', city: ' ' }, provider: 'paypal' }), { 'idempotency-key': key() });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('CHECKOUT_INVALID');
    expect(res.json.detail).toContain('Enter an e-mail address in the right format');
    expect(res.json.detail).toContain('Select a country from the list');
    expect(res.json.detail).toContain('Enter the town or city');
    const method = await s.api('POST', '/api/v1/checkout', body({ shippingMethodId: 'no-such-method' }), { 'idempotency-key': key() });
    expect(method.status).toBe(400);
    expect(method.json.code).toBe('CHECKOUT_INVALID');
    const provider = await s.api('POST', '/api/v1/checkout', body({ provider: 'stripe' }), { 'idempotency-key': key() });
    expect(provider.status).toBe(400);
    expect(provider.json.code).toBe('CHECKOUT_INVALID');
    expect(await writes()).toEqual(before);
  });

  it('refuses a cart with an unknown or archived item (409 CHECKOUT_CART_UNPURCHASABLE naming it) and an empty cart (409 CHECKOUT_CART_EMPTY)', async () => {
    const s = await shopperWith(1, 1);
    await sql`update product set status = 'archived' where id = ${shop.variants[1]!.productId}`.execute(t.database.db);
    try {
      const before = await writes();
      const res = await s.api('POST', '/api/v1/checkout', body(), { 'idempotency-key': key() });
      expect(res.status).toBe(409);
      expect(res.json.code).toBe('CHECKOUT_CART_UNPURCHASABLE');
      const name = (await t.database.db.selectFrom('product').select('name').where('id', '=', shop.variants[1]!.productId).executeTakeFirstOrThrow()).name;
      expect(res.json.detail).toContain(name);
      expect(await writes()).toEqual(before);
    } finally {
      await sql`update product set status = 'active' where id = ${shop.variants[1]!.productId}`.execute(t.database.db);
    }
    // A variant that no longer exists at all.
    const gone = await shopperWith(1, 2);
    await sql`update cart_line set variant_id = ${randomUUID()} where variant_id = ${shop.variants[2]!.id}`.execute(t.database.db);
    const unknown = await gone.api('POST', '/api/v1/checkout', body(), { 'idempotency-key': key() });
    expect(unknown.status).toBe(409);
    expect(unknown.json.code).toBe('CHECKOUT_CART_UNPURCHASABLE');

    const empty = new Shopper(base);
    const none = await empty.api('POST', '/api/v1/checkout', body(), { 'idempotency-key': key() });
    expect(none.status).toBe(409);
    expect(none.json.code).toBe('CHECKOUT_CART_EMPTY');
  });

  it('previews the quote for the cart and an address without storing anything', async () => {
    const s = await shopperWith(2);
    const before = await writes();
    const res = await s.api('GET', `/api/v1/checkout/quote?country=GB&shippingMethodId=${shop.express}`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ currency: 'GBP', total: { amount: 4800 + 995, currency: 'GBP' } });
    expect((res.json.shippingOptions as unknown[]).length).toBe(2);
    expect(await writes()).toEqual(before);
  });
});
