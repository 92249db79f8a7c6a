import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../../src/web/format.js';
import { createSignedInStaff, type SignedInStaff } from '../support/staff.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { ordersHarness, type OrdersHarness } from '../orders/harness.js';
import { browserOf, textOf } from './backoffice-support.js';

/**
 * The dashboard's sales, to-fulfil and failed-payment cards against orders placed on known days.
 * The test clock's "today" is Friday 27 November 2026 (UTC); the week began on Monday the 23rd.
 * Every order is one unit of the same variant plus the harness's £4.95 delivery, so each is worth
 * `each` and the expected figures are multiples of it:
 *
 *   Fri 20 Nov  paid        outside the week and the chart's last 7 days (21–27)
 *   Mon 23 Nov  paid        this week
 *   Thu 26 Nov  paid        this week, "yesterday"
 *   Fri 27 Nov  paid × 2    today
 *   Fri 27 Nov  unpaid      counts nowhere
 *   Fri 27 Nov  a declined card at the test gateway: one failed payment
 *
 * Today 2 × each, 1 × each more than yesterday; this week 4 × each; to fulfil 5 (every paid order).
 */
let t: TestApp;
let h: OrdersHarness;
let owner: SignedInStaff;
let contentEditor: SignedInStaff;
let each: number;

const today = new Date('2026-11-27T10:00:00.000Z');

function cardOf(html: string, label: string): { value: string; note: string } | undefined {
  const card = html.split('<li class="kpi').slice(1).find((c) => c.includes(`<h3 class="kpi__label">${label}</h3>`));
  if (card === undefined) return undefined;
  return {
    value: textOf(/<p class="kpi__value tabular">([^<]*)<\/p>/.exec(card)?.[1] ?? ''),
    note: textOf(/<p class="kpi__note">([^<]*)<\/p>/.exec(card)?.[1] ?? ''),
  };
}

beforeAll(async () => {
  t = await createTestApp({ TEST_GATEWAY_WEBHOOK_SECRET: 'test-gateway-secret-for-the-dashboard-0123456789' });
  // The app's own orders service has registered the orders' jobs; the harness's twin must not again.
  h = await ordersHarness({ ...t, outbox: { ...t.outbox, handle: () => undefined } });
  const variant = h.variants[0]!;
  await h.stockOf(variant.id, 100);
  each = variant.price + 495;
  const placeAt = async (iso: string, paid: boolean) => {
    t.clock.now = new Date(iso);
    const { order } = await h.orders.place(h.input(await h.cart([{ variantId: variant.id, quantity: 1 }])));
    if (paid) await h.pay(order.id);
    return order;
  };
  await placeAt('2026-11-20T12:00:00.000Z', true);
  await placeAt('2026-11-23T09:00:00.000Z', true);
  await placeAt('2026-11-26T15:00:00.000Z', true);
  await placeAt('2026-11-27T08:00:00.000Z', true);
  await placeAt('2026-11-27T09:00:00.000Z', true);
  const unpaid = await placeAt('2026-11-27T09:30:00.000Z', false);
  // A declined card at the test gateway, applied by a server-side retrieval.
  const { paymentId } = await t.payments.start({
    orderId: unpaid.id, orderNumber: unpaid.number, amount: unpaid.total, provider: 'test',
    returnUrl: 'http://127.0.0.1/checkout/return', cancelUrl: 'http://127.0.0.1/checkout/payment', idempotencyKey: `order:${unpaid.id}`,
  });
  const reference = (await t.payments.get(paymentId))!.providerReference!;
  const { token } = await t.database.db.selectFrom('test_gateway_payment').select('token').where('reference', '=', reference).executeTakeFirstOrThrow();
  await t.payments.testGateway!.pay(await t.payments.testGateway!.page(token), { number: '4000 0000 0000 0002', expiry: '12 / 30', cvc: '123', name: 'Grace Hopper' }).catch(() => undefined);
  await t.database.db.deleteFrom('outbox_job').where('type', '=', 'payments.test-webhook').execute();
  expect((await t.payments.refresh(paymentId)).status).toBe('failed');
  t.clock.now = today;
  owner = await createSignedInStaff(t, 'owner');
  contentEditor = await createSignedInStaff(t, 'content_editor');
}, 240_000);
afterAll(async () => {
  await t?.close();
});

describe('the sales cards', () => {
  it('shows today’s and this week’s sales, the chart’s figures and the orders to fulfil, as counted by hand', async () => {
    const res = await browserOf(t, owner).get('/admin');
    expect(res.statusCode).toBe(200);
    const money = (amount: number) => formatMoney({ amount, currency: 'GBP' }, t.config.shop.locale);
    expect(cardOf(res.body, 'Sales today')).toEqual({ value: money(2 * each), note: `2 orders, ${money(each)} more than yesterday` });
    expect(cardOf(res.body, 'Sales this week')).toEqual({ value: money(4 * each), note: `Since Monday. Last 7 days: ${money(4 * each)} from 4 orders.` });
    expect(cardOf(res.body, 'Orders to fulfil')).toEqual({ value: '5', note: 'Paid, waiting to ship' });
    expect(cardOf(res.body, 'Failed payments')).toEqual({ value: '1', note: 'Last 7 days. Webhooks: 0 failed, 0 rejected.' });

    // The chart is an image with a name and a description, and its figures are a table.
    expect(res.body).toContain('<svg class="bar-chart__svg" viewBox="0 0 320 128" role="img"');
    expect(res.body).toContain('<title id="chart-');
    expect(textOf(res.body)).toContain(`the best day was Friday 27 November with ${money(2 * each)}`);
    const figures = textOf(/<details class="bar-chart__figures">[\s\S]*?<\/details>/.exec(res.body)![0]);
    expect(figures).toContain(`Saturday 21 November ${money(0)} (0 orders)`);
    expect(figures).toContain(`Monday 23 November ${money(each)} (1 order)`);
    expect(figures).toContain(`Thursday 26 November ${money(each)} (1 order)`);
    expect(figures).toContain(`Friday 27 November ${money(2 * each)} (2 orders)`);
    expect(figures).not.toContain('20 November');

    const todo = textOf(/<section class="admin-card todo"[\s\S]*?<\/section>/.exec(res.body)![0]);
    expect(todo).toContain('5 orders to ship');
    expect(todo).toContain('1 failed payment in the last 7 days');
  });

  it('shows no order or payment card to a role without orders.read', async () => {
    const res = await browserOf(t, contentEditor).get('/admin');
    for (const label of ['Sales today', 'Sales this week', 'Orders to fulfil', 'Failed payments']) expect(cardOf(res.body, label)).toBeUndefined();
    expect(res.body).not.toContain('bar-chart');
  });
});
