import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderSummary } from '../../src/modules/orders/index.js';
import { mailsTo, newEmail } from '../support/accounts.js';
import { createSignedInStaff, type SignedInStaff } from '../support/staff.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { ordersHarness, type OrdersHarness } from '../orders/harness.js';
import { browserOf, textOf } from './backoffice-support.js';

/**
 * The order pages over HTTP with real staff sessions: the list with its tabs, filters and search; the
 * order page for each kind of role (what it shows, which forms, masked or clear personal data); and every
 * action through its form (ship some or all, mark delivered, cancel after a confirmation, refund, send a
 * mail again), each audited by the orders service, refusals inline with nothing changed.
 * Orders are placed and paid through the orders test harness, on the app's own database.
 */
let t: TestApp;
let h: OrdersHarness;
let manager: SignedInStaff;
let support: SignedInStaff;
let catalogManager: SignedInStaff;
let contentEditor: SignedInStaff;

beforeAll(async () => {
  t = await createTestApp({ TEST_GATEWAY_WEBHOOK_SECRET: 'test-gateway-secret-for-the-order-pages-0123456789' });
  // The app's own orders service has registered the orders' outbox jobs already; the harness's twin on
  // the same database would register them a second time.
  h = await ordersHarness({ ...t, outbox: { ...t.outbox, handle: () => undefined } });
  await h.stockOf(h.variants[0]!.id, 100);
  await h.stockOf(h.variants[1]!.id, 100);
  [manager, support, catalogManager, contentEditor] = [
    await createSignedInStaff(t, 'order_manager'),
    await createSignedInStaff(t, 'support'),
    await createSignedInStaff(t, 'catalog_manager'),
    await createSignedInStaff(t, 'content_editor'),
  ];
}, 180_000);
afterAll(async () => {
  await t?.close();
});

/** An order of 3 of the first variant and 1 of the second, placed (and paid unless `paid: false`). */
async function order(options: { email?: string; paid?: boolean } = {}): Promise<OrderSummary> {
  const cart = await h.cart([
    { variantId: h.variants[0]!.id, quantity: 3 },
    { variantId: h.variants[1]!.id, quantity: 1 },
  ]);
  const { order: placed } = await h.orders.place(h.input(cart, { email: options.email ?? newEmail('buyer') }));
  if (options.paid !== false) await h.pay(placed.id);
  return placed;
}

/**
 * An order paid for real through the app's payments module and its test gateway (the card taken at the
 * gateway, then a server-side retrieval applies it), so a refund from the page goes through the gateway.
 */
async function paidAtGateway(): Promise<OrderSummary> {
  const placed = await order({ paid: false });
  const { paymentId } = await t.payments.start({
    orderId: placed.id, orderNumber: placed.number, amount: placed.total, provider: 'test',
    returnUrl: `http://127.0.0.1/checkout/return?order=${placed.id}`, cancelUrl: `http://127.0.0.1/checkout/payment?order=${placed.id}`, idempotencyKey: `order:${placed.id}`,
  });
  const reference = (await t.payments.get(paymentId))!.providerReference!;
  const { token } = await t.database.db.selectFrom('test_gateway_payment').select('token').where('reference', '=', reference).executeTakeFirstOrThrow();
  await t.payments.testGateway!.pay(await t.payments.testGateway!.page(token), { number: '4242 4242 4242 4242', expiry: '12 / 30', cvc: '123', name: 'Grace Hopper' });
  // No server listens for the gateway's webhook here: the retrieval applies the payment instead.
  await t.database.db.deleteFrom('outbox_job').where('type', '=', 'payments.test-webhook').execute();
  expect((await t.payments.refresh(paymentId)).status).toBe('succeeded');
  expect((await t.orders.detail(placed.id)).status).toBe('paid');
  return placed;
}

const auditActions = async (orderId: string) => (await t.audit.listForTarget('order', orderId)).map((e) => `${e.action} by ${e.actorId}`);

describe('the order list', () => {
  it('lists orders with masked e-mail addresses, and finds one by number or by exact address', async () => {
    const email = newEmail('list');
    const o = await order({ email });
    const b = browserOf(t, manager);
    const res = await b.get('/admin/orders');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`/admin/orders/${o.number}`);
    expect(res.body).not.toContain(email);

    const byNumber = await b.get(`/admin/orders?q=${o.number}`);
    expect(textOf(byNumber.body)).toContain('1–1 of 1');
    const byEmail = await b.get(`/admin/orders?q=${encodeURIComponent(email)}`);
    expect(byEmail.body).toContain(`/admin/orders/${o.number}`);
    expect(textOf(byEmail.body)).toContain('1–1 of 1');
  });

  it('filters by status and by the day placed', async () => {
    const unpaid = await order({ paid: false });
    const paid = await order();
    const b = browserOf(t, manager);
    const toFulfil = await b.get('/admin/orders?status=to_fulfil');
    expect(toFulfil.body).toContain(`/admin/orders/${paid.number}`);
    expect(toFulfil.body).not.toContain(`/admin/orders/${unpaid.number}`);
    const awaiting = await b.get('/admin/orders?status=pending_payment');
    expect(awaiting.body).toContain(`/admin/orders/${unpaid.number}`);
    expect(awaiting.body).not.toContain(`/admin/orders/${paid.number}`);

    const day = paid.createdAt.toISOString().slice(0, 10);
    const next = new Date(paid.createdAt.getTime() + 86_400_000).toISOString().slice(0, 10);
    expect((await b.get(`/admin/orders?from=${day}&to=${day}`)).body).toContain(`/admin/orders/${paid.number}`);
    expect((await b.get(`/admin/orders?to=${day}`)).body).toContain(`/admin/orders/${paid.number}`);
    const tomorrow = await b.get(`/admin/orders?from=${next}`);
    expect(tomorrow.statusCode).toBe(200);
    expect(tomorrow.body).not.toContain(`/admin/orders/${paid.number}`);
  });

  it('refuses a date that is not one, inline, with 400', async () => {
    const res = await browserOf(t, manager).get('/admin/orders?from=2026-02-30&to=yesterday');
    expect(res.statusCode).toBe(400);
    const text = textOf(res.body);
    expect(text).toContain('There is a problem');
    expect(text).toContain('Enter the start date as a real date');
    expect(text).toContain('Enter the end date as a real date');
  });

  it('is refused (403) to a role without orders.read', async () => {
    const res = await browserOf(t, contentEditor).get('/admin/orders');
    expect(res.statusCode).toBe(403);
    expect(textOf(res.body)).toContain('You do not have access to this page');
  });
});

describe('the order page', () => {
  it('shows the order manager the items, totals, address in clear, history and every action', async () => {
    const email = newEmail('detail');
    const o = await order({ email });
    const res = await browserOf(t, manager).get(`/admin/orders/${o.number}`);
    expect(res.statusCode).toBe(200);
    const text = textOf(res.body);
    expect(text).toContain(h.variants[0]!.name);
    expect(text).toContain(email);
    expect(text).toContain('12 St James Square');
    for (const heading of ['Items', 'Shipments', 'Payments and refunds', 'History', 'Ship items', 'Refund', 'Send a mail again', 'Cancel order']) {
      expect(res.body).toContain(`>${heading}</h2>`);
    }
  });

  it('shows a role that only reads orders the personal data masked and no action', async () => {
    const email = newEmail('masked');
    const o = await order({ email });
    const res = await browserOf(t, catalogManager).get(`/admin/orders/${o.number}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain(email);
    expect(res.body).not.toContain('St James');
    expect(textOf(res.body)).toContain('A••• L•••');
    for (const heading of ['Ship items', 'Refund', 'Send a mail again', 'Cancel order']) expect(res.body).not.toContain(`>${heading}</h2>`);
  });

  it('answers 404 for an order number that does not exist, and 403 to a role without orders.read', async () => {
    expect((await browserOf(t, manager).get('/admin/orders/B99999999')).statusCode).toBe(404);
    const o = await order();
    expect((await browserOf(t, contentEditor).get(`/admin/orders/${o.number}`)).statusCode).toBe(403);
  });
});

describe('actions through the order page', () => {
  it('ships part of an order with a tracking number, then the rest, then marks it delivered, each audited', async () => {
    const o = await order();
    const detail = await h.orders.detail(o.id);
    const [first, second] = detail.lines;
    const b = browserOf(t, support);
    await b.get(`/admin/orders/${o.number}`);
    const some = await b.post(`/admin/orders/${o.number}/fulfil`, { [`qty-${first!.id}`]: '2', [`qty-${second!.id}`]: '0', carrier: 'Royal Mail', trackingNumber: 'RM123456785GB' });
    expect(some.statusCode).toBe(303);
    expect(some.headers.location).toBe(`/admin/orders/${o.number}?done=fulfilled`);
    let after = await h.orders.detail(o.id);
    expect(after.status).toBe('partially_fulfilled');
    expect(after.lines.map((l) => l.fulfilledQuantity)).toEqual([2, 0]);
    expect(after.fulfilments[0]).toMatchObject({ carrier: 'Royal Mail', trackingNumber: 'RM123456785GB' });
    const page = await b.get(`/admin/orders/${o.number}?done=fulfilled`);
    expect(textOf(page.body)).toContain('Shipped. The customer has been sent the shipping mail.');
    expect(textOf(page.body)).toContain('RM123456785GB');

    // More than is left: refused inline, nothing shipped.
    const tooMany = await b.post(`/admin/orders/${o.number}/fulfil`, { [`qty-${first!.id}`]: '5', [`qty-${second!.id}`]: '1' });
    expect(tooMany.statusCode).toBe(400);
    expect(textOf(tooMany.body)).toContain(`Only 1 of ${first!.productName} is left to ship`);
    expect(tooMany.body).toContain('aria-invalid="true"');
    expect((await h.orders.detail(o.id)).fulfilments).toHaveLength(1);

    const rest = await b.post(`/admin/orders/${o.number}/fulfil`, { [`qty-${first!.id}`]: '1', [`qty-${second!.id}`]: '1', carrier: 'DPD' });
    expect(rest.statusCode).toBe(303);
    after = await h.orders.detail(o.id);
    expect(after.status).toBe('fulfilled');

    await b.get(`/admin/orders/${o.number}`);
    const delivered = await b.post(`/admin/orders/${o.number}/delivered`, {});
    expect(delivered.statusCode).toBe(303);
    expect((await h.orders.detail(o.id)).status).toBe('delivered');
    const audited = await auditActions(o.id);
    expect(audited.filter((a) => a.endsWith(`by ${support.userId}`)).length).toBeGreaterThanOrEqual(3);
  });

  it('cancels an unpaid order only after the confirmation page, stock going back', async () => {
    const o = await order({ paid: false });
    const b = browserOf(t, manager);
    await b.get(`/admin/orders/${o.number}`);
    const empty = await b.post(`/admin/orders/${o.number}/cancel`, { reason: '' });
    expect(empty.statusCode).toBe(400);
    expect(textOf(empty.body)).toContain('Enter a reason for cancelling the order');

    const ask = await b.post(`/admin/orders/${o.number}/cancel`, { reason: 'Customer called to cancel' });
    expect(ask.statusCode).toBe(200);
    expect(textOf(ask.body)).toContain(`Cancel order ${o.number}?`);
    expect((await h.orders.detail(o.id)).status).toBe('pending_payment');

    const done = await b.post(`/admin/orders/${o.number}/cancel`, { reason: 'Customer called to cancel', confirm: 'yes' });
    expect(done.statusCode).toBe(303);
    const after = await h.orders.detail(o.id);
    expect(after.status).toBe('cancelled');
    expect(after.cancelReason).toBe('Customer called to cancel');
    expect(await auditActions(o.id)).toContain(`order.cancel by ${manager.userId}`);
  });

  it('refuses a refund above what was paid, inline, before any confirmation, and changes nothing', async () => {
    const o = await order();
    const b = browserOf(t, manager);
    await b.get(`/admin/orders/${o.number}`);
    const above = (o.total.amount + 1) / 100;
    const res = await b.post(`/admin/orders/${o.number}/refund`, { amount: above.toFixed(2), reason: 'Goodwill' });
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body)).toContain('can still be refunded on this order');
    expect(res.body).toContain('id="amount-error"');
    const after = await h.orders.detail(o.id);
    expect([after.status, after.totals.refunded.amount]).toEqual(['paid', 0]);

    const words = await b.post(`/admin/orders/${o.number}/refund`, { amount: 'ten pounds', reason: 'Goodwill' });
    expect(words.statusCode).toBe(400);
    expect(textOf(words.body)).toContain('Enter the amount to refund');
  });

  it('refunds part of a paid order through the gateway after the confirmation page, then refuses more than is left', async () => {
    const o = await paidAtGateway();
    const b = browserOf(t, manager);
    const page = await b.get(`/admin/orders/${o.number}`);
    expect(textOf(page.body)).toContain('Test gateway');

    const ask = await b.post(`/admin/orders/${o.number}/refund`, { amount: '5.00', reason: 'Scratched on arrival' });
    expect(ask.statusCode).toBe(200);
    expect(textOf(ask.body)).toContain('Refund £5.00?');
    expect((await t.orders.detail(o.id)).totals.refunded.amount).toBe(0);

    const done = await b.post(`/admin/orders/${o.number}/refund`, { amount: '5.00', reason: 'Scratched on arrival', confirm: 'yes' });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`/admin/orders/${o.number}?done=refunded`);
    const after = await t.orders.detail(o.id);
    expect(after.status).toBe('partially_refunded');
    expect(after.totals.refunded).toEqual({ amount: 500, currency: 'GBP' });
    expect(after.payments[0]!.refunded.amount).toBe(500);
    expect(await auditActions(o.id)).toContain(`order.refund by ${manager.userId}`);
    const shown = textOf((await b.get(`/admin/orders/${o.number}?done=refunded`)).body);
    expect(shown).toContain('Refund sent to the payment provider');
    expect(shown).toContain('Partly refunded');

    // A confirmed form for more than is left (the amount changed by hand): the service refuses it, inline.
    const left = o.total.amount - 500;
    const tooMuch = await b.post(`/admin/orders/${o.number}/refund`, { amount: ((left + 1) / 100).toFixed(2), reason: 'Again', confirm: 'yes' });
    expect(tooMuch.statusCode).toBe(409);
    expect(tooMuch.body).toContain('id="amount-error"');
    expect((await t.orders.detail(o.id)).totals.refunded.amount).toBe(500);
  });

  it('refuses a refund to support (no orders.refund) with 403 and changes nothing', async () => {
    const o = await order();
    const b = browserOf(t, support);
    const page = await b.get(`/admin/orders/${o.number}`);
    expect(page.body).not.toContain('>Refund</h2>');
    const res = await b.post(`/admin/orders/${o.number}/refund`, { amount: '1.00', reason: 'Goodwill', confirm: 'yes' });
    expect(res.statusCode).toBe(403);
    expect((await h.orders.detail(o.id)).totals.refunded.amount).toBe(0);
  });

  it('sends the confirmation mail again', async () => {
    const email = newEmail('resend');
    const o = await order({ email });
    await t.outbox.drain();
    const before = (await mailsTo(t, email)).length;
    const b = browserOf(t, support);
    await b.get(`/admin/orders/${o.number}`);
    const res = await b.post(`/admin/orders/${o.number}/resend`, { mail: 'confirmation' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/admin/orders/${o.number}?done=resent`);
    expect((await mailsTo(t, email)).length).toBe(before + 1);
  });

  it('refuses a form without its token (403) and changes nothing', async () => {
    const o = await order();
    const b = browserOf(t, manager);
    await b.get(`/admin/orders/${o.number}`);
    const res = await b.post(`/admin/orders/${o.number}/delivered`, {}, { csrf: false });
    expect(res.statusCode).toBe(403);
    expect((await h.orders.detail(o.id)).status).toBe('paid');
  });
});
