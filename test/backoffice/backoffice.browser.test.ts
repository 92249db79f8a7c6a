import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeStrictContext, hasChromium, newStrictContext, openBrowserOn, runAxe, seriousViolations } from '../support/browser.js';
import { createSignedInStaff } from '../support/staff.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { api, sampleAddress, signedInCustomer, type Customer } from '../customers/customers-test-helpers.js';
import { ordersHarness } from '../orders/harness.js';

/**
 * The dashboard, the customer pages and the order pages in a real browser under the CSP: axe, screenshots
 * at desktop and phone widths, the reveal round trip, and an order shipped in part from its page.
 */
describe.runIf(hasChromium)('the back office home, customer and order pages in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let owner: string;
  let ada: Customer;
  let orderNumber: string;

  beforeAll(async () => {
    t = await createTestApp();
    owner = (await createSignedInStaff(t, 'owner')).cookie;
    ada = await signedInCustomer(t, 'ada');
    await api(t, 'PUT', '/api/v1/me/profile', ada.cookie, { fullName: 'Ada Lovelace', phone: '+44 7700 900 123', marketingOptIn: true });
    await api(t, 'POST', '/api/v1/me/addresses', ada.cookie, sampleAddress);
    await api(t, 'POST', '/api/v1/me/addresses', ada.cookie, { ...sampleAddress, label: 'Work', line1: '1 Long Office Park Road, Building Seven', line2: null, isDefaultShipping: false, isDefaultBilling: false });
    await signedInCustomer(t, 'grace');
    // Orders over the last days, so the dashboard's chart and the order list have something to show.
    const h = await ordersHarness({ ...t, outbox: { ...t.outbox, handle: () => undefined } });
    for (const v of h.variants.slice(0, 2)) await h.stockOf(v.id, 100);
    const now = t.clock.now;
    for (const [daysAgo, quantity] of [[5, 1], [3, 2], [2, 1], [1, 3], [0, 2], [0, 1]] as const) {
      t.clock.now = new Date(now.getTime() - daysAgo * 86_400_000 - 3_600_000);
      const { order } = await h.orders.place(h.input(await h.cart([{ variantId: h.variants[0]!.id, quantity }, { variantId: h.variants[1]!.id, quantity: 1 }]), { email: ada.email, customerId: ada.userId }));
      await h.pay(order.id);
      orderNumber = order.number;
    }
    t.clock.now = now;
    ({ browser, base } = await openBrowserOn(t.app));
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const signedInPage = async (width: number) => {
    const context = await newStrictContext(browser, { viewport: { width, height: 900 } });
    const [name, ...rest] = owner.split('=');
    await context.addCookies([{ name: name!, value: rest.join('='), url: base }]);
    return { context, page: await context.newPage() };
  };

  it('shows the dashboard with its chart and figures, and passes axe', async () => {
    for (const width of [1280, 390]) {
      const { context, page } = await signedInPage(width);
      await page.goto(`${base}/admin`);
      await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
      expect(seriousViolations(await runAxe(page))).toEqual([]);
      await page.screenshot({ path: `test-results/backoffice-home-${width}.png`, fullPage: true });
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await closeStrictContext(context);
    }
  }, 300_000);

  it('lists customers, opens one masked, reveals it, and passes axe', async () => {
    for (const width of [1280, 390]) {
      const { context, page } = await signedInPage(width);
      await page.goto(`${base}/admin/customers`);
      await page.getByRole('heading', { level: 1, name: /Customers/ }).waitFor();
      expect(seriousViolations(await runAxe(page))).toEqual([]);
      await page.screenshot({ path: `test-results/customers-list-${width}.png`, fullPage: true });
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await closeStrictContext(context);
    }
    const { context, page } = await signedInPage(1280);
    await page.goto(`${base}/admin/customers?email=${encodeURIComponent(ada.email)}`);
    await page.locator('.admin-table tbody a').first().click();
    await page.getByRole('heading', { name: 'Contact details' }).waitFor();
    expect(await page.content()).not.toContain('Lovelace');
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/customer-masked.png', fullPage: true });
    await page.getByRole('button', { name: 'Reveal personal data' }).click();
    await page.getByText('Personal data shown in clear').waitFor();
    expect(await page.content()).toContain('Ada Lovelace');
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/customer-revealed.png', fullPage: true });
    await closeStrictContext(context);
  }, 300_000);

  it('lists orders, opens one, ships part of it from its page, and passes axe', async () => {
    for (const width of [1280, 390]) {
      const { context, page } = await signedInPage(width);
      await page.goto(`${base}/admin/orders`);
      await page.getByRole('heading', { level: 1, name: /Orders/ }).waitFor();
      expect(seriousViolations(await runAxe(page))).toEqual([]);
      await page.screenshot({ path: `test-results/orders-list-${width}.png`, fullPage: true });
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await closeStrictContext(context);
    }
    const { context, page } = await signedInPage(1280);
    await page.goto(`${base}/admin/orders/${orderNumber}`);
    await page.getByRole('heading', { name: 'Ship items' }).waitFor();
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/order-detail.png', fullPage: true });
    const quantities = page.locator('input[name^="qty-"]');
    await quantities.nth(1).fill('0');
    await page.getByLabel('Carrier (optional)').fill('Royal Mail');
    await page.getByLabel('Tracking number (optional)').fill('RM123456785GB');
    await page.getByRole('button', { name: 'Ship and notify customer' }).click();
    await page.getByText('Shipped. The customer has been sent the shipping mail.').waitFor();
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/order-shipped.png', fullPage: true });

    // A refund above what is left: the error summary and the field's error.
    await page.getByLabel(/^Amount/).fill('99999.00');
    await page.getByLabel('Reason', { exact: true }).fill('Goodwill');
    await page.getByRole('button', { name: 'Refund…' }).click();
    await page.getByText('There is a problem').waitFor();
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/order-refund-error.png', fullPage: true });
    await closeStrictContext(context);
  }, 300_000);
});
