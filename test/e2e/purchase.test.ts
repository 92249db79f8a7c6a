import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, setUpShop, type Shop } from '../checkout/checkout-support.js';
import { setStock } from '../pricing/pricing-fixtures.js';
import { closeStrictContext, hasChromium, launchBrowser, newStrictContext, runAxe, seriousViolations } from '../support/browser.js';
import { createSignedInStaff } from '../support/staff.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

// A guest buys in a real browser under the real CSP: browse, add to cart, the four checkout steps, the
// test gateway with the 3-D Secure card and its challenge, the confirmation page and mail; then a staff
// member fulfils and refunds the order through the staff API. Every checkout page passes axe and is
// screenshot at 390 and 1280 px (test-results/checkout-*.png).
describe.runIf(hasChromium)('a purchase in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let shop: Shop;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await createTestApp({ PUBLIC_URL: base });
    await t.app.listen({ port, host: '127.0.0.1' });
    shop = await setUpShop(t);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Checks a checkout page with axe and screenshots it at both widths. */
  const look = async (page: Page, name: string) => {
    expect(seriousViolations(await runAxe(page)), name).toEqual([]);
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: `test-results/checkout-${name}-${width}.png`, fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  };

  it('browse, add to cart, check out as a guest with 3-D Secure, see the confirmation and the mail; staff fulfil and refund', async () => {
    const context = await newStrictContext(browser, { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const slug = (await t.database.db.selectFrom('product').select('slug').where('id', '=', shop.variants[0]!.productId).executeTakeFirstOrThrow()).slug;
    // Whichever variant the product page offers first is in stock.
    for (const v of await t.database.db.selectFrom('product_variant').select('id').where('product_id', '=', shop.variants[0]!.productId).execute()) await setStock(t, v.id, 10);

    // Browse: the home page, then the product.
    await page.goto(`${base}/`);
    await page.goto(`${base}/p/${slug}`);
    // The form posts (enhanced: by fetch). The row can be committed before the browser has taken the
    // answer's cart cookie, so wait for what the shopper sees: the status line and the header's count.
    await page.locator('form.add-to-cart button[type="submit"]').click();
    await page.locator('[data-add-status]', { hasText: 'Added to your cart.' }).waitFor({ timeout: 20_000 });
    expect(await page.locator('.cart-count').first().textContent()).toBe('1');
    await page.goto(`${base}/cart`);
    await page.locator('a.cart-summary__checkout').click();
    await page.waitForURL(`${base}/checkout`);

    // 1. Contact and address: first the errors, then a real address.
    await page.locator('button[type="submit"]', { hasText: 'Continue to delivery' }).click();
    await expect.poll(() => page.locator('.error-summary').count()).toBe(1);
    await look(page, 'contact-errors');
    await page.fill('#email', 'ada.e2e@example.com');
    await page.fill('#shipName', 'Ada Lovelace');
    await page.selectOption('#shipCountry', 'GB');
    await page.fill('#shipLine1', '12 St James’s Square');
    await page.fill('#shipCity', 'London');
    await page.fill('#shipPostalCode', 'SW1Y 4JH');
    await look(page, 'contact');
    await page.locator('button[type="submit"]', { hasText: 'Continue to delivery' }).click();
    await page.waitForURL(`${base}/checkout/shipping`);

    // 2. Delivery.
    await page.locator('label[for="shippingMethodId"]').click();
    await look(page, 'delivery');
    await page.locator('button[type="submit"]', { hasText: 'Continue to payment' }).click();
    await page.waitForURL(`${base}/checkout/payment`);

    // 3. Payment method.
    await page.locator('label[for="provider"]').click();
    await look(page, 'payment');
    await page.locator('button[type="submit"]', { hasText: 'Continue to review' }).click();
    await page.waitForURL(`${base}/checkout/review`);

    // 4. Review, then place.
    await expect.poll(() => page.locator('.button--place').textContent()).toContain('Place order');
    await look(page, 'review');
    await page.locator('.button--place').click();

    // The test gateway: the 3-D Secure card, then its challenge.
    await page.waitForSelector('input[name="number"]');
    await look(page, 'gateway');
    await page.fill('input[name="number"]', '4000 0027 6000 3184');
    await page.fill('input[name="expiry"]', '12 / 30');
    await page.fill('input[name="cvc"]', '123');
    await page.fill('input[name="name"]', 'Ada Lovelace');
    await page.locator('form:has(input[name="number"]) button[type="submit"]').click();
    await page.waitForURL(/\/challenge$/);
    await look(page, 'challenge');
    await page.locator('form:has(input[name="answer"][value="complete"]) button[type="submit"]').click();

    // Back in the shop: the page asked the gateway, so it says "Thank you" with the summary.
    await page.waitForURL(/\/checkout\/complete\//);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Thank you for your order');
    const number = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    await look(page, 'complete');

    // The confirmation mail, in the dev mailbox.
    await t.outbox.drain();
    await page.goto(`${base}/dev/mailbox`);
    await expect.poll(() => page.content()).toContain(`Order ${number} confirmed`);
    await closeStrictContext(context);

    // A staff member fulfils, then refunds part of it, through the staff API.
    const staff = await createSignedInStaff(t, 'order_manager');
    const order = await t.database.db.selectFrom('order').select(['id', 'total_amount', 'currency']).where('number', '=', number).executeTakeFirstOrThrow();
    const fulfil = await t.app.inject({ method: 'POST', url: `/api/v1/admin/orders/${order.id}/fulfilments`, headers: { cookie: staff.cookie }, payload: { carrier: 'Royal Mail', trackingNumber: 'RM123456789GB' } });
    expect(fulfil.statusCode, fulfil.body).toBeLessThan(300);
    const refund = await t.app.inject({
      method: 'POST', url: `/api/v1/admin/orders/${order.id}/refunds`, headers: { cookie: staff.cookie },
      payload: { amount: { amount: 1000, currency: order.currency }, reason: 'Damaged box' },
    });
    expect(refund.statusCode, refund.body).toBeLessThan(300);
    await t.outbox.drain();
    const after = await t.database.db.selectFrom('order').select('status').where('id', '=', order.id).executeTakeFirstOrThrow();
    expect(after.status).toBe('partially_refunded');
  });
});
