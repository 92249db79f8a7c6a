import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppError } from '../../src/kernel/errors.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { paypalSignature, startPayPalServer } from './provider-servers.js';
import { anOrder, recordingEvents } from './support.js';

const credentials = { clientId: 'loopback-client', clientSecret: 'loopback-secret', webhookId: 'WH-LOOPBACK-1' };

describe('PAYMENTS=paypal against a loopback PayPal API', () => {
  let t: TestApp;
  let paypal: Awaited<ReturnType<typeof startPayPalServer>>;
  const events = recordingEvents();

  beforeAll(async () => {
    paypal = await startPayPalServer(credentials);
    t = await createTestApp(
      { PAYMENTS: 'paypal', PAYPAL_CLIENT_ID: credentials.clientId, PAYPAL_CLIENT_SECRET: credentials.clientSecret, PAYPAL_WEBHOOK_ID: credentials.webhookId, PAYPAL_API_BASE_URL: paypal.url },
      { paymentEvents: events },
    );
    await t.app.ready();
  });
  afterAll(async () => {
    await t?.close();
    await paypal?.close();
  });

  const start = async (amount = 1_234) => {
    const order = anOrder(amount);
    const result = await t.payments.start({ ...order, provider: 'paypal' });
    const reference = (await t.payments.get(result.paymentId))!.providerReference!;
    return { order, ...result, reference, fake: paypal.orders.get(reference)! };
  };

  const deliver = (event: Record<string, unknown>, options: { at?: Date; key?: string } = {}) => {
    const transmission = { id: randomUUID(), time: (options.at ?? t.clock.now).toISOString(), webhookId: credentials.webhookId };
    return t.app.inject({
      method: 'POST',
      url: '/webhooks/paypal',
      payload: JSON.stringify(event),
      headers: {
        'content-type': 'application/json',
        'paypal-transmission-id': transmission.id,
        'paypal-transmission-time': transmission.time,
        'paypal-transmission-sig': paypalSignature(options.key ?? paypal.signingKey, transmission, event),
        'paypal-cert-url': 'https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-loopback',
        'paypal-auth-algo': 'SHA256withRSA',
      },
    });
  };
  const captureCompleted = (orderId: string, value: string, currency = 'GBP') => ({
    id: `WH-${randomBytes(6).toString('hex')}`,
    event_type: 'PAYMENT.CAPTURE.COMPLETED',
    resource: { id: `CAP${randomBytes(4).toString('hex')}`, status: 'COMPLETED', amount: { currency_code: currency, value }, supplementary_data: { related_ids: { order_id: orderId } } },
  });

  it('creates an Orders v2 order for the exact amount and sends the shopper to PayPal to approve it', async () => {
    const { action, fake } = await start(1_234);
    expect(action).toEqual({ type: 'redirect', url: `https://www.sandbox.paypal.com/checkoutnow?token=${fake.id}` });
    const create = paypal.calls.find((c) => c.method === 'POST' && c.path === '/v2/checkout/orders')!;
    expect(create.body).toMatchObject({ intent: 'CAPTURE', purchase_units: [{ amount: { currency_code: 'GBP', value: '12.34' } }] });
  });

  it('never marks paid on the return alone: it captures server-side, once, and only then tells the order', async () => {
    const { order, paymentId, fake } = await start(1_234);
    // The shopper came back before approving (or forged the return): nothing is captured.
    expect((await t.payments.refresh(paymentId)).status).toBe('requires_action');
    expect(events.of(order.orderId)).toEqual([]);
    fake.status = 'APPROVED';
    expect((await t.payments.refresh(paymentId)).status).toBe('succeeded');
    expect((await t.payments.refresh(paymentId)).status).toBe('succeeded');
    expect(paypal.calls.filter((c) => c.path === `/v2/checkout/orders/${fake.id}/capture`)).toHaveLength(1);
    expect(events.of(order.orderId)).toEqual([{ kind: 'succeeded', orderId: order.orderId, paymentId, amount: { amount: 1_234, currency: 'GBP' }, provider: 'paypal' }]);
    // The capture's own webhook, arriving after, changes nothing.
    expect((await deliver(captureCompleted(fake.id, '12.34'))).statusCode).toBe(200);
    expect(events.of(order.orderId)).toHaveLength(1);
  });

  it('captures when the CHECKOUT.ORDER.APPROVED webhook arrives first, and a duplicate delivery does nothing more', async () => {
    const { order, paymentId, fake } = await start(2_000);
    fake.status = 'APPROVED';
    const event = { id: `WH-${randomBytes(6).toString('hex')}`, event_type: 'CHECKOUT.ORDER.APPROVED', resource: { id: fake.id, status: 'APPROVED' } };
    expect((await deliver(event)).statusCode).toBe(200);
    const again = await deliver(event);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ received: true, duplicate: true });
    expect((await t.payments.get(paymentId))!.status).toBe('succeeded');
    expect(events.of(order.orderId)).toHaveLength(1);
  });

  it('refuses a webhook PayPal does not verify, or one sent too long ago, with 400 and changes nothing', async () => {
    const { order, paymentId, fake } = await start(1_500);
    for (const options of [{ key: 'not-paypals-key' }, { at: new Date(t.clock.now.getTime() - 10 * 60_000) }]) {
      const response = await deliver(captureCompleted(fake.id, '15.00'), options);
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('PAYMENT_WEBHOOK_SIGNATURE_INVALID');
    }
    const unsigned = await t.app.inject({ method: 'POST', url: '/webhooks/paypal', payload: JSON.stringify(captureCompleted(fake.id, '15.00')), headers: { 'content-type': 'application/json' } });
    expect(unsigned.statusCode).toBe(400);
    expect((await t.payments.get(paymentId))!.status).toBe('pending');
    expect(events.of(order.orderId)).toEqual([]);
  });

  it('does not mark paid when PayPal captured another amount or currency', async () => {
    const { order, paymentId, fake } = await start(1_500);
    fake.status = 'APPROVED';
    fake.captureAmount = { currency_code: 'GBP', value: '0.15' };
    expect((await t.payments.refresh(paymentId)).status).toBe('pending');
    expect(events.of(order.orderId)).toEqual([]);
    const other = await start(1_500);
    expect((await deliver(captureCompleted(other.fake.id, '15.00', 'USD'))).statusCode).toBe(200);
    expect((await t.payments.get(other.paymentId))!.status).toBe('pending');
    expect(events.of(other.order.orderId)).toEqual([]);
    expect((await t.payments.stats(new Date(0))).failedWebhooks).toBeGreaterThanOrEqual(1);
  });

  it('refunds part of the capture through PayPal, in PayPal\'s decimal amounts, never above what was captured', async () => {
    const { order, paymentId, fake } = await start(1_234);
    fake.status = 'APPROVED';
    await t.payments.refresh(paymentId);
    const actor = { actor: { type: 'staff' as const, id: randomUUID(), role: 'owner' } };
    await t.payments.refund({ orderId: order.orderId, amount: { amount: 1_000, currency: 'GBP' }, reason: 'Partial return', actor });
    const refundCall = paypal.calls.find((c) => c.path === `/v2/payments/captures/${fake.captures[0]!.id}/refund`)!;
    expect(refundCall.body).toEqual({ amount: { currency_code: 'GBP', value: '10.00' } });
    const code = await t.payments.refund({ orderId: order.orderId, amount: { amount: 235, currency: 'GBP' }, reason: 'Too much', actor }).then(() => undefined, (e: AppError) => e.code);
    expect(code).toBe('PAYMENT_REFUND_EXCEEDS_CAPTURED');
    expect((await t.payments.get(paymentId))!.refunded.amount).toBe(1_000);
  });

  it('captures an approved order the shopper never returned from, in the reconciliation run', async () => {
    const { order, paymentId, fake } = await start(900);
    fake.status = 'APPROVED';
    t.clock.advance(6 * 60_000);
    await t.outbox.drain();
    expect((await t.payments.get(paymentId))!.status).toBe('succeeded');
    expect(events.of(order.orderId)).toHaveLength(1);
  });
});
