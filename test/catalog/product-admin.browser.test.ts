import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeStrictContext, cspViolationsOf, hasChromium, newStrictContext, openBrowserOn, runAxe, seriousViolations } from '../support/browser.js';
import { createSignedInStaff } from '../support/staff.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

describe.runIf(hasChromium)('the product pages of the back office in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let cookie: string;

  beforeAll(async () => {
    t = await createTestApp();
    cookie = (await createSignedInStaff(t, 'catalog_manager')).cookie;
    ({ browser, base } = await openBrowserOn(t.app));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('lists products, sorts them, changes a status in bulk with a plain form (the pages carry no script), edits a product, and passes axe', async () => {
    const context = await newStrictContext(browser, { viewport: { width: 1280, height: 900 } });
    const [name, ...rest] = cookie.split('=');
    await context.addCookies([{ name: name!, value: rest.join('='), url: base }]);
    const page = await context.newPage();

    await page.goto(`${base}/admin/products`);
    await page.getByRole('heading', { level: 1, name: /Products/ }).waitFor();
    expect(await page.locator('.products-table tbody tr').count()).toBe(48);
    expect((await page.locator('.audit-pager__range').textContent())?.trim()).toBe('1–48 of 48');
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/admin-products.png', fullPage: false });

    await page.getByRole('link', { name: 'Product', exact: true }).click();
    await page.waitForURL(/sort=name&dir=asc/);
    expect(await page.locator('th[aria-sort="ascending"]').textContent()).toContain('Product');

    // Bulk: select two products and make them drafts, with a plain form post.
    const boxes = page.locator('.products-table tbody input[type="checkbox"]');
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page.getByLabel('Set the status of the selected products to').selectOption('draft');
    await page.getByRole('button', { name: 'Apply to selected' }).click();
    await page.waitForURL(/done=status/);
    await page.getByRole('link', { name: /^Draft/ }).click();
    expect(await page.locator('.products-table tbody tr').count()).toBe(2);

    await page.locator('.products-table tbody a').first().click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/admin-product-edit.png', fullPage: true });
    await page.getByLabel('Name', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Save product' }).first().click();
    await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/admin-product-error.png' });
    expect(cspViolationsOf(context)).toEqual([]);
    await closeStrictContext(context);
  });

  it('shows the empty state of a search that finds nothing, and the new product form, passing axe', async () => {
    const context = await newStrictContext(browser, { viewport: { width: 390, height: 844 } });
    const [name, ...rest] = cookie.split('=');
    await context.addCookies([{ name: name!, value: rest.join('='), url: base }]);
    const page = await context.newPage();
    await page.goto(`${base}/admin/products?q=nothing-matches-this`);
    await page.getByRole('heading', { name: 'No products match' }).waitFor();
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.goto(`${base}/admin/products/new`);
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/admin-product-new-mobile.png', fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await closeStrictContext(context);
  });
});
