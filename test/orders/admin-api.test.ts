import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailsTo, newEmail } from '../support/accounts.js';
import { createSignedInStaff, type SignedInStaff } from '../support/staff.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { ordersHarness, type OrdersHarness } from './harness.js';

/**
 * The staff orders API over HTTP with a real order manager's session: bad input and steps off the state
 * machine answer the exact status and problem code and change nothing; allowed steps are audited with
 * the staff member, the address and the request id.
 */
let t: TestApp;
let h: OrdersHarness;
let manager: SignedInStaff;

beforeAll(async () => {
  t = await createTestApp();
  h = await ordersHarness(t);
  await h.stockOf(h.variants[0]!.id, 100);
  manager = await createSignedInStaff(t, 'order_manager');
}, 120_000);

afterAll(async () => {
  await t?.close();
});

const api = (method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
  t.app.inject({ method, url, headers: { cookie: manager.cookie }, ...(payload !== undefined ? { payload } : {}) });

async function placed(email = newEmail('staff-api')) {
  const v = h.variants[0]!;
  const { order } = await h.orders.place(h.input(await h.cart([{ variantId: v.id, quantity: 3 }]), { email }));
  return order;
}

describe('the staff orders API', () => {
  it('lists orders with a search and shows one with its lines, addresses and history', async () => {
    const email = newEmail('findme');
    const order = await placed(email);
    const list = await api('GET', `/api/v1/admin/orders?q=${encodeURIComponent(email)}`);
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ total: 1, items: [{ id: order.id, number: order.number, email, itemCount: 3, status: 'pending_payment' }] });
    const detail = await api('GET', `/api/v1/admin/orders/${order.id}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({ id: order.id, shippingAddress: { name: 'Ada Lovelace' }, events: [{ type: 'placed' }], payments: [] });
    const bad = await api('GET', '/api/v1/admin/orders?status=lost');
    expect(bad.statusCode).toBe(400);
    const stats = await api('GET', '/api/v1/admin/orders/stats?days=7');
    expect(stats.statusCode).toBe(200);
    expect(stats.json<{ daily: unknown[] }>().daily).toHaveLength(7);
  });

  it('refuses to ship an unpaid order: 409 ORDER_INVALID_TRANSITION, nothing changed, nothing audited', async () => {
    const order = await placed();
    const res = await api('POST', `/api/v1/admin/orders/${order.id}/fulfilments`, { carrier: 'DPD', trackingNumber: 'X1' });
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'ORDER_INVALID_TRANSITION' });
    const after = await h.orders.detail(order.id);
    expect([after.status, after.fulfilments.length, after.events.length]).toEqual(['pending_payment', 0, 1]);
    expect(await t.audit.listForTarget('order', order.id)).toEqual([]);
  });

  it('refuses a body with a price or an unknown field, and quantities that are not whole and positive, changing nothing', async () => {
    const order = await placed();
    await h.pay(order.id);
    const lineId = (await h.orders.detail(order.id)).lines[0]!.id;
    for (const body of [
      { carrier: 'DPD', price: 0 },
      { lines: [{ orderLineId: lineId, quantity: 0 }] },
      { lines: [{ orderLineId: lineId, quantity: 1.5 }] },
      { lines: [{ orderLineId: lineId, quantity: -1 }] },
      { lines: [{ orderLineId: lineId, quantity: 1, unitPrice: 1 }] },
    ]) {
      const res = await api('POST', `/api/v1/admin/orders/${order.id}/fulfilments`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json<{ code: string }>().code).toBe('VALIDATION_FAILED');
    }
    const tooMany = await api('POST', `/api/v1/admin/orders/${order.id}/fulfilments`, { lines: [{ orderLineId: lineId, quantity: 4 }] });
    expect([tooMany.statusCode, tooMany.json<{ code: string }>().code]).toEqual([409, 'ORDER_FULFIL_QUANTITY']);
    const refund = await api('POST', `/api/v1/admin/orders/${order.id}/refunds`, { amount: { amount: 100, currency: 'GBP' }, reason: 'x', total: 100 });
    expect(refund.statusCode).toBe(400);
    const after = await h.orders.detail(order.id);
    expect([after.status, after.fulfilments.length, after.totals.refunded.amount]).toEqual(['paid', 0, 0]);
  });

  it('ships part of a paid order with a tracking number, audited as the staff member, and mails the shopper', async () => {
    const email = newEmail('shipped');
    const order = await placed(email);
    await h.pay(order.id);
    const lineId = (await h.orders.detail(order.id)).lines[0]!.id;
    const res = await api('POST', `/api/v1/admin/orders/${order.id}/fulfilments`, { lines: [{ orderLineId: lineId, quantity: 2 }], carrier: 'Royal Mail', trackingNumber: 'RM000111222GB' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ status: 'partially_fulfilled', fulfilments: [{ carrier: 'Royal Mail', trackingNumber: 'RM000111222GB' }] });
    const [event] = await t.audit.listForTarget('order', order.id);
    expect(event).toMatchObject({ action: 'order.fulfil', actorType: 'staff', actorId: manager.userId, actorRole: 'order_manager' });
    expect(event!.requestId).toBeTruthy();
    const [mail] = await mailsTo(t, email);
    expect(mail!.text).toContain('RM000111222GB');
    const resend = await api('POST', `/api/v1/admin/orders/${order.id}/mails`, { mail: 'shipping' });
    expect(resend.statusCode).toBe(202);
  });

  it('refuses a support agent (orders.fulfil, no orders.refund) cancelling a paid order, over the API and the page: 403 ORDER_CANCEL_REFUND_DENIED, nothing refunded', async () => {
    const support = await createSignedInStaff(t, 'support');
    const order = await placed();
    await h.pay(order.id);
    const before = await h.orders.detail(order.id);
    const auditBefore = await t.audit.listForTarget('order', order.id);
    const refundCallsBefore = h.payments.refundCalls.length;

    const res = await t.app.inject({ method: 'POST', url: `/api/v1/admin/orders/${order.id}/cancel`, headers: { cookie: support.cookie }, payload: { reason: 'support cancels' } });
    expect(res.statusCode, res.body).toBe(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'ORDER_CANCEL_REFUND_DENIED' });

    // The page form, as a browser sends it: the session, the form token and its cookie.
    const adminPage = await t.app.inject({ url: '/admin', headers: { accept: 'text/html', cookie: support.cookie } });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(adminPage.body)?.[1];
    expect(csrf).toBeDefined();
    const setCookies = ([] as string[]).concat(adminPage.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]!);
    const cookie = [support.cookie, ...setCookies].join('; ');
    const page = await t.app.inject({
      method: 'POST',
      url: `/admin/orders/${order.number}/cancel`,
      headers: { accept: 'text/html', cookie, 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': csrf! },
      payload: new URLSearchParams({ _csrf: csrf!, reason: 'support cancels', confirm: 'yes' }).toString(),
    });
    expect(page.statusCode).toBe(403);
    expect(page.body).toContain('Your role does not allow refunds');

    const after = await h.orders.detail(order.id);
    expect([after.status, after.totals.refunded.amount, after.events.length]).toEqual(['paid', 0, before.events.length]);
    expect(await t.audit.listForTarget('order', order.id)).toEqual(auditBefore);
    expect(h.payments.refundCalls).toHaveLength(refundCallsBefore);
  });

  it('still lets a support agent cancel an unpaid order (orders.fulfil is enough when no money was taken)', async () => {
    const support = await createSignedInStaff(t, 'support');
    const order = await placed();
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/admin/orders/${order.id}/cancel`, headers: { cookie: support.cookie }, payload: { reason: 'Customer asked' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'cancelled' });
  });
});

describe('personal data in the staff orders API', () => {
  it('masks the e-mail and addresses for roles that only read orders, in the list and in one order, and shows them to roles that ship', async () => {
    const email = newEmail('masked-reader');
    const order = await placed(email);
    const readers = [await createSignedInStaff(t, 'auditor'), await createSignedInStaff(t, 'catalog_manager')];
    for (const reader of readers) {
      const get = (url: string) => t.app.inject({ url, headers: { cookie: reader.cookie } });
      const list = await get(`/api/v1/admin/orders?q=${encodeURIComponent(email)}`);
      expect(list.statusCode).toBe(200);
      const row = list.json<{ items: { id: string; email: string }[] }>().items[0]!;
      expect(row.id).toBe(order.id);
      expect(row.email).not.toContain(email.split('@')[0]!);
      expect(row.email).toMatch(/^.•••@.•••\.[a-z]+$/u);
      const detail = await get(`/api/v1/admin/orders/${order.id}`);
      expect(detail.statusCode).toBe(200);
      const body = detail.body;
      // Nothing of the shopper in clear: the placed order's name, street, city and postcode.
      for (const clear of [email, 'Ada Lovelace', ...Object.values(h.input('', { email }).shippingAddress).filter((v): v is string => typeof v === 'string' && v.length > 3 && v !== 'GB')]) {
        expect(body, clear).not.toContain(clear);
      }
      const shown = detail.json<{ id: string; email: string; shippingAddress: Record<string, unknown> }>();
      expect(shown.id).toBe(order.id);
      expect(shown.email).toMatch(/•••/u);
      expect(shown.shippingAddress).toMatchObject({ name: 'A••• L•••', line1: '•••', country: 'GB' });
    }
    const shipping = await api('GET', `/api/v1/admin/orders/${order.id}`);
    expect(shipping.json()).toMatchObject({ email, shippingAddress: { name: 'Ada Lovelace' } });
  });
});
