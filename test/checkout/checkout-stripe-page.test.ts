import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeServer } from '../payments/provider-servers.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { freePort, setUpShop, Shopper, ukAddress, type Shop } from './checkout-support.js';

// The Stripe payment page shows the PaymentIntent's client secret: the checkout sends its shopper there
// with a token bound to the payment, and the payment's id alone (or with another token) opens nothing.
describe('checkout with Stripe: the payment page belongs to the shopper who placed the order', () => {
  let t: TestApp;
  let base: string;
  let shop: Shop;
  let stripe: Awaited<ReturnType<typeof startStripeServer>>;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    stripe = await startStripeServer();
    t = await createTestApp({
      PUBLIC_URL: base, PAYMENTS: 'stripe,test', STRIPE_SECRET_KEY: 'sk_test_loopback0000', STRIPE_PUBLISHABLE_KEY: 'pk_test_loopback0000',
      STRIPE_WEBHOOK_SECRET: 'whsec_loopbackSigningSecret0123', STRIPE_API_BASE_URL: stripe.url,
    });
    await t.app.listen({ port, host: '127.0.0.1' });
    shop = await setUpShop(t);
  });
  afterAll(async () => {
    await t?.close();
    await stripe?.close();
  });

  const placeWithStripe = async () => {
    const s = new Shopper(base);
    await s.add(shop.variants[0]!.id, 1);
    const res = await s.api('POST', '/api/v1/checkout', { email: 'ada@example.com', shippingAddress: ukAddress, shippingMethodId: shop.standard, provider: 'stripe' }, { 'idempotency-key': randomUUID() });
    expect(res.status).toBe(201);
    const payment = res.json.payment as { id: string; action: { type: string; clientSecret: string } };
    expect(payment.action.type).toBe('stripe');
    return { shopper: s, next: res.json.next as string, paymentId: payment.id, clientSecret: payment.action.clientSecret };
  };

  it('sends the shopper to /pay/stripe/:paymentId with a token, and that link opens the Payment Element', async () => {
    const { shopper, next, paymentId, clientSecret } = await placeWithStripe();
    expect(next).toMatch(new RegExp(`^/pay/stripe/${paymentId}\\?token=[A-Za-z0-9_-]{43}$`));
    const page = await shopper.get(next);
    expect(page.status).toBe(200);
    expect(page.body).toContain(`data-client-secret="${clientSecret}"`);
    // Another browser with the same link is the shopper's choice (the link is the key), as with the test gateway's page.
    expect((await new Shopper(base).get(next)).status).toBe(200);
  });

  it('answers 404, as for an unknown payment, to anyone with the payment id but not its token, and hands out no client secret', async () => {
    const victim = await placeWithStripe();
    const attacker = await placeWithStripe();
    const attackerToken = new URL(attacker.next, base).searchParams.get('token')!;
    const unknownId = randomUUID();
    const unknown = await attacker.shopper.get(`/pay/stripe/${unknownId}`);
    expect(unknown.status).toBe(404);
    for (const path of [`/pay/stripe/${victim.paymentId}`, `/pay/stripe/${victim.paymentId}?token=${attackerToken}`, `/pay/stripe/${victim.paymentId}?token=${'A'.repeat(43)}`]) {
      const res = await attacker.shopper.get(path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).not.toContain(victim.clientSecret);
      expect(res.body.replaceAll(victim.paymentId, 'ID')).toBe(unknown.body.replaceAll(unknownId, 'ID'));
    }
    expect((await t.payments.get(victim.paymentId))!.status).toBe('pending');
  });
});
