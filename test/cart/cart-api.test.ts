import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVerifiedAccount, signIn } from '../support/accounts.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { pickVariants, setStock, setVariant, type TestVariant } from '../pricing/pricing-fixtures.js';

/**
 * The cart over HTTP against a real database: guest carts behind a signed cookie, customer carts, the
 * merge at sign-in, price tampering and bad quantities refused with nothing changed, limits, another
 * shopper's line answered as missing, and lines repriced, archived or sold out since they were added.
 */
let t: TestApp;
let v: TestVariant[];

interface CartJson {
  id: string | null;
  itemCount: number;
  lines: { lineId: string; variantId: string; quantity: number; state: string; priceChanged: boolean; addedUnitPrice: { amount: number }; unitPrice: { amount: number } }[];
  subtotal: { amount: number };
  total: { amount: number };
  problems: { code: string }[];
  discountCode: string | null;
}

const cartCookieOf = (res: LightMyRequestResponse): string | undefined => {
  const header = res.headers['set-cookie'];
  const all = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return all.find((c) => /^(__Host-)?cart=/.test(c))?.split(';')[0];
};

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, cookie?: string, payload?: unknown) =>
  t.app.inject({ method, url, headers: { ...(cookie ? { cookie } : {}) }, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });

const cartOf = async (cookie?: string): Promise<CartJson> => {
  const res = await call('GET', '/api/v1/cart', cookie);
  expect(res.statusCode).toBe(200);
  expect(res.headers['cache-control']).toBe('private, no-store');
  return res.json<CartJson>();
};

/** A guest with one line: the cookie pair to send back. */
async function guestWith(variantId: string, quantity = 1): Promise<string> {
  const res = await call('POST', '/api/v1/cart/items', undefined, { variantId, quantity });
  expect(res.statusCode).toBe(201);
  const cookie = cartCookieOf(res);
  expect(cookie).toBeDefined();
  return cookie!;
}

beforeAll(async () => {
  t = await createTestApp({ CART_MAX_LINE_QUANTITY: '10', CART_MAX_ITEMS: '15', CART_MAX_LINES: '3' });
  v = await pickVariants(t.database.db, 5);
}, 60_000);

afterAll(async () => {
  await t?.close();
});

beforeEach(async () => {
  for (const [i, variant] of v.entries()) {
    await setVariant(t.database.db, variant.id, { price: 1000 * (i + 1) });
    await setStock(t, variant.id, 50);
  }
});

describe('guest cart', () => {
  it('is created by the first add, behind a signed HttpOnly SameSite=Lax cookie with a 256-bit token', async () => {
    const res = await call('POST', '/api/v1/cart/items', undefined, { variantId: v[0]!.id, quantity: 2 });
    expect(res.statusCode).toBe(201);
    const header = String(res.headers['set-cookie']);
    expect(header).toMatch(/^cart=[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}; Max-Age=2592000; Path=\/; HttpOnly; SameSite=Lax$/);
    const body = res.json<CartJson>();
    expect(body).toMatchObject({ itemCount: 2, subtotal: { amount: 2000 }, lines: [{ variantId: v[0]!.id, quantity: 2, state: 'ok' }] });
    const cookie = cartCookieOf(res)!;
    // The same variant again adds to its line.
    const again = await call('POST', '/api/v1/cart/items', cookie, { variantId: v[0]!.id });
    expect(again.statusCode).toBe(201);
    expect(cartCookieOf(again)).toBeUndefined();
    expect((await cartOf(cookie)).lines).toMatchObject([{ quantity: 3 }]);
  });

  it('ignores a forged or tampered cookie (a new cart, not someone else’s)', async () => {
    const cookie = await guestWith(v[0]!.id);
    const [name, value] = cookie.split('=') as [string, string];
    const [token] = value.split('.');
    const forged = `${name}=${token}.${'A'.repeat(43)}`;
    expect(await cartOf(forged)).toMatchObject({ id: null, itemCount: 0, lines: [] });
    expect(await cartOf(`${name}=${'B'.repeat(43)}.${value.split('.')[1]}`)).toMatchObject({ id: null });
  });

  it('shows the real count in the header of a storefront page, and keeps such a page private', async () => {
    const cookie = await guestWith(v[0]!.id, 3);
    const page = await call('GET', '/', cookie);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<span class="cart-count">3</span>');
    expect(page.headers['cache-control']).toBe('private, no-store');
    const anonymous = await call('GET', '/');
    expect(anonymous.headers['cache-control']).toMatch(/^public/);
  });
});

describe('refusals change nothing', () => {
  it('refuses a body carrying a price, total, tax or amount with 400 CART_PRICE_FIELDS_REFUSED', async () => {
    const cookie = await guestWith(v[0]!.id, 1);
    const before = await cartOf(cookie);
    const lineId = before.lines[0]!.lineId;
    for (const [method, url, body] of [
      ['POST', '/api/v1/cart/items', { variantId: v[1]!.id, quantity: 1, price: 1 }],
      ['POST', '/api/v1/cart/items', { variantId: v[1]!.id, quantity: 1, unitPrice: { amount: 1, currency: 'GBP' } }],
      ['PATCH', `/api/v1/cart/items/${lineId}`, { quantity: 2, total: 0 }],
      ['PATCH', `/api/v1/cart/items/${lineId}`, { quantity: 2, tax: 0 }],
      ['POST', '/api/v1/cart/discount', { code: 'ANY', amount: 5000 }],
    ] as const) {
      const res = await call(method, url, cookie, body);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json()).toMatchObject({ code: 'CART_PRICE_FIELDS_REFUSED' });
    }
    expect(await cartOf(cookie)).toEqual(before);
  });

  it('refuses zero, negative, fractional, huge and non-numeric quantities with an exact 400 and code', async () => {
    const cookie = await guestWith(v[0]!.id, 1);
    const before = await cartOf(cookie);
    const lineId = before.lines[0]!.lineId;
    const cases: [unknown, number, string][] = [
      [0, 400, 'CART_INVALID_QUANTITY'],
      [-3, 400, 'CART_INVALID_QUANTITY'],
      [1.5, 400, 'CART_INVALID_QUANTITY'],
      [1e300, 400, 'CART_INVALID_QUANTITY'],
      [11, 400, 'CART_LINE_QUANTITY_LIMIT'],
      ['2', 400, 'VALIDATION_FAILED'],
    ];
    for (const [quantity, status, code] of cases) {
      const add = await call('POST', '/api/v1/cart/items', cookie, { variantId: v[1]!.id, quantity });
      expect([add.statusCode, add.json<{ code: string }>().code]).toEqual([status, code]);
      const set = await call('PATCH', `/api/v1/cart/items/${lineId}`, cookie, { quantity });
      expect([set.statusCode, set.json<{ code: string }>().code]).toEqual([status, code]);
    }
    const extra = await call('POST', '/api/v1/cart/items', cookie, { variantId: v[1]!.id, quantity: 1, note: 'x' });
    expect([extra.statusCode, extra.json<{ code: string }>().code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(await cartOf(cookie)).toEqual(before);
  });

  it('refuses an unknown, archived or sold-out variant', async () => {
    const cookie = await guestWith(v[0]!.id, 1);
    const before = await cartOf(cookie);
    const unknown = await call('POST', '/api/v1/cart/items', cookie, { variantId: randomUUID() });
    expect([unknown.statusCode, unknown.json<{ code: string }>().code]).toEqual([404, 'CART_VARIANT_NOT_FOUND']);
    const garbage = await call('POST', '/api/v1/cart/items', cookie, { variantId: "'; drop table cart; --" });
    expect([garbage.statusCode, garbage.json<{ code: string }>().code]).toEqual([404, 'CART_VARIANT_NOT_FOUND']);
    await t.database.db.updateTable('product').set({ status: 'archived' }).where('id', '=', v[1]!.productId).execute();
    try {
      const archived = await call('POST', '/api/v1/cart/items', cookie, { variantId: v[1]!.id });
      expect([archived.statusCode, archived.json<{ code: string }>().code]).toEqual([409, 'CART_VARIANT_NOT_FOR_SALE']);
    } finally {
      await t.database.db.updateTable('product').set({ status: 'active' }).where('id', '=', v[1]!.productId).execute();
    }
    await setStock(t, v[2]!.id, 0);
    const soldOut = await call('POST', '/api/v1/cart/items', cookie, { variantId: v[2]!.id });
    expect([soldOut.statusCode, soldOut.json<{ code: string }>().code]).toEqual([409, 'CART_VARIANT_SOLD_OUT']);
    expect(await cartOf(cookie)).toEqual(before);
  });

  it('holds the limits per line, per cart (items) and per cart (lines)', async () => {
    const cookie = await guestWith(v[0]!.id, 10);
    const line = await call('POST', '/api/v1/cart/items', cookie, { variantId: v[0]!.id, quantity: 1 });
    expect([line.statusCode, line.json<{ code: string }>().code]).toEqual([400, 'CART_LINE_QUANTITY_LIMIT']);
    expect((await call('POST', '/api/v1/cart/items', cookie, { variantId: v[1]!.id, quantity: 5 })).statusCode).toBe(201);
    const items = await call('POST', '/api/v1/cart/items', cookie, { variantId: v[2]!.id, quantity: 1 });
    expect([items.statusCode, items.json<{ code: string }>().code]).toEqual([400, 'CART_ITEMS_LIMIT']);

    const other = await guestWith(v[0]!.id, 1);
    await call('POST', '/api/v1/cart/items', other, { variantId: v[1]!.id });
    await call('POST', '/api/v1/cart/items', other, { variantId: v[2]!.id });
    const before = await cartOf(other);
    const lines = await call('POST', '/api/v1/cart/items', other, { variantId: v[3]!.id });
    expect([lines.statusCode, lines.json<{ code: string }>().code]).toEqual([400, 'CART_LINES_LIMIT']);
    expect(await cartOf(other)).toEqual(before);
  });

  it("answers 404 for another shopper's line, as for one that does not exist, and changes neither cart", async () => {
    const mine = await guestWith(v[0]!.id, 1);
    const theirs = await guestWith(v[1]!.id, 2);
    const theirCart = await cartOf(theirs);
    const theirLine = theirCart.lines[0]!.lineId;
    for (const res of [
      await call('PATCH', `/api/v1/cart/items/${theirLine}`, mine, { quantity: 5 }),
      await call('DELETE', `/api/v1/cart/items/${theirLine}`, mine),
      await call('PATCH', `/api/v1/cart/items/${randomUUID()}`, mine, { quantity: 5 }),
      await call('DELETE', `/api/v1/cart/items/${theirLine}`),
    ]) {
      expect([res.statusCode, res.json<{ code: string }>().code]).toEqual([404, 'CART_LINE_NOT_FOUND']);
    }
    expect(await cartOf(theirs)).toEqual(theirCart);
  });
});

describe('lines that changed since they were added', () => {
  it('shows a repriced line with both prices, never silently changed, until the shopper acts on it', async () => {
    const cookie = await guestWith(v[0]!.id, 2);
    await setVariant(t.database.db, v[0]!.id, { price: 1250 });
    const cart = await cartOf(cookie);
    expect(cart.lines[0]).toMatchObject({ priceChanged: true, addedUnitPrice: { amount: 1000 }, unitPrice: { amount: 1250 } });
    expect(cart.problems.map((p) => p.code)).toContain('LINE_PRICE_CHANGED');
    // The total is the current price: the shopper sees the change before paying it.
    expect(cart.subtotal.amount).toBe(2500);
    const set = await call('PATCH', `/api/v1/cart/items/${cart.lines[0]!.lineId}`, cookie, { quantity: 3 });
    expect(set.json<CartJson>().lines[0]).toMatchObject({ priceChanged: false, addedUnitPrice: { amount: 1250 } });
  });

  it('shows archived and sold-out lines as such and leaves them out of the totals', async () => {
    const cookie = await guestWith(v[0]!.id, 1);
    await call('POST', '/api/v1/cart/items', cookie, { variantId: v[1]!.id });
    await call('POST', '/api/v1/cart/items', cookie, { variantId: v[2]!.id, quantity: 5 });
    await setStock(t, v[1]!.id, 0);
    await setStock(t, v[2]!.id, 3);
    await t.database.db.updateTable('product').set({ status: 'archived' }).where('id', '=', v[0]!.productId).execute();
    try {
      const cart = await cartOf(cookie);
      expect(cart.lines.map((l) => l.state)).toEqual(['archived', 'sold_out', 'insufficient_stock']);
      expect(cart.subtotal.amount).toBe(0);
      expect(cart.problems.map((p) => p.code)).toEqual(expect.arrayContaining(['LINE_ARCHIVED', 'LINE_SOLD_OUT', 'LINE_INSUFFICIENT_STOCK']));
    } finally {
      await t.database.db.updateTable('product').set({ status: 'active' }).where('id', '=', v[0]!.productId).execute();
    }
  });
});

describe('customer cart', () => {
  it("merges a guest's cart into the customer's at sign-in, adding quantities of a shared variant", async () => {
    const email = await createVerifiedAccount(t);
    const session = await signIn(t, email);
    expect((await call('POST', '/api/v1/cart/items', session, { variantId: v[0]!.id, quantity: 2 })).statusCode).toBe(201);
    const guest = await guestWith(v[0]!.id, 3);
    await call('POST', '/api/v1/cart/items', guest, { variantId: v[1]!.id, quantity: 1 });
    const both = `${session}; ${guest}`;
    const merged = await cartOf(both);
    expect(merged.lines.map((l) => [l.variantId, l.quantity])).toEqual([[v[0]!.id, 5], [v[1]!.id, 1]]);
    // The guest cart is gone; the customer's cart is the same without the guest cookie.
    expect(await cartOf(guest)).toMatchObject({ id: null, lines: [] });
    expect((await cartOf(session)).lines.map((l) => l.quantity)).toEqual([5, 1]);
  });

  it('merges a guest cart at sign-in only as far as the limits allow: no line above 10 units, no cart above 15 units or 3 lines', async () => {
    // The limits here: CART_MAX_LINE_QUANTITY 10, CART_MAX_ITEMS 15, CART_MAX_LINES 3.
    const email = await createVerifiedAccount(t);
    const before = await signIn(t, email);
    expect((await call('POST', '/api/v1/cart/items', before, { variantId: v[0]!.id, quantity: 8 })).statusCode).toBe(201);
    expect((await call('POST', '/api/v1/cart/items', before, { variantId: v[1]!.id, quantity: 1 })).statusCode).toBe(201);
    // A guest cart, each line and the whole within the limits on its own, that would pass them merged.
    const guest = await guestWith(v[0]!.id, 5);
    for (const [variant, quantity] of [[v[1]!, 4], [v[2]!, 3]] as const) {
      expect((await call('POST', '/api/v1/cart/items', guest, { variantId: variant.id, quantity })).statusCode).toBe(201);
    }
    // Signing in with the guest cookie: the next read merges.
    const session = await signIn(t, email, undefined, guest);
    const merged = await cartOf(`${session}; ${guest}`);
    expect(merged.lines.map((l) => [l.variantId, l.quantity])).toEqual([[v[0]!.id, 10], [v[1]!.id, 5]]);
    expect(merged.itemCount).toBe(15);
    expect(await cartOf(guest)).toMatchObject({ id: null, lines: [] });
    const stored = await t.database.db.selectFrom('cart_line').select(['variant_id', 'quantity']).where('cart_id', '=', merged.id!).execute();
    expect(stored.reduce((sum, l) => sum + l.quantity, 0)).toBe(15);
    expect(Math.max(...stored.map((l) => l.quantity))).toBe(10);
    // The merged cart is a cart like any other: one more unit is refused.
    const more = await call('POST', '/api/v1/cart/items', session, { variantId: v[3]!.id, quantity: 1 });
    expect(more.statusCode).toBe(400);
    expect(more.json()).toMatchObject({ code: 'CART_ITEMS_LIMIT' });
  });

  it('merges a guest cart at sign-in without passing the number of lines', async () => {
    const email = await createVerifiedAccount(t);
    const before = await signIn(t, email);
    for (const variant of [v[0]!, v[1]!]) expect((await call('POST', '/api/v1/cart/items', before, { variantId: variant.id, quantity: 1 })).statusCode).toBe(201);
    const guest = await guestWith(v[2]!.id, 1);
    expect((await call('POST', '/api/v1/cart/items', guest, { variantId: v[3]!.id, quantity: 1 })).statusCode).toBe(201);
    const session = await signIn(t, email, undefined, guest);
    const merged = await cartOf(`${session}; ${guest}`);
    expect(merged.lines.map((l) => [l.variantId, l.quantity])).toEqual([[v[0]!.id, 1], [v[1]!.id, 1], [v[2]!.id, 1]]);
  });

  it('empties a cart when its order is placed, gives the lines back when payment fails, and counts for the header', async () => {
    const cookie = await guestWith(v[0]!.id, 2);
    const request = { headers: { cookie } } as never;
    const cart = await t.cart.cartOf(request);
    expect(cart?.lines).toEqual([{ variantId: v[0]!.id, quantity: 2 }]);
    expect(await t.cart.countOf(request)).toBe(2);
    const orderId = randomUUID();
    await t.database.db.transaction().execute((trx) => t.cart.markOrdered(trx, cart!.id, orderId));
    expect(await t.cart.cartOf(request)).toBeUndefined();
    expect(await t.cart.countOf(request)).toBe(0);
    await t.database.db.transaction().execute((trx) => t.cart.restoreFrom(trx, orderId));
    expect((await t.cart.cartOf(request))?.lines).toEqual([{ variantId: v[0]!.id, quantity: 2 }]);
    expect(await t.cart.countOf(request)).toBe(2);
  });
});
