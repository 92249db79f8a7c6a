import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { anOrder, freePort, HttpBrowser, recordingEvents } from './support.js';

// The built-in gateway end to end over real HTTP: the card page, the 3-D Secure page, the redirect back,
// and the signed webhook the outbox job posts to the app's own /webhooks/test.
describe('the test gateway, through its hosted card page', () => {
  let t: TestApp;
  let base: string;
  const events = recordingEvents();

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await createTestApp({ PUBLIC_URL: base }, { paymentEvents: events });
    await t.app.listen({ port, host: '127.0.0.1' });
  });
  afterAll(async () => t?.close());

  const startPayment = async (amount = 4_250) => {
    const order = anOrder(amount);
    const started = await t.payments.start({ ...order, provider: 'test' });
    expect(started.action.type).toBe('redirect');
    return { order, ...started, url: (started.action as { url: string }).url };
  };

  const card = (number: string) => ({ number, expiry: '12 / 30', cvc: '123', name: 'Ada Lovelace' });

  it('takes the payment with 4242 4242 4242 4242: redirect to the shop, the webhook marks it paid, once', async () => {
    const { order, paymentId, url } = await startPayment();
    const browser = new HttpBrowser(base);
    const page = await browser.get(url);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Test payments');
    expect(page.body).toContain('4242 4242 4242 4242');
    expect(page.body).toContain('£42.50');

    const paid = await browser.post(url, card('4242 4242 4242 4242'));
    expect(paid.status).toBe(303);
    expect(paid.location).toBe(order.returnUrl);
    // Nothing is paid on the browser's word: only the webhook (or a retrieval) says so.
    expect((await t.payments.get(paymentId))!.status).toBe('pending');
    expect(events.of(order.orderId)).toEqual([]);

    await t.outbox.drain();
    const view = (await t.payments.get(paymentId))!;
    expect(view.status).toBe('succeeded');
    expect(view.captured).toEqual({ amount: 4_250, currency: 'GBP' });
    expect(events.of(order.orderId)).toEqual([{ kind: 'succeeded', orderId: order.orderId, paymentId, amount: { amount: 4_250, currency: 'GBP' }, provider: 'test' }]);

    // The same page again cannot pay twice.
    const again = await browser.post(url, card('4242 4242 4242 4242'));
    expect(again.status).toBe(409);
    await t.outbox.drain();
    expect(events.of(order.orderId)).toHaveLength(1);
  });

  it.each([
    ['4000 0000 0000 0002', 'card_declined'],
    ['4000 0000 0000 9995', 'insufficient_funds'],
  ])('declines %s with %s: redirect to the shop, the webhook marks it failed, once', async (number, reason) => {
    const { order, paymentId, url } = await startPayment();
    const browser = new HttpBrowser(base);
    await browser.get(url);
    const answer = await browser.post(url, card(number));
    expect(answer.status).toBe(303);
    expect(answer.location).toBe(order.returnUrl);
    await t.outbox.drain();
    expect((await t.payments.get(paymentId))!.status).toBe('failed');
    expect(events.of(order.orderId)).toEqual([{ kind: 'failed', orderId: order.orderId, paymentId, reason }]);
  });

  it.each([
    ['Complete', 'succeeded', 'complete'],
    ['Fail', 'failed', 'fail'],
  ] as const)('asks for 3-D Secure with 4000 0027 6000 3184; "%s" leaves it %s', async (_label, status, answer) => {
    const { order, paymentId, url } = await startPayment(1_999);
    const browser = new HttpBrowser(base);
    await browser.get(url);
    const challenged = await browser.post(url, card('4000 0027 6000 3184'));
    expect(challenged.status).toBe(303);
    expect(challenged.location).toBe(`${url}/challenge`);
    const challenge = await browser.get(challenged.location!);
    expect(challenge.body).toContain('Complete');
    expect(challenge.body).toContain('Fail');
    await t.outbox.drain();
    expect((await t.payments.get(paymentId))!.status).toBe('requires_action');

    const done = await browser.post(`${url}/challenge`, { answer });
    expect(done.status).toBe(303);
    expect(done.location).toBe(order.returnUrl);
    await t.outbox.drain();
    expect((await t.payments.get(paymentId))!.status).toBe(status);
    expect(events.of(order.orderId).map((e) => e.kind)).toEqual([status]);
  });

  it('refuses an unknown card number or a past expiry with the form again, and takes nothing', async () => {
    const { order, paymentId, url } = await startPayment();
    const browser = new HttpBrowser(base);
    await browser.get(url);
    const answer = await browser.post(url, { number: '4111 1111 1111 1111', expiry: '01 / 20', cvc: '12', name: '' });
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('There is a problem');
    expect(answer.body).toContain('Enter one of the test card numbers');
    expect(answer.body).toContain('The card has expired');
    expect(answer.body).not.toContain('4111 1111 1111 1111');
    await t.outbox.drain();
    expect((await t.payments.get(paymentId))!.status).toBe('pending');
    expect(events.of(order.orderId)).toEqual([]);
  });

  it('keeps the card page token out of the access log: the route pattern is logged, never the token', async () => {
    const { url } = await startPayment();
    const token = new URL(url, base).pathname.split('/').pop()!;
    const browser = new HttpBrowser(base);
    expect((await browser.get(url)).status).toBe(200);
    expect((await browser.post(url, card('4000 0000 0000 0002'))).status).toBeLessThan(500);
    const lines = t.logs.filter((l) => l.msg === 'request' && typeof l.path === 'string' && l.path.startsWith('/pay/test/'));
    expect(lines.map((l) => `${String(l.method)} ${String(l.path)}`)).toEqual(expect.arrayContaining(['GET /pay/test/:token', 'POST /pay/test/:token']));
    expect(JSON.stringify(t.logs)).not.toContain(token);
  });

  it('refuses a card form without its CSRF token', async () => {
    const { paymentId, url } = await startPayment();
    const response = await fetch(new URL(url, base), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(card('4242 4242 4242 4242')).toString(),
      redirect: 'manual',
    });
    expect(response.status).toBe(403);
    await t.outbox.drain();
    expect((await t.payments.get(paymentId))!.status).toBe('pending');
  });

  it('returns the same payment and page for the same idempotency key', async () => {
    const order = anOrder();
    const first = await t.payments.start({ ...order, provider: 'test' });
    const [second, third] = await Promise.all([t.payments.start({ ...order, provider: 'test' }), t.payments.start({ ...order, provider: 'test' })]);
    expect(second).toEqual(first);
    expect(third).toEqual(first);
    expect(await t.payments.forOrder(order.orderId)).toHaveLength(1);
  });

  it('answers 404 for a page token that does not exist', async () => {
    const response = await new HttpBrowser(base).get(`/pay/test/${'A'.repeat(43)}`);
    expect(response.status).toBe(404);
  });
});
