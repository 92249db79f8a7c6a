import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeStrictContext, hasChromium, launchBrowser, newStrictContext, runAxe, seriousViolations } from '../support/browser.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { anOrder, freePort, recordingEvents } from './support.js';

/** The test gateway's pages in Chromium under their real CSP: a 3-D Secure payment, axe, screenshots. */
describe.runIf(hasChromium)('the test gateway in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  const events = recordingEvents();

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await createTestApp({ PUBLIC_URL: base }, { paymentEvents: events });
    await t.app.listen({ port, host: '127.0.0.1' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it.each([1280, 375])('pays with the 3-D Secure card at %ipx, passes axe, and comes back to the shop', async (width) => {
    const order = { ...anOrder(12_995), returnUrl: `${base}/`, cancelUrl: `${base}/` };
    const { paymentId, action } = await t.payments.start({ ...order, provider: 'test' });
    const context = await newStrictContext(browser, { viewport: { width, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}${(action as { url: string }).url}`);
    expect(await page.title()).toContain('Pay £129.95');
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: `test-results/payments-test-card-${width}.png`, fullPage: true });

    // A mistake first: the page says what is wrong, at the field.
    await page.getByLabel('Card number', { exact: true }).fill('1234');
    await page.getByRole('button', { name: 'Pay £129.95' }).click();
    await expect.poll(() => page.locator('.error-summary').textContent()).toContain('Enter one of the test card numbers');
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: `test-results/payments-test-card-error-${width}.png`, fullPage: true });

    await page.getByLabel('Card number', { exact: true }).fill('4000 0027 6000 3184');
    await page.getByLabel('Expiry date').fill('12 / 30');
    await page.getByLabel('Security code').fill('123');
    await page.getByLabel('Name on card').fill('Ada Lovelace');
    await page.getByRole('button', { name: 'Pay £129.95' }).click();
    await page.waitForURL(/\/challenge$/);
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: `test-results/payments-test-challenge-${width}.png`, fullPage: true });
    await page.getByRole('button', { name: 'Complete' }).click();
    await page.waitForURL(`${base}/`);
    await closeStrictContext(context);

    await t.outbox.drain();
    expect((await t.payments.get(paymentId))!.status).toBe('succeeded');
    expect(events.of(order.orderId).map((e) => e.kind)).toEqual(['succeeded']);
  });
});
