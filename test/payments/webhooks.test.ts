import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTestWebhook } from '../../src/adapters/payments/test-gateway.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { anOrder, recordingEvents } from './support.js';

const secret = 'test-gateway-secret-for-the-webhook-tests-0123456789';

// The attacks on /webhooks/test are performed for real: forged, replayed, repeated and tampered
// deliveries, each checked for its answer, its code and that nothing changed.
describe('payment webhooks', () => {
  let t: TestApp;
  const events = recordingEvents();

  beforeAll(async () => {
    t = await createTestApp({ TEST_GATEWAY_WEBHOOK_SECRET: secret }, { paymentEvents: events });
  });
  afterAll(async () => t?.close());

  /** A started payment and the reference the test gateway gave it. */
  const started = async (amount = 3_000) => {
    const order = anOrder(amount);
    const { paymentId } = await t.payments.start({ ...order, provider: 'test' });
    const reference = (await t.payments.get(paymentId))!.providerReference!;
    return { order, paymentId, reference };
  };

  let eventCounter = 0;
  const eventBody = (reference: string, data: Record<string, unknown> = {}, type = 'payment.succeeded') =>
    JSON.stringify({ id: `evt_test_hand_${++eventCounter}`, type, created: Math.floor(t.clock.now.getTime() / 1000), data: { reference, amount: 3_000, currency: 'GBP', ...data } });

  const deliver = (body: string, signature: string | undefined) =>
    t.app.inject({
      method: 'POST',
      url: '/webhooks/test',
      payload: body,
      headers: { 'content-type': 'application/json', ...(signature !== undefined ? { 'bastion-test-signature': signature } : {}) },
    });

  const counts = async () => {
    const webhooks = await t.database.db.selectFrom('payment_webhook_event').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    return { webhooks: Number(webhooks.n), events: events.calls.length };
  };

  it('applies a correctly signed success once, calling succeeded inside its transaction', async () => {
    const { order, paymentId, reference } = await started();
    const body = eventBody(reference);
    const ok = await deliver(body, signTestWebhook(secret, body, t.clock.now));
    expect(ok.statusCode).toBe(200);
    expect((await t.payments.get(paymentId))!.status).toBe('succeeded');
    expect(events.of(order.orderId)).toEqual([{ kind: 'succeeded', orderId: order.orderId, paymentId, amount: { amount: 3_000, currency: 'GBP' }, provider: 'test' }]);
  });

  it('refuses a bad signature with 400 PAYMENT_WEBHOOK_SIGNATURE_INVALID and changes nothing', async () => {
    const { paymentId, reference } = await started();
    const before = await counts();
    const statsBefore = await t.payments.stats(new Date(0));
    const body = eventBody(reference);
    for (const signature of [signTestWebhook('another-secret-of-the-same-length-012345678901', body, t.clock.now), undefined, 'garbage', signTestWebhook(secret, body.replace('3000', '1'), t.clock.now)]) {
      const response = await deliver(body, signature);
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json().code).toBe('PAYMENT_WEBHOOK_SIGNATURE_INVALID');
    }
    expect((await t.payments.get(paymentId))!.status).toBe('pending');
    expect(await counts()).toEqual(before);
    expect((await t.payments.stats(new Date(0))).rejectedWebhooks).toBe(statsBefore.rejectedWebhooks + 4);
  });

  it('refuses a replayed webhook whose signed timestamp is older than the tolerance', async () => {
    const { paymentId, reference } = await started();
    const before = await counts();
    const body = eventBody(reference);
    // Captured ten minutes ago and sent again now (the tolerance is five minutes).
    const old = signTestWebhook(secret, body, new Date(t.clock.now.getTime() - 10 * 60_000));
    const response = await deliver(body, old);
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('PAYMENT_WEBHOOK_SIGNATURE_INVALID');
    expect((await t.payments.get(paymentId))!.status).toBe('pending');
    expect(await counts()).toEqual(before);
  });

  it('answers a duplicate delivery 200 without a second effect, also when both arrive at once', async () => {
    const { order, paymentId, reference } = await started();
    const body = eventBody(reference);
    const signature = signTestWebhook(secret, body, t.clock.now);
    const [a, b] = await Promise.all([deliver(body, signature), deliver(body, signature)]);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    const again = await deliver(body, signTestWebhook(secret, body, t.clock.now));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ received: true, duplicate: true });
    expect((await t.payments.get(paymentId))!.status).toBe('succeeded');
    expect(events.of(order.orderId)).toHaveLength(1);
  });

  it('a second event of the same success (another id) changes nothing either', async () => {
    const { order, reference } = await started();
    for (let i = 0; i < 2; i++) {
      const body = eventBody(reference);
      expect((await deliver(body, signTestWebhook(secret, body, t.clock.now))).statusCode).toBe(200);
    }
    expect(events.of(order.orderId)).toHaveLength(1);
  });

  it.each([
    ['amount', { amount: 2_999 }],
    ['currency', { currency: 'EUR' }],
  ])('records an %s mismatch, reports it, and never marks the payment paid', async (_what, data) => {
    const { order, paymentId, reference } = await started();
    const statsBefore = await t.payments.stats(new Date(0));
    const body = eventBody(reference, data);
    const response = await deliver(body, signTestWebhook(secret, body, t.clock.now));
    expect(response.statusCode).toBe(200);
    const view = (await t.payments.get(paymentId))!;
    expect(view.status).toBe('pending');
    expect(view.captured.amount).toBe(0);
    expect(events.of(order.orderId)).toEqual([]);
    const row = await t.database.db.selectFrom('payment').select('mismatch').where('id', '=', paymentId).executeTakeFirstOrThrow();
    expect(row.mismatch).toMatchObject({ expected: { amount: 3_000, currency: 'GBP' }, received: { amount: 3_000, currency: 'GBP', ...data } });
    expect((await t.payments.stats(new Date(0))).failedWebhooks).toBe(statsBefore.failedWebhooks + 1);
    expect(t.logs.some((l) => l.msg === 'payment amount or currency mismatch: not marked paid' && l.paymentId === paymentId)).toBe(true);
    expect(await t.metrics.registry.getSingleMetricAsString('payment_amount_mismatches_total')).toContain('provider="test"');
  });

  it('records a failure once and counts it for the dashboard', async () => {
    const { order, paymentId, reference } = await started();
    const statsBefore = await t.payments.stats(new Date(0));
    const body = eventBody(reference, { reason: 'card_declined' }, 'payment.failed');
    expect((await deliver(body, signTestWebhook(secret, body, t.clock.now))).statusCode).toBe(200);
    expect((await t.payments.get(paymentId))!.status).toBe('failed');
    expect(events.of(order.orderId)).toEqual([{ kind: 'failed', orderId: order.orderId, paymentId, reason: 'card_declined' }]);
    expect((await t.payments.stats(new Date(0))).failedPayments).toBe(statsBefore.failedPayments + 1);
  });

  it('answers 404 for a provider the shop does not use, and is not behind the CSRF check', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/webhooks/stripe', payload: '{}', headers: { 'content-type': 'application/json', origin: 'https://evil.example' } });
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('PAYMENT_WEBHOOK_UNKNOWN_PROVIDER');
    const other = await t.app.inject({ method: 'POST', url: '/webhooks/anything', payload: 'x=1', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' } });
    // Only the providers' own paths are exempt: anything else under /webhooks/ meets the CSRF check.
    expect(other.statusCode).toBe(403);
  });
});
