import { randomBytes, randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppError } from '../../src/kernel/errors.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { startStripeServer, type FakeIntent } from './provider-servers.js';
import { anOrder, recordingEvents } from './support.js';

const webhookSecret = 'whsec_loopbackSigningSecret0123';
// The SDK's own helper, so the header is built by Stripe's real scheme (t=…,v1=HMAC-SHA256).
const stripeSdk = new Stripe('sk_test_unused000000');

describe('PAYMENTS=stripe against a loopback Stripe API', () => {
  let t: TestApp;
  let stripe: Awaited<ReturnType<typeof startStripeServer>>;
  const events = recordingEvents();

  beforeAll(async () => {
    stripe = await startStripeServer();
    t = await createTestApp(
      {
        PAYMENTS: 'stripe,test',
        STRIPE_SECRET_KEY: 'sk_test_loopback0000',
        STRIPE_PUBLISHABLE_KEY: 'pk_test_loopback0000',
        STRIPE_WEBHOOK_SECRET: webhookSecret,
        STRIPE_API_BASE_URL: stripe.url,
      },
      { paymentEvents: events },
    );
    await t.app.ready();
  });
  afterAll(async () => {
    await t?.close();
    await stripe?.close();
  });

  const start = async (amount = 5_000) => {
    const order = anOrder(amount);
    const result = await t.payments.start({ ...order, provider: 'stripe' });
    const view = (await t.payments.get(result.paymentId))!;
    return { order, ...result, intent: stripe.intents.get(view.providerReference!)! };
  };

  const event = (type: string, object: FakeIntent) => JSON.stringify({ id: `evt_${randomBytes(8).toString('hex')}`, object: 'event', type, api_version: '2025-01-01', created: 0, data: { object } });
  const deliver = (body: string, signature: string) =>
    t.app.inject({ method: 'POST', url: '/webhooks/stripe', payload: body, headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature } });
  const sign = (body: string, at = t.clock.now, secret = webhookSecret) =>
    stripeSdk.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: Math.floor(at.getTime() / 1000) });
  const succeed = (intent: FakeIntent, received = intent.amount, currency = intent.currency) => {
    intent.status = 'succeeded';
    intent.amount_received = received;
    intent.currency = currency;
  };

  it('creates a PaymentIntent with automatic payment methods, idempotently, and gives the Payment Element what it needs', async () => {
    const order = anOrder(5_000);
    const first = await t.payments.start({ ...order, provider: 'stripe' });
    expect(first.action).toMatchObject({ type: 'stripe', publishableKey: 'pk_test_loopback0000' });
    const second = await t.payments.start({ ...order, provider: 'stripe' });
    expect(second).toEqual(first);
    const creates = stripe.requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents' && r.form.get('metadata[payment_id]') === first.paymentId);
    expect(creates).toHaveLength(1);
    expect(creates[0]!.form.get('automatic_payment_methods[enabled]')).toBe('true');
    expect(creates[0]!.form.get('amount')).toBe('5000');
    expect(creates[0]!.form.get('currency')).toBe('gbp');
  });

  it('serves the payment page with Stripe.js, its own script and a CSP allowing exactly Stripe', async () => {
    const { paymentId, intent } = await start();
    const page = await t.app.inject({ url: await t.payments.pagePath(paymentId), headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<script src="https://js.stripe.com/v3/" defer>');
    expect(page.body).toMatch(/<script src="\/assets\/stripe-payment\.[0-9a-f]+\.js" integrity="sha384-[^"]+" crossorigin="anonymous" defer>/);
    expect(page.body).toContain(`data-client-secret="${intent.client_secret}"`);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toMatch(/script-src [^;]*https:\/\/js\.stripe\.com/);
    expect(csp).toMatch(/frame-src [^;]*https:\/\/js\.stripe\.com/);
    expect(csp).not.toContain('paypal');
    // Elsewhere the self-only policy stands.
    const home = await t.app.inject({ url: '/', headers: { accept: 'text/html' } });
    expect(String(home.headers['content-security-policy'])).not.toContain('stripe');
    expect((await t.app.inject({ url: `/pay/stripe/${randomUUID()}` })).statusCode).toBe(404);
  });

  it('opens the payment page (and its client secret) only with the token of its own payment: an id alone, a wrong or another payment’s token answer 404', async () => {
    const { paymentId, intent } = await start();
    const other = await start();
    const path = await t.payments.pagePath(paymentId);
    const token = new URL(path, 'http://x').searchParams.get('token')!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const flipped = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const otherToken = new URL(await t.payments.pagePath(other.paymentId), 'http://x').searchParams.get('token')!;
    for (const url of [
      `/pay/stripe/${paymentId}`,
      `/pay/stripe/${paymentId}?token=`,
      `/pay/stripe/${paymentId}?token=${flipped}`,
      `/pay/stripe/${paymentId}?token=${token.slice(0, 20)}`,
      `/pay/stripe/${paymentId}?token=${otherToken}`,
      `/pay/stripe/${other.paymentId}?token=${token}`,
    ]) {
      const refused = await t.app.inject({ url, headers: { accept: 'application/json' } });
      expect(refused.statusCode, url).toBe(404);
      expect(refused.body, url).not.toContain(intent.client_secret);
      expect(refused.body, url).not.toContain(other.intent.client_secret);
    }
    // The same answer as for a payment that does not exist.
    const unknown = await t.app.inject({ url: `/pay/stripe/${randomUUID()}?token=${token}`, headers: { accept: 'application/json' } });
    expect(unknown.statusCode).toBe(404);
    const refused = await t.app.inject({ url: `/pay/stripe/${paymentId}?token=${otherToken}`, headers: { accept: 'application/json' } });
    expect(refused.json<{ code: string }>().code).toBe(unknown.json<{ code: string }>().code);
    expect((await t.payments.get(paymentId))!.status).toBe('pending');
    // Its own shopper's link still opens it.
    const page = await t.app.inject({ url: path, headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`data-client-secret="${intent.client_secret}"`);
  });

  it('marks the payment paid from a signed payment_intent.succeeded, once, and ignores its duplicate', async () => {
    const { order, paymentId, intent } = await start();
    succeed(intent);
    const body = event('payment_intent.succeeded', intent);
    const signature = sign(body);
    expect((await deliver(body, signature)).statusCode).toBe(200);
    const again = await deliver(body, signature);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ received: true, duplicate: true });
    expect((await t.payments.get(paymentId))!.status).toBe('succeeded');
    expect(events.of(order.orderId)).toEqual([{ kind: 'succeeded', orderId: order.orderId, paymentId, amount: { amount: 5_000, currency: 'GBP' }, provider: 'stripe' }]);
  });

  it('refuses a forged or replayed Stripe-Signature with 400 and changes nothing', async () => {
    const { order, paymentId, intent } = await start();
    succeed(intent);
    const body = event('payment_intent.succeeded', intent);
    for (const signature of [sign(body, t.clock.now, 'whsec_someoneElsesSecret000'), sign(body, new Date(t.clock.now.getTime() - 10 * 60_000)), 't=1,v1=abc']) {
      const response = await deliver(body, signature);
      expect(response.statusCode).toBe(400);
      expect(response.json<{ code: string }>().code).toBe('PAYMENT_WEBHOOK_SIGNATURE_INVALID');
    }
    expect((await t.payments.get(paymentId))!.status).toBe('pending');
    expect(events.of(order.orderId)).toEqual([]);
  });

  it.each([
    ['amount', 4_999, 'gbp'],
    ['currency', 5_000, 'eur'],
  ])('does not mark paid when the %s Stripe took differs from the order', async (_what, received, currency) => {
    const { order, paymentId, intent } = await start();
    succeed(intent, received, currency);
    const body = event('payment_intent.succeeded', intent);
    expect((await deliver(body, sign(body))).statusCode).toBe(200);
    expect((await t.payments.get(paymentId))!.status).toBe('pending');
    expect(events.of(order.orderId)).toEqual([]);
    // A retrieval says the same, and is refused the same way.
    expect((await t.payments.refresh(paymentId)).status).toBe('pending');
    expect(events.of(order.orderId)).toEqual([]);
  });

  it('keeps a payment open after a declined attempt (the shopper may try another card), counts the decline, and pays on the retry', async () => {
    const { order, paymentId, intent } = await start();
    const before = await t.payments.stats(new Date(0));
    intent.status = 'requires_payment_method';
    intent.last_payment_error = { code: 'card_declined', decline_code: 'insufficient_funds' };
    const declined = event('payment_intent.payment_failed', intent);
    expect((await deliver(declined, sign(declined))).statusCode).toBe(200);
    expect((await t.payments.get(paymentId))!.status).toBe('pending');
    expect(events.of(order.orderId)).toEqual([]);
    expect((await t.payments.stats(new Date(0))).failedPayments).toBe(before.failedPayments + 1);
    expect(await t.metrics.registry.getSingleMetricAsString('payment_failures_total')).toContain('provider="stripe"');
    succeed(intent);
    const paid = event('payment_intent.succeeded', intent);
    expect((await deliver(paid, sign(paid))).statusCode).toBe(200);
    expect(events.of(order.orderId)).toEqual([{ kind: 'succeeded', orderId: order.orderId, paymentId, amount: { amount: 5_000, currency: 'GBP' }, provider: 'stripe' }]);
  });

  it('repairs a lost webhook by asking Stripe in the reconciliation run', async () => {
    const { order, paymentId, intent } = await start();
    succeed(intent);
    t.clock.advance(6 * 60_000);
    await t.outbox.drain();
    expect((await t.payments.get(paymentId))!.status).toBe('succeeded');
    expect(events.of(order.orderId)).toHaveLength(1);
  });

  it('refunds through Stripe with an idempotency key, and refuses more than was captured without asking Stripe', async () => {
    const { order, paymentId, intent } = await start(5_000);
    succeed(intent);
    await t.payments.refresh(paymentId);
    const actor = { actor: { type: 'staff' as const, id: randomUUID(), role: 'owner' } };
    await t.payments.refund({ orderId: order.orderId, amount: { amount: 1_500, currency: 'GBP' }, reason: 'Scratched', actor });
    expect(stripe.refunds.filter((r) => r.payment_intent === intent.id)).toEqual([expect.objectContaining({ amount: 1_500 })]);
    const refundCall = stripe.requests.filter((r) => r.path === '/v1/refunds').at(-1)!;
    expect(refundCall.form.get('amount')).toBe('1500');
    const code = await t.payments.refund({ orderId: order.orderId, amount: { amount: 3_501, currency: 'GBP' }, reason: 'Too much', actor }).then(() => undefined, (e: AppError) => e.code);
    expect(code).toBe('PAYMENT_REFUND_EXCEEDS_CAPTURED');
    expect(stripe.refunds.filter((r) => r.payment_intent === intent.id)).toHaveLength(1);
    expect((await t.payments.get(paymentId))!.refunded.amount).toBe(1_500);
  });

  it('cancels an unpaid PaymentIntent when the order is cancelled', async () => {
    const { order, paymentId, intent } = await start();
    await t.payments.cancel(order.orderId);
    expect(intent.status).toBe('canceled');
    expect((await t.payments.get(paymentId))!.status).toBe('cancelled');
  });

  it('turns a Stripe error into the port\'s PAYMENT_GATEWAY_REJECTED, never a vendor error', async () => {
    const { paymentId, intent } = await start();
    // An intent Stripe does not know answers 404: the adapter's rejection, with Stripe's code kept as a detail.
    stripe.intents.delete(intent.id);
    const err = await t.payments.refresh(paymentId).then(() => undefined, (e: AppError) => e);
    expect(err?.code).toBe('PAYMENT_GATEWAY_REJECTED');
    expect(err?.details).toMatchObject({ provider: 'stripe', providerCode: 'resource_missing' });
  });

  it('answers PAYMENT_GATEWAY_UNAVAILABLE when Stripe is down, and leaves the payment as it was', async () => {
    const { paymentId } = await start();
    stripe.state.outage = true;
    try {
      const err = await t.payments.refresh(paymentId).then(() => undefined, (e: AppError) => e);
      expect(err?.code).toBe('PAYMENT_GATEWAY_UNAVAILABLE');
      expect(err?.category).toBe('unavailable');
    } finally {
      stripe.state.outage = false;
    }
    expect((await t.payments.get(paymentId))!.status).toBe('pending');
  });
});
