import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffAction } from '../../src/modules/orders/index.js';
import { setStock } from '../pricing/pricing-fixtures.js';
import type { TestApp } from '../support/test-app.js';
import { openShop, Shopper, ukAddress, type Shop } from '../checkout/checkout-support.js';

/**
 * A shopper pays one order twice (two tabs, a retried payment page): the second payment is the shop's
 * fault to put right, not a change of the order. Refunding it gives the money back and leaves the order
 * paid; only money beyond it refunds the order itself. Real payments, the test gateway's card page and
 * its signed webhook to the listening app.
 */
describe('a second payment of one order', () => {
  let t: TestApp;
  let base: string;
  let shop: Shop;
  const staff: StaffAction = { actor: { type: 'staff', id: randomUUID(), role: 'owner' }, clientIp: '203.0.113.7' };
  beforeAll(async () => {
    ({ t, base, shop } = await openShop());
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Pays on the test gateway's card page, as the shopper's browser does, and lets the webhook arrive. */
  const payOnPage = async (s: Shopper, url: string) => {
    const path = new URL(url, base).pathname;
    expect((await s.get(path)).status).toBe(200);
    const paid = await s.post(path, { number: '4242 4242 4242 4242', expiry: '12 / 34', cvc: '123', name: 'Ada Lovelace' });
    expect(paid.status).toBe(303);
    await t.outbox.drain();
  };

  it('leaves the order paid when the duplicate is refunded, and refunds the order only with money beyond it', async () => {
    await setStock(t, shop.variants[0]!.id, 10);
    const s = new Shopper(base);
    await s.add(shop.variants[0]!.id, 1);
    const placed = await s.api('POST', '/api/v1/checkout', { email: 'ada.twice@example.com', shippingAddress: ukAddress, shippingMethodId: shop.standard, provider: 'test' }, { 'idempotency-key': randomUUID() });
    expect(placed.status).toBe(201);
    const order = placed.json.order as { id: string; number: string; total: { amount: number; currency: string } };
    await payOnPage(s, (placed.json.payment as { action: { url: string } }).action.url);
    expect((await t.orders.detail(order.id)).status).toBe('paid');

    // The same order paid again through a second payment.
    const second = await t.payments.start({
      orderId: order.id, orderNumber: order.number, amount: order.total, provider: 'test',
      returnUrl: `${base}/checkout/complete/${order.number}`, cancelUrl: `${base}/cart`, idempotencyKey: `second:${order.id}`,
    });
    await payOnPage(s, (second.action as { url: string }).url);
    const payments = await t.payments.forOrder(order.id);
    expect(payments.map((p) => p.status)).toEqual(['succeeded', 'succeeded']);
    const afterSecond = await t.orders.detail(order.id);
    expect(afterSecond.status).toBe('paid');
    expect(afterSecond.events.map((e) => e.type)).toContain('issue.duplicate_payment');

    // Staff give one order total back: that is the duplicate, so the order stands.
    const first = await t.orders.refund(order.id, { amount: order.total, reason: 'Paid twice' }, staff);
    expect(first.status).toBe('paid');
    expect(first.totals.refunded.amount).toBe(0);
    expect(first.events.map((e) => e.type)).toContain('payment.refunded_extra');
    const given = (await t.payments.forOrder(order.id)).reduce((sum, p) => sum + p.refunded.amount, 0);
    expect(given).toBe(order.total.amount);

    // A refund beyond it is the order's own: now the order is refunded.
    const part = await t.orders.refund(order.id, { amount: { amount: 500, currency: order.total.currency }, reason: 'Damaged box' }, staff);
    expect(part.status).toBe('partially_refunded');
    expect(part.totals.refunded.amount).toBe(500);
    const rest = await t.orders.refund(order.id, { amount: { amount: order.total.amount - 500, currency: order.total.currency }, reason: 'Returned' }, staff);
    expect(rest.status).toBe('refunded');
    expect(rest.totals.refunded.amount).toBe(order.total.amount);
  });
});
