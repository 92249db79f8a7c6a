import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeStrictContext, hasChromium, newStrictContext, openBrowserOn, runAxe, seriousViolations } from '../support/browser.js';
import { createSignedInStaff } from '../support/staff.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { api, sampleAddress, signedInCustomer, type Customer } from '../customers/customers-test-helpers.js';

/** The dashboard and the customer pages in a real browser under the CSP: axe, screenshots, the reveal round trip. */
describe.runIf(hasChromium)('the back office home and customer pages in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let owner: string;
  let ada: Customer;

  beforeAll(async () => {
    t = await createTestApp();
    owner = (await createSignedInStaff(t, 'owner')).cookie;
    ada = await signedInCustomer(t, 'ada');
    await api(t, 'PUT', '/api/v1/me/profile', ada.cookie, { fullName: 'Ada Lovelace', phone: '+44 7700 900 123', marketingOptIn: true });
    await api(t, 'POST', '/api/v1/me/addresses', ada.cookie, sampleAddress);
    await api(t, 'POST', '/api/v1/me/addresses', ada.cookie, { ...sampleAddress, label: 'Work', line1: '1 Long Office Park Road, Building Seven', line2: null, isDefaultShipping: false, isDefaultBilling: false });
    await signedInCustomer(t, 'grace');
    ({ browser, base } = await openBrowserOn(t.app));
  });
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
  });

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
  });
});
