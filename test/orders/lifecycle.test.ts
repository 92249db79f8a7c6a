import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffAction } from '../../src/modules/orders/index.js';
import { mailsTo, newEmail } from '../support/accounts.js';
import { codeOf } from '../support/error-code.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { ordersHarness, type OrdersHarness } from './harness.js';

/**
 * An order's life on a real database: payment facts applied in their transaction, the state machine
 * refusing every step off it (409, nothing changed), staff fulfilment, delivery, cancellation and
 * refunds, each audited and in the order's history, mails through the outbox, the hold expiring and
 * reconciliation repairing or reporting what a crash left.
 */
let t: TestApp;
let h: OrdersHarness;
const staff: StaffAction = { actor: { type: 'staff', id: '11111111-1111-4111-8111-111111111111', role: 'order_manager' }, clientIp: '203.0.113.9', requestId: 'req-1' };

beforeAll(async () => {
  t = await createTestApp();
  h = await ordersHarness(t);
  for (const v of h.variants) await h.stockOf(v.id, 100);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

/** A placed order of 2 + 1 units, mailed to a fresh address. */
async function placed(quantities: [number, number] = [2, 1]) {
  const email = newEmail('buyer');
  const [a, b] = h.variants;
  const { order, guestPath } = await h.orders.place(
    h.input(
      await h.cart([
        { variantId: a!.id, quantity: quantities[0] },
        { variantId: b!.id, quantity: quantities[1] },
      ]),
      { email },
    ),
  );
  return { order, email, guestPath, a: a!, b: b! };
}

async function paidOrder() {
  const p = await placed();
  await h.pay(p.order.id);
  return p;
}

/** Units of a variant the ledger shows released for an order. */
async function releasedFor(variantId: string, number: string): Promise<number> {
  const { items } = await t.inventory.movements(variantId, { limit: 1000, offset: 0 });
  return items.filter((m) => m.kind === 'release' && m.reference === `order:${number}`).reduce((s, m) => s - m.reservedDelta, 0);
}

const statusOf = async (id: string) => (await h.orders.detail(id)).status;
const eventsOf = async (id: string) => (await h.orders.detail(id)).events.map((e) => e.type);

describe('payment events', () => {
  it('marks an order paid, sells its reserved stock, audits it and mails a confirmation with lines, totals and the link', async () => {
    const { order, email, guestPath, a } = await placed();
    const before = await t.inventory.level(a.id);
    await h.pay(order.id);
    const detail = await h.orders.detail(order.id);
    expect(detail.status).toBe('paid');
    expect(detail.events.map((e) => [e.type, e.fromStatus, e.toStatus])).toEqual([
      ['placed', null, null],
      ['status', 'pending_payment', 'paid'],
      ['mail.confirmation', null, null],
    ]);
    const after = await t.inventory.level(a.id);
    expect({ onHand: after.onHand - before.onHand, reserved: after.reserved - before.reserved }).toEqual({ onHand: -2, reserved: -2 });
    const audited = await t.audit.listForTarget('order', order.id);
    expect(audited.map((e) => [e.action, e.actorType, e.actorId])).toEqual([['order.paid', 'system', 'payments']]);

    const [mail] = await mailsTo(t, email);
    expect(mail!.subject).toContain(`Order ${order.number} confirmed`);
    expect(mail!.text).toContain(`2 × ${a.name}`);
    expect(mail!.text).toContain('Total: £');
    expect(mail!.text).toContain(`${t.config.publicUrl}${guestPath}`);
  });

  it('does not mark an order paid for a different amount or currency: the fault is recorded and reported', async () => {
    const { order, a } = await placed();
    const reserved = (await t.inventory.level(a.id)).reserved;
    await h.pay(order.id, { amount: order.total.amount - 1, currency: 'GBP' });
    await h.pay(order.id, { amount: order.total.amount, currency: 'EUR' });
    expect(await statusOf(order.id)).toBe('pending_payment');
    expect(await eventsOf(order.id)).toEqual(['placed', 'issue.amount_mismatch', 'issue.amount_mismatch']);
    expect((await t.inventory.level(a.id)).reserved).toBe(reserved);
    expect(await t.audit.listForTarget('order', order.id)).toEqual([]);
  });

  it('cancels the order when its payment fails, releases its stock and gives the shopper their cart back', async () => {
    const { order, a } = await placed();
    const reservedBefore = (await t.inventory.level(a.id)).reserved;
    const cartId = (await t.database.db.selectFrom('cart').select('id').where('order_id', '=', order.id).executeTakeFirstOrThrow()).id;
    await t.database.db.transaction().execute((trx) => h.orders.paymentEvents.failed(trx, { orderId: order.id, paymentId: 'p-1', reason: 'card_declined' }));
    const detail = await h.orders.detail(order.id);
    expect(detail.status).toBe('cancelled');
    expect(detail.events.find((e) => e.type === 'status')).toMatchObject({ fromStatus: 'pending_payment', toStatus: 'cancelled', data: { reason: 'payment_failed' } });
    expect((await t.inventory.level(a.id)).reserved).toBe(reservedBefore - 2);
    expect(await h.cartState(cartId)).toMatchObject({ status: 'open', lines: [{ variantId: a.id, quantity: 2 }, { quantity: 1 }] });
    // A payment that still succeeds afterwards is never applied: reported for a refund.
    await h.pay(order.id);
    expect(await statusOf(order.id)).toBe('cancelled');
    expect(await eventsOf(order.id)).toContain('issue.paid_after_cancel');
  });
});

describe('the state machine', () => {
  it('refuses to deliver, refund or fulfil an unpaid order: 409 ORDER_INVALID_TRANSITION, nothing changed', async () => {
    const { order } = await placed();
    const before = await h.orders.detail(order.id);
    for (const attempt of [
      () => h.orders.markDelivered(order.id, staff),
      () => h.orders.fulfil(order.id, {}, staff),
      () => h.orders.refund(order.id, { amount: { amount: 100, currency: 'GBP' }, reason: 'goodwill' }, staff),
    ]) {
      const err = await attempt().catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'ORDER_INVALID_TRANSITION', category: 'conflict' });
    }
    const after = await h.orders.detail(order.id);
    expect(after.status).toBe('pending_payment');
    expect(after.events).toEqual(before.events);
    expect(await t.audit.listForTarget('order', order.id)).toEqual([]);
  });

  it('refuses to deliver a paid order that has not shipped, and anything on a cancelled one', async () => {
    const { order } = await paidOrder();
    expect(await codeOf(h.orders.markDelivered(order.id, staff))).toBe('ORDER_INVALID_TRANSITION');
    expect(await statusOf(order.id)).toBe('paid');
    const other = await placed();
    await h.orders.cancel(other.order.id, 'Customer asked', staff);
    for (const attempt of [() => h.orders.cancel(other.order.id, 'again', staff), () => h.orders.fulfil(other.order.id, {}, staff), () => h.orders.markDelivered(other.order.id, staff)]) {
      expect(await codeOf(attempt())).toBe('ORDER_INVALID_TRANSITION');
    }
    expect(await statusOf(other.order.id)).toBe('cancelled');
  });
});

describe('staff actions', () => {
  it('ships part of an order, then the rest, with carrier and tracking numbers; mails each shipment; then marks it delivered', async () => {
    const { order, email, a } = await paidOrder();
    const lines = (await h.orders.detail(order.id)).lines;
    const lineA = lines.find((l) => l.variantId === a.id)!;
    const first = await h.orders.fulfil(order.id, { lines: [{ orderLineId: lineA.id, quantity: 1 }], carrier: 'Royal Mail', trackingNumber: 'RM123456789GB' }, staff);
    expect(first.status).toBe('partially_fulfilled');
    expect(first.fulfilments).toMatchObject([{ carrier: 'Royal Mail', trackingNumber: 'RM123456789GB', lines: [{ orderLineId: lineA.id, quantity: 1 }] }]);
    expect(await codeOf(h.orders.fulfil(order.id, { lines: [{ orderLineId: lineA.id, quantity: 2 }] }, staff))).toBe('ORDER_FULFIL_QUANTITY');
    expect(await codeOf(h.orders.cancel(order.id, 'too late', staff))).toBe('ORDER_CANCEL_AFTER_SHIPPING');

    const rest = await h.orders.fulfil(order.id, { carrier: 'DPD', trackingNumber: '15501234567890' }, staff);
    expect(rest.status).toBe('fulfilled');
    expect(rest.lines.every((l) => l.fulfilledQuantity === l.quantity)).toBe(true);
    expect(await codeOf(h.orders.fulfil(order.id, {}, staff))).toBe('ORDER_INVALID_TRANSITION');

    const delivered = await h.orders.markDelivered(order.id, staff);
    expect(delivered.status).toBe('delivered');
    const audited = await t.audit.listForTarget('order', order.id);
    expect(audited.map((e) => [e.action, e.actorId, e.clientIp])).toEqual([
      ['order.deliver', staff.actor.id, '203.0.113.9'],
      ['order.fulfil', staff.actor.id, '203.0.113.9'],
      ['order.fulfil', staff.actor.id, '203.0.113.9'],
      ['order.paid', 'payments', null],
    ]);
    const mails = await mailsTo(t, email);
    expect(mails.map((m) => m.subject.split(' · ')[0])).toEqual([`Order ${order.number} has shipped`, `Part of order ${order.number} has shipped`, `Order ${order.number} confirmed`]);
    expect(mails[1]!.text).toContain('RM123456789GB');
    expect(mails[0]!.text).toContain('15501234567890');
  });

  it('refunds in part and then in full through payments, never more than was paid, with a refund mail each time', async () => {
    const { order, email } = await paidOrder();
    const total = order.total.amount;
    const part = await h.orders.refund(order.id, { amount: { amount: 500, currency: 'GBP' }, reason: 'Damaged box' }, staff);
    expect(part.status).toBe('partially_refunded');
    expect(part.totals.refunded.amount).toBe(500);

    const tooMuch = await h.orders.refund(order.id, { amount: { amount: total, currency: 'GBP' }, reason: 'oops' }, staff).catch((e: unknown) => e);
    expect(tooMuch).toMatchObject({ code: 'ORDER_REFUND_EXCEEDS_PAID', category: 'conflict', details: { remaining: total - 500 } });
    expect(await codeOf(h.orders.refund(order.id, { amount: { amount: 100, currency: 'EUR' }, reason: 'x' }, staff))).toBe('ORDER_INVALID');
    const unchanged = await h.orders.detail(order.id);
    expect(unchanged.status).toBe('partially_refunded');
    expect(unchanged.totals.refunded.amount).toBe(500);
    expect(h.payments.refundCalls.filter((c) => c.orderId === order.id)).toHaveLength(1);

    const full = await h.orders.refund(order.id, { amount: { amount: total - 500, currency: 'GBP' }, reason: 'Returned' }, staff);
    expect(full.status).toBe('refunded');
    expect(full.totals.refunded.amount).toBe(total);
    expect(await codeOf(h.orders.refund(order.id, { amount: { amount: 1, currency: 'GBP' }, reason: 'x' }, staff))).toBe('ORDER_INVALID_TRANSITION');
    const audited = (await t.audit.listForTarget('order', order.id)).map((e) => e.action);
    expect(audited.filter((a) => a === 'order.refund')).toHaveLength(4);
    const mails = await mailsTo(t, email);
    expect(mails.filter((m) => m.subject.startsWith(`A refund for order ${order.number}`))).toHaveLength(2);
  });

  it('cancels a paid order that has not shipped: refunded in full, then cancelled, its units back on hand', async () => {
    const { order, a } = await paidOrder();
    const before = await t.inventory.level(a.id);
    const detail = await h.orders.cancel(order.id, 'Customer changed their mind', staff);
    expect(detail.status).toBe('cancelled');
    expect(detail.totals.refunded.amount).toBe(order.total.amount);
    expect(h.payments.refundCalls.find((c) => c.orderId === order.id)!.amount.amount).toBe(order.total.amount);
    expect((await t.inventory.level(a.id)).onHand).toBe(before.onHand + 2);
    expect(detail.events.map((e) => e.type)).toEqual(['placed', 'status', 'mail.confirmation', 'cancel.requested', 'payment.refunded', 'status', 'mail.cancellation']);
    expect((await t.audit.listForTarget('order', order.id)).map((e) => e.action)).toEqual(['order.cancel', 'order.cancel_requested', 'order.paid']);
  });

  it('cancels an unpaid order: the payment cancelled at the provider, the stock released', async () => {
    const { order, a } = await placed();
    const reserved = (await t.inventory.level(a.id)).reserved;
    const detail = await h.orders.cancel(order.id, 'Duplicate order', staff);
    expect(detail.status).toBe('cancelled');
    expect(h.payments.cancelled).toContain(order.id);
    expect((await t.inventory.level(a.id)).reserved).toBe(reserved - 2);
    expect((await t.audit.listForTarget('order', order.id)).map((e) => [e.action, e.actorId])).toEqual([['order.cancel', staff.actor.id]]);
  });

  it('resends a mail only when there is one to send, audited', async () => {
    const { order, email } = await placed();
    expect(await codeOf(h.orders.resendMail(order.id, 'confirmation', staff))).toBe('ORDER_MAIL_NOT_APPLICABLE');
    await h.pay(order.id);
    expect(await codeOf(h.orders.resendMail(order.id, 'shipping', staff))).toBe('ORDER_MAIL_NOT_APPLICABLE');
    await h.orders.resendMail(order.id, 'confirmation', staff);
    const mails = await mailsTo(t, email);
    expect(mails.filter((m) => m.subject.startsWith(`Order ${order.number} confirmed`))).toHaveLength(2);
    expect((await t.audit.listForTarget('order', order.id)).map((e) => e.action)).toContain('order.mail_resend');
  });

  it('answers ORDER_NOT_FOUND for an unknown order', async () => {
    expect(await codeOf(h.orders.detail('00000000-0000-4000-8000-000000000000'))).toBe('ORDER_NOT_FOUND');
    expect(await codeOf(h.orders.fulfil('00000000-0000-4000-8000-000000000000', {}, staff))).toBe('ORDER_NOT_FOUND');
  });

  it('lists orders by status and finds one by number or exact e-mail, and counts the dashboard figures', async () => {
    const { order, email } = await paidOrder();
    const byNumber = await h.orders.list({ q: order.number, limit: 10, offset: 0 });
    expect(byNumber.items.map((o) => o.id)).toEqual([order.id]);
    expect((await h.orders.list({ q: order.number.slice(1), limit: 10, offset: 0 })).items.map((o) => o.id)).toEqual([order.id]);
    const byEmail = await h.orders.list({ q: email.toUpperCase(), limit: 10, offset: 0 });
    expect(byEmail.items.map((o) => [o.id, o.email, o.itemCount])).toEqual([[order.id, email, 3]]);
    const toFulfil = await h.orders.list({ status: 'to_fulfil', limit: 200, offset: 0 });
    expect(toFulfil.items.every((o) => o.status === 'paid' || o.status === 'partially_fulfilled')).toBe(true);
    expect(toFulfil.items.map((o) => o.id)).toContain(order.id);
    expect(toFulfil.counts.paid).toBeGreaterThan(0);
    expect((await h.orders.list({ q: 'nothing like an order', limit: 10, offset: 0 })).total).toBe(0);

    const stats = await h.orders.stats({ days: 7 });
    expect(stats.daily).toHaveLength(7);
    expect(stats.daily.at(-1)!.date).toBe(t.clock.now.toISOString().slice(0, 10));
    expect(stats.salesToday.amount).toBeGreaterThanOrEqual(order.total.amount);
    expect(stats.salesThisWeek.amount).toBeGreaterThanOrEqual(stats.salesToday.amount);
    expect(stats.toFulfil).toBe(toFulfil.total);
  });
});

describe('hold expiry and reconciliation', () => {
  it('repairs a payment whose webhook never came, reports a paid order without a payment, and expires unpaid holds', async () => {
    const crashed = await placed();
    await h.pay(crashed.order.id, undefined, { webhook: false });
    const ghost = await paidOrder();
    h.payments.records.splice(h.payments.records.findIndex((p) => p.orderId === ghost.order.id), 1);
    const abandoned = await placed();

    t.clock.advance(31 * 60_000);
    const report = await h.orders.reconcile();
    expect(report.repaired).toEqual(expect.arrayContaining([
      { orderId: crashed.order.id, number: crashed.order.number, kind: 'payment_applied' },
      { orderId: abandoned.order.id, number: abandoned.order.number, kind: 'hold_expired' },
    ]));
    expect(report.reported).toEqual(expect.arrayContaining([{ orderId: ghost.order.id, number: ghost.order.number, kind: 'paid_without_payment' }]));
    expect(await statusOf(crashed.order.id)).toBe('paid');
    expect(await statusOf(abandoned.order.id)).toBe('cancelled');
    expect(await releasedFor(abandoned.a.id, abandoned.order.number)).toBe(2);
    expect(await eventsOf(ghost.order.id)).toContain('issue.paid_without_payment');
    // Reported once in the history, however often the job runs.
    await h.orders.reconcile();
    expect((await eventsOf(ghost.order.id)).filter((e) => e === 'issue.paid_without_payment')).toHaveLength(1);
  });

  it('runs the hold-expiry job from the outbox once the hold is over: the payment cancelled, the stock released, idempotently', async () => {
    const { order, a } = await placed();
    const paid = await placed();
    await h.pay(paid.order.id);
    t.clock.advance(31 * 60_000);
    await t.outbox.drain();
    expect(await statusOf(order.id)).toBe('cancelled');
    expect(await statusOf(paid.order.id)).toBe('paid');
    expect(await releasedFor(a.id, order.number)).toBe(2);
    await h.orders.expireHold(order.id);
    expect(await releasedFor(a.id, order.number)).toBe(2);
    expect((await h.orders.detail(order.id)).events.find((e) => e.toStatus === 'cancelled')).toMatchObject({ actor: { type: 'system', id: 'hold-expiry' }, data: { reason: 'hold_expired' } });
  });
});
