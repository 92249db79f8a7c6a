import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf } from '../support/error-code.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { address, ordersHarness, type OrdersHarness } from './harness.js';

/**
 * Placing an order on a real database (PGlite, or PostgreSQL with DATABASE_URL): one transaction,
 * idempotent on its key also when the twins arrive at once, stock reserved with a conditional update so
 * the last unit is sold once, and refusals that change nothing.
 */
let t: TestApp;
let h: OrdersHarness;

const count = async (table: 'order' | 'order_idempotency' | 'order_line' | 'order_address' | 'order_event') =>
  Number((await t.database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

beforeAll(async () => {
  t = await createTestApp();
  h = await ordersHarness(t);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('placing an order', () => {
  it('writes the order, its lines, sealed e-mail and address, its first event and a hold-expiry job, and reserves the stock', async () => {
    const [a, b] = h.variants;
    await h.stockOf(a!.id, 10);
    await h.stockOf(b!.id, 10);
    const cartId = h.cart([
      { variantId: a!.id, quantity: 2 },
      { variantId: b!.id, quantity: 1 },
    ]);
    const { order, created, guestPath } = await h.orders.place(h.input(cartId));
    expect(created).toBe(true);
    expect(order.number).toMatch(/^B\d{5,}$/);
    expect(order.status).toBe('pending_payment');
    expect(order.total).toEqual({ amount: a!.price * 2 + b!.price + 495, currency: 'GBP' });
    expect(guestPath).toMatch(new RegExp(`^/account/orders/${order.number}\\?token=[A-Za-z0-9_-]{43}$`));
    expect(h.carts.get(cartId)!.orderedAs).toBe(order.id);

    const row = await t.database.db.selectFrom('order').selectAll().where('id', '=', order.id).executeTakeFirstOrThrow();
    // Personal data is sealed: neither the address nor the name appears in the stored bytes.
    expect(Buffer.from(row.email_encrypted!).toString('latin1')).not.toContain('ada@example.com');
    const addr = await t.database.db.selectFrom('order_address').selectAll().where('order_id', '=', order.id).execute();
    expect(addr).toHaveLength(1);
    expect(Buffer.from(addr[0]!.address_encrypted).toString('latin1')).not.toContain('Lovelace');
    expect(row.hold_expires_at.getTime() - t.clock.now.getTime()).toBe(30 * 60_000);

    expect(await t.inventory.level(a!.id)).toMatchObject({ onHand: 10, reserved: 2 });
    expect(await t.inventory.level(b!.id)).toMatchObject({ onHand: 10, reserved: 1 });
    const job = await t.database.db.selectFrom('outbox_job').select(['type', 'run_at']).where('key', '=', `orders.hold-expiry:${order.id}`).executeTakeFirstOrThrow();
    expect(job.run_at.getTime()).toBe(row.hold_expires_at.getTime());

    const view = await h.orders.detail(order.id);
    expect(view.email).toBe('ada@example.com');
    expect(view.shippingAddress).toEqual(address);
    expect(view.lines.map((l) => [l.sku, l.quantity, l.unitPrice.amount])).toEqual(
      [
        [a!.sku, 2, a!.price],
        [b!.sku, 1, b!.price],
      ],
    );
    expect(view.events.map((e) => e.type)).toEqual(['placed']);
  });

  it('returns the same order for the same key in sequence, without a second reservation', async () => {
    const v = h.variants[2]!;
    await h.stockOf(v.id, 5);
    const cartId = h.cart([{ variantId: v.id, quantity: 1 }]);
    const input = h.input(cartId);
    const first = await h.orders.place(input);
    // The cart is marked ordered now; the repeat must not even look at it.
    const again = await h.orders.place(input);
    expect(again.created).toBe(false);
    expect(again.order.id).toBe(first.order.id);
    expect(again.guestPath).toBe(first.guestPath);
    expect(await t.inventory.level(v.id)).toMatchObject({ reserved: 1 });
  });

  it('makes one order of ten requests with the same key at once', async () => {
    const v = h.variants[3]!;
    await h.stockOf(v.id, 50);
    const cartId = h.cart([{ variantId: v.id, quantity: 2 }]);
    const input = h.input(cartId);
    const before = await count('order');
    const results = await Promise.all(Array.from({ length: 10 }, () => h.orders.place(input)));
    expect(new Set(results.map((r) => r.order.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await count('order')).toBe(before + 1);
    expect(await t.inventory.level(v.id)).toMatchObject({ onHand: 50, reserved: 2 });
  });

  it('refuses a key used by another checkout, and hands out nothing of its order', async () => {
    const v = h.variants[3]!;
    const input = h.input(h.cart([{ variantId: v.id, quantity: 1 }]));
    await h.orders.place(input);
    const other = { ...input, cartId: h.cart([{ variantId: v.id, quantity: 1 }]) };
    expect(await codeOf(h.orders.place(other))).toBe('ORDER_IDEMPOTENCY_KEY_REUSED');
  });

  it('sells the last unit to exactly one of 50 concurrent buyers; the 49 others hear it is sold out, by name', async () => {
    const v = h.variants[4]!;
    await h.stockOf(v.id, 1);
    const before = await count('order');
    const attempts = await Promise.allSettled(Array.from({ length: 50 }, () => h.orders.place(h.input(h.cart([{ variantId: v.id, quantity: 1 }])))));
    const won = attempts.filter((a) => a.status === 'fulfilled');
    const lost = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(49);
    for (const l of lost) {
      expect(l.reason).toMatchObject({ code: 'ORDER_ITEM_SOLD_OUT', category: 'conflict', details: { variantId: v.id, available: 0 } });
      expect((l.reason as Error).message).toContain(v.name);
    }
    expect(await count('order')).toBe(before + 1);
    expect(await t.inventory.level(v.id)).toMatchObject({ onHand: 1, reserved: 1, available: 0 });
  });

  it('refuses more than is in stock and writes nothing: no order, no key, no reservation, the cart kept', async () => {
    const v = h.variants[5]!;
    await h.stockOf(v.id, 2);
    const cartId = h.cart([{ variantId: v.id, quantity: 3 }]);
    const input = h.input(cartId);
    const before = await Promise.all([count('order'), count('order_idempotency'), count('order_line'), count('order_address'), count('order_event')]);
    const err = await h.orders.place(input).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ORDER_ITEM_SOLD_OUT', details: { variantId: v.id, available: 2 } });
    expect(await Promise.all([count('order'), count('order_idempotency'), count('order_line'), count('order_address'), count('order_event')])).toEqual(before);
    expect(await t.inventory.level(v.id)).toMatchObject({ onHand: 2, reserved: 0 });
    expect(h.carts.get(cartId)!.orderedAs).toBeUndefined();
    // The same key works once the shopper changes the quantity: the refused attempt left no trace.
    h.carts.get(cartId)!.lines = [{ variantId: v.id, quantity: 2 }];
    expect((await h.orders.place(input)).created).toBe(true);
  });

  it('refuses an unknown variant, a quote with problems, an unavailable delivery method and an empty cart', async () => {
    const before = await count('order');
    expect(await codeOf(h.orders.place(h.input(h.cart([{ variantId: '00000000-0000-4000-8000-000000000000', quantity: 1 }]))))).toBe('ORDER_LINES_UNAVAILABLE');
    const v = h.variants[0]!;
    await h.stockOf(v.id, 10);
    const problem = await h.orders.place(h.input(h.cart([{ variantId: v.id, quantity: 1 }]), { discountCode: 'EXPIRED' })).catch((e: unknown) => e);
    expect(problem).toMatchObject({ code: 'ORDER_QUOTE_PROBLEMS', category: 'unprocessable', details: { problems: [{ code: 'DISCOUNT_EXPIRED' }] } });
    expect(await codeOf(h.orders.place(h.input(h.cart([{ variantId: v.id, quantity: 1 }]), { shippingMethodId: 'teleport' })))).toBe('ORDER_SHIPPING_METHOD_UNAVAILABLE');
    expect(await codeOf(h.orders.place(h.input(h.cart([]))))).toBe('ORDER_CART_EMPTY');
    expect(await codeOf(h.orders.place(h.input('6b1f0c52-5d0e-4a36-9d0e-5b7c3f0a9e11')))).toBe('ORDER_CART_EMPTY');
    expect(await count('order')).toBe(before);
    expect(await t.inventory.level(v.id)).toMatchObject({ reserved: 0 });
  });

  it('refuses a bad e-mail, a bad address and a malformed key before touching the database', async () => {
    const v = h.variants[0]!;
    const cartId = h.cart([{ variantId: v.id, quantity: 1 }]);
    const before = await count('order');
    expect(await codeOf(h.orders.place(h.input(cartId, { email: 'not-an-address' })))).toBe('ORDER_INVALID');
    expect(await codeOf(h.orders.place(h.input(cartId, { shippingAddress: { ...address, country: 'XX' } })))).toBe('ORDER_INVALID');
    expect(await codeOf(h.orders.place(h.input(cartId, { shippingAddress: { ...address, line1: '  ' } })))).toBe('ORDER_INVALID');
    expect(await codeOf(h.orders.place(h.input(cartId, { idempotencyKey: 'short' })))).toBe('ORDER_INVALID');
    expect(await count('order')).toBe(before);
  });
});
