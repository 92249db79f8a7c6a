import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoPricing } from '../../src/modules/pricing/index.js';
import { closeStrictContext, hasChromium, newStrictContext, openBrowserOn, runAxe, seriousViolations } from '../support/browser.js';
import { createSignedInStaff } from '../support/staff.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** The pricing pages in a real browser under the CSP at 1280 px: axe, a screenshot each, a form round trip. */
describe.runIf(hasChromium)('pricing pages in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let cookie: string;

  beforeAll(async () => {
    t = await createTestApp();
    await seedDemoPricing(t.database.db, 'GBP');
    cookie = (await createSignedInStaff(t, 'owner')).cookie;
    ({ browser, base } = await openBrowserOn(t.app));
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const signedInPage = async () => {
    const context = await newStrictContext(browser, { viewport: { width: 1280, height: 900 } });
    const [name, ...rest] = cookie.split('=');
    await context.addCookies([{ name: name!, value: rest.join('='), url: base }]);
    return { context, page: await context.newPage() };
  };

  it('shows each list and form, passes axe, and round-trips a form with errors', async () => {
    const { context, page } = await signedInPage();
    const shots: [string, string, RegExp][] = [
      ['/admin/pricing/tax-rates', 'pricing-tax-rates', /Tax rates/],
      ['/admin/pricing/tax-rates/new', 'pricing-tax-rate-new', /Add a tax rate/],
      ['/admin/pricing/shipping', 'pricing-shipping', /Shipping methods/],
      ['/admin/pricing/discounts', 'pricing-discounts', /Discount codes/],
    ];
    for (const [path, file, heading] of shots) {
      await page.goto(`${base}${path}`);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      expect(seriousViolations(await runAxe(page)), path).toEqual([]);
      await page.screenshot({ path: `test-results/${file}.png`, fullPage: true });
    }

    await page.goto(`${base}/admin/pricing/shipping`);
    await page.getByRole('link', { name: /Express delivery/ }).click();
    await page.getByRole('heading', { level: 1, name: /Shipping: Express/ }).waitFor();
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/pricing-shipping-edit.png', fullPage: true });

    await page.goto(`${base}/admin/pricing/discounts`);
    await page.getByRole('link', { name: 'WELCOME10' }).click();
    await page.getByLabel('Percentage off (%)').fill('150');
    await page.getByRole('button', { name: 'Save discount code' }).click();
    await page.getByText('There is a problem').waitFor();
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/pricing-discount-errors.png', fullPage: true });
    await page.getByLabel('Percentage off (%)').fill('15');
    await page.getByRole('button', { name: 'Save discount code' }).click();
    await page.getByText('Saved.').waitFor();
    expect(await page.locator('.admin-table').textContent()).toContain('15%');
    await closeStrictContext(context);
  });
});
