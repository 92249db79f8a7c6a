import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifiedAccount, goodPassword, newEmail, post, signIn } from '../support/accounts.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { address, ordersHarness, type OrdersHarness } from './harness.js';

/**
 * The customer's side over HTTP: their own orders only (another customer's order answers exactly like a
 * missing one), the account pages, the guest link from the confirmation mail (a wrong or changed token
 * is a 404), and orders in the personal-data export and in account deletion (kept, without the person).
 */
let t: TestApp;
let h: OrdersHarness;

interface Customer {
  email: string;
  cookie: string;
  id: string;
}

async function customer(): Promise<Customer> {
  const email = await createVerifiedAccount(t, newEmail('orders'));
  const cookie = await signIn(t, email);
  const me = await t.app.inject({ url: '/api/v1/me', headers: { cookie } });
  return { email, cookie, id: me.json<{ id: string }>().id };
}

async function orderOf(c: Customer | undefined) {
  const v = h.variants[0]!;
  return h.orders.place(h.input(await h.cart([{ variantId: v.id, quantity: 1 }]), { email: c?.email ?? newEmail('guest'), ...(c ? { customerId: c.id } : {}) }));
}

const get = (url: string, cookie?: string, accept = 'application/json') => t.app.inject({ url, headers: { accept, ...(cookie ? { cookie } : {}) } });

let ada: Customer;
let bob: Customer;

beforeAll(async () => {
  t = await createTestApp();
  h = await ordersHarness(t);
  await h.stockOf(h.variants[0]!.id, 100);
  ada = await customer();
  bob = await customer();
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe("a customer's orders", () => {
  it('lists and shows their own orders, newest first, and nothing without a session', async () => {
    const first = await orderOf(ada);
    const second = await orderOf(ada);
    await orderOf(bob);
    const list = await get('/api/v1/orders', ada.cookie);
    expect(list.statusCode).toBe(200);
    expect(list.headers['cache-control']).toBe('private, no-store');
    expect(list.json<{ items: { id: string }[]; total: number }>()).toMatchObject({ total: 2, items: [{ id: second.order.id }, { id: first.order.id }] });
    const one = await get(`/api/v1/orders/${first.order.id}`, ada.cookie);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ number: first.order.number, status: 'pending_payment', shippingAddress: address, email: ada.email });
    expect((await get(`/api/v1/orders/${first.order.number}`, ada.cookie)).json()).toMatchObject({ id: first.order.id });
    const anonymous = await get('/api/v1/orders');
    expect([anonymous.statusCode, anonymous.json<{ code: string }>().code]).toEqual([401, 'AUTH_SIGN_IN_REQUIRED']);
  });

  it("answers another customer's order exactly as one that does not exist", async () => {
    const { order } = await orderOf(ada);
    const theirs = await get(`/api/v1/orders/${order.id}`, bob.cookie);
    const missing = await get('/api/v1/orders/0b6f1f3e-8a3a-4c1e-9a53-4c9d7e1f2a10', bob.cookie);
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json<{ code: string }>().code).toBe('ORDER_NOT_FOUND');
    const strip = (r: typeof theirs) => {
      const { instance: _i, requestId: _r, ...rest } = r.json<Record<string, unknown>>();
      return rest;
    };
    expect(strip(theirs)).toEqual(strip(missing));
    expect((await get(`/api/v1/orders/${order.number}`, bob.cookie)).statusCode).toBe(404);
    const page = await get(`/account/orders/${order.number}`, bob.cookie, 'text/html');
    expect(page.statusCode).toBe(404);
    expect(page.body).not.toContain('Ada Lovelace');
    expect(page.body).not.toContain('Awaiting payment');
  });

  it('shows the account pages: the list with status badges, the order with its lines, totals and address', async () => {
    const { order } = await orderOf(ada);
    const list = await get('/account/orders', ada.cookie, 'text/html');
    expect(list.statusCode).toBe(200);
    expect(list.headers['cache-control']).toBe('private, no-store');
    expect(list.body).toContain(`Order ${order.number}`);
    expect(list.body).toContain('Awaiting payment');
    const page = await get(`/account/orders/${order.number}`, ada.cookie, 'text/html');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(h.variants[0]!.name.replaceAll('&', '&amp;'));
    expect(page.body).toContain('Ada Lovelace');
    expect(page.body).toContain('Standard delivery');
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)/);
    const empty = await get('/account/orders', bob.cookie, 'text/html');
    expect(empty.body).toContain('Your orders');
    const signedOut = await get('/account/orders', undefined, 'text/html');
    expect([signedOut.statusCode, signedOut.headers.location]).toEqual([303, '/account/sign-in']);
  });
});

describe('the guest link', () => {
  it('opens the order without an account, and a wrong, changed or borrowed token answers 404', async () => {
    const guest = await orderOf(undefined);
    const other = await orderOf(undefined);
    const page = await get(guest.guestPath, undefined, 'text/html');
    expect(page.statusCode).toBe(200);
    // The token never leaves the shop in a Referer: other sites get the origin only.
    expect(page.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(page.body).toContain(`Order ${guest.order.number}`);
    expect(page.body).toContain('Ada Lovelace');

    const token = new URL(guest.guestPath, 'http://x').searchParams.get('token')!;
    const changed = (token.startsWith('A') ? 'B' : 'A') + token.slice(1);
    // The same bytes spelled another way: base64url's last character of 32 bytes carries two spare bits.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const respelled = token.slice(0, -1) + alphabet[alphabet.indexOf(token.at(-1)!) ^ 1]!;
    expect(Buffer.from(respelled, 'base64url').equals(Buffer.from(token, 'base64url'))).toBe(true);
    const otherToken = new URL(other.guestPath, 'http://x').searchParams.get('token')!;
    for (const url of [
      `/account/orders/${guest.order.number}?token=${changed}`,
      `/account/orders/${guest.order.number}?token=${respelled}`,
      `/account/orders/${guest.order.number}?token=${otherToken}`,
      `/account/orders/${guest.order.number}?token=short`,
      `/account/orders/B1?token=${token}`,
    ]) {
      const res = await get(url, undefined, 'text/html');
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain('Ada Lovelace');
    }
  });
});

describe('personal data', () => {
  it('exports the customer\'s orders with their lines and addresses', async () => {
    const { order } = await orderOf(ada);
    const res = await get('/api/v1/me/export', ada.cookie);
    expect(res.statusCode).toBe(200);
    const data = JSON.parse(res.body) as { orders: { number: string; email: string; shippingAddress: unknown; lines: unknown[] }[] };
    const exported = data.orders.find((o) => o.number === order.number);
    expect(exported).toMatchObject({ email: ada.email, shippingAddress: address });
    expect(exported!.lines).toHaveLength(1);
    expect(data.orders.every((o) => typeof o.number === 'string')).toBe(true);
  });

  it('keeps the orders of a deleted account, with the e-mail, addresses, account and guest link removed', async () => {
    const carol = await customer();
    const { order, guestPath } = await orderOf(carol);
    await h.pay(order.id);
    const deleted = await post(t, '/api/v1/me/delete', { password: goodPassword }, carol.cookie);
    expect(deleted.statusCode).toBe(200);

    const row = await t.database.db.selectFrom('order').selectAll().where('id', '=', order.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ customer_id: null, email_encrypted: null, email_index: null, status: 'paid', total_amount: order.total.amount });
    expect(row.erased_at).not.toBeNull();
    expect(await t.database.db.selectFrom('order_address').select('id').where('order_id', '=', order.id).execute()).toEqual([]);
    expect(await t.database.db.selectFrom('order_line').select('id').where('order_id', '=', order.id).execute()).toHaveLength(1);
    const detail = await h.orders.detail(order.id);
    expect(detail).toMatchObject({ email: '', shippingAddress: null, erased: true, customerId: null });
    expect(detail.events.at(-1)!.type).toBe('personal_data.erased');
    expect((await get(guestPath, undefined, 'text/html')).statusCode).toBe(404);
    // Staff search by the old address finds nothing any more.
    expect((await h.orders.list({ q: carol.email, limit: 10, offset: 0 })).total).toBe(0);
  });
});
