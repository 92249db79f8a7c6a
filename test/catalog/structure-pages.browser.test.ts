import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeStrictContext, hasChromium, newStrictContext, openBrowserOn, runAxe, seriousViolations } from '../support/browser.js';
import { createSignedInStaff } from '../support/staff.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** The stock, category and collection pages in a real browser under the CSP: axe, a screenshot, a round trip. */
describe.runIf(hasChromium)('stock, categories and collections in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let cookie: string;

  beforeAll(async () => {
    t = await createTestApp();
    cookie = (await createSignedInStaff(t, 'catalog_manager')).cookie;
    const by = { actor: { type: 'staff' as const, id: null, role: 'catalog_manager' } };
    // A tree with depth, and a long name, as a real shop has.
    const roots = await t.categories.flat();
    const apparel = roots.find((c) => c.slug === 'apparel') ?? roots[0]!;
    const knit = await t.categories.create({ name: 'Knitwear', parentId: apparel.id }, by);
    await t.categories.create({ name: 'Merino jumpers, cardigans and other soft layers for cold mornings', parentId: knit.id }, by);
    await t.collections.create({ title: 'Winter Gift Guide', kind: 'manual', published: true }, by);
    ({ browser, base } = await openBrowserOn(t.app));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const signedInPage = async (width: number) => {
    const context = await newStrictContext(browser, { viewport: { width, height: 900 } });
    const [name, ...rest] = cookie.split('=');
    await context.addCookies([{ name: name!, value: rest.join('='), url: base }]);
    return { context, page: await context.newPage() };
  };

  it('lists stock, opens a variant, adjusts it with a reason, and passes axe', async () => {
    const { context, page } = await signedInPage(1280);
    await page.goto(`${base}/admin/inventory`);
    await page.getByRole('heading', { level: 1, name: /Inventory/ }).waitFor();
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/inventory-list.png', fullPage: true });

    await page.locator('.admin-table tbody tr a').first().click();
    await page.getByRole('heading', { name: 'Adjust stock' }).waitFor();
    const onHand = Number((await page.locator('.kpi__value').first().textContent())!.replace(/\D/g, ''));
    await page.getByLabel('Quantity').fill('3');
    await page.getByLabel('Reason').fill('Delivery from the mill');
    await page.getByRole('button', { name: 'Save adjustment' }).click();
    await page.getByText('Stock adjusted').waitFor();
    expect(Number((await page.locator('.kpi__value').first().textContent())!.replace(/\D/g, ''))).toBe(onHand + 3);
    expect(await page.locator('.admin-table tbody tr').first().textContent()).toContain('Delivery from the mill');
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/inventory-variant.png', fullPage: true });

    // A refused form: the error summary and the fields' errors, still accessible.
    await page.getByLabel('Quantity').fill('');
    await page.getByRole('button', { name: 'Save adjustment' }).click();
    await page.getByText('There is a problem').waitFor();
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await closeStrictContext(context);
  });

  it('shows the category tree and the category form, and passes axe, at desktop and phone widths', async () => {
    for (const width of [1280, 390]) {
      const { context, page } = await signedInPage(width);
      await page.goto(`${base}/admin/categories`);
      await page.getByRole('heading', { level: 1, name: /Categories/ }).waitFor();
      expect(await page.locator('.tree-cell--3').count()).toBeGreaterThan(0);
      expect(seriousViolations(await runAxe(page))).toEqual([]);
      await page.screenshot({ path: `test-results/categories-${width}.png`, fullPage: true });
      await page.getByRole('link', { name: 'Knitwear' }).click();
      await page.getByRole('heading', { level: 1, name: 'Edit Knitwear' }).waitFor();
      expect(seriousViolations(await runAxe(page))).toEqual([]);
      await page.screenshot({ path: `test-results/category-edit-${width}.png`, fullPage: true });
      // No sideways scrolling on a phone.
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await closeStrictContext(context);
    }
  });

  it('shows the collections list and form, and passes axe', async () => {
    const { context, page } = await signedInPage(1280);
    await page.goto(`${base}/admin/collections`);
    await page.getByRole('heading', { level: 1, name: /Collections/ }).waitFor();
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.getByRole('link', { name: 'New collection' }).click();
    await page.getByRole('heading', { level: 1, name: 'New collection' }).waitFor();
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/collection-new.png', fullPage: true });
    await closeStrictContext(context);
  });
});
