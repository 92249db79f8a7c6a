import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffAction } from '../../src/modules/orders/index.js';
import { formatMoney } from '../../src/web/format.js';
import { mailsTo, newEmail } from '../support/accounts.js';
import { codeOf } from '../support/error-code.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { ordersHarness, type OrdersHarness } from './harness.js';

/**
 * The cancellation mail: whoever cancels an order (staff, a failed payment, the hold expiring), the
 * shopper gets one mail through the outbox saying so and whether money was taken or given back, and
 * never a second one for the same order.
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

async function placed() {
  const email = newEmail('buyer');
  const [a, b] = h.variants;
  const cartId = await h.cart([
    { variantId: a!.id, quantity: 2 },
    { variantId: b!.id, quantity: 1 },
  ]);
  const { order } = await h.orders.place(h.input(cartId, { email }));
  return { order, email };
}

const cancellations = async (email: string, number: string) => (await mailsTo(t, email)).filter((m) => m.subject.startsWith(`Order ${number} cancelled`));

describe('the cancellation mail', () => {
  it('tells the shopper once when staff cancel an unpaid order: nothing charged, the order linked', async () => {
    const { order, email } = await placed();
    await h.orders.cancel(order.id, 'Duplicate order', staff);
    const mails = await cancellations(email, order.number);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain(`We have cancelled order ${order.number}.`);
    expect(mails[0]!.text).toContain('Nothing was charged.');
    expect(mails[0]!.text).toContain(`/account/orders/${order.number}?token=`);
    // Staff's own reason stays in the back office.
    expect(mails[0]!.text).not.toContain('Duplicate order');

    expect(await codeOf(h.orders.cancel(order.id, 'again', staff))).toBe('ORDER_INVALID_TRANSITION');
    expect(await cancellations(email, order.number)).toHaveLength(1);
    expect((await h.orders.detail(order.id)).events.filter((e) => e.type === 'mail.cancellation')).toHaveLength(1);
  });

  it('says a paid order was refunded in full, in one mail instead of a separate refund mail', async () => {
    const { order, email } = await placed();
    await h.pay(order.id);
    await h.orders.cancel(order.id, 'Customer changed their mind', staff);
    const mails = await cancellations(email, order.number);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain(`We have refunded ${formatMoney(order.total, t.config.shop.locale)} in full to your original payment method.`);
    expect(mails[0]!.text).not.toContain('Nothing was charged');
    expect((await mailsTo(t, email)).filter((m) => m.subject.startsWith('A refund for order'))).toHaveLength(0);

    expect(await codeOf(h.orders.cancel(order.id, 'again', staff))).toBe('ORDER_INVALID_TRANSITION');
    expect(await cancellations(email, order.number)).toHaveLength(1);
  });

  it('tells the shopper when a failed payment cancels the order, and not again when the failure is reported twice', async () => {
    const { order, email } = await placed();
    const failed = () => t.database.db.transaction().execute((trx) => h.orders.paymentEvents.failed(trx, { orderId: order.id, paymentId: 'p-1', reason: 'card_declined' }));
    await failed();
    await failed();
    const mails = await cancellations(email, order.number);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain(`Your payment for order ${order.number} did not go through, so we have cancelled the order.`);
    expect(mails[0]!.text).toContain('Nothing was charged.');
  });

  it('tells the shopper when the payment hold expires, once, however often the expiry runs', async () => {
    const { order, email } = await placed();
    t.clock.advance(31 * 60_000);
    await t.outbox.drain();
    expect((await h.orders.detail(order.id)).status).toBe('cancelled');
    await h.orders.expireHold(order.id);
    const mails = await cancellations(email, order.number);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain(`We did not receive the payment for order ${order.number} in time`);
  });

  it('writes a mail named `once` a single time, however often it is queued', async () => {
    const to = newEmail('once');
    const message = { to, subject: 'Once only', text: 'Hello\n' };
    await t.database.db.transaction().execute(async (trx) => {
      await t.mail.enqueue(trx, message, { once: 'test-once:1' });
      await t.mail.enqueue(trx, message, { once: 'test-once:1' });
    });
    await t.mail.enqueue(t.database.db, message, { once: 'test-once:1' });
    expect(await mailsTo(t, to)).toHaveLength(1);
  });
});
