import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeStrictContext, hasChromium, newStrictContext, openBrowserOn, runAxe, seriousViolations } from '../support/browser.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

describe.runIf(hasChromium)('search and filtered listings in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    t = await createTestApp();
    ({ browser, base } = await openBrowserOn(t.app));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const pages = [
    { name: 'search-results', path: '/search?q=linen', cards: true },
    { name: 'search-none', path: '/search?q=qwxzvbnm', cards: false },
    { name: 'category-filtered', path: '/c/apparel?option=Size:M&stock=in&sort=price-asc', cards: true },
  ];
  for (const width of [390, 1280]) {
    for (const p of pages) {
      it(`shows ${p.name} at ${width} px without sideways scrolling and passes axe`, async () => {
        const context = await newStrictContext(browser, { viewport: { width, height: 900 } });
        const page = await context.newPage();
        const res = await page.goto(`${base}${p.path}`, { waitUntil: 'load' });
        expect(res?.status()).toBe(200);
        expect(await page.locator('h1').count()).toBe(1);
        if (p.cards) expect(await page.locator('article.card').count()).toBeGreaterThan(0);
        else expect(await page.locator('article.card').count()).toBe(0);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow).toBeLessThanOrEqual(0);
        await page.screenshot({ path: `test-results/${p.name}-${width}.png`, fullPage: true });
        expect(seriousViolations(await runAxe(page))).toEqual([]);
        await closeStrictContext(context);
      });
    }
  }

  it('filters a category without JavaScript: tick a box, apply, remove the chip', async () => {
    const context = await newStrictContext(browser, { viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/c/apparel`);
    const all = await page.locator('article.card').count();
    await page.getByRole('checkbox', { name: /In stock only/ }).check();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/stock=in/);
    const inStock = await page.locator('article.card').count();
    expect(inStock).toBeLessThan(all);
    await page.getByRole('link', { name: /Remove filter In stock/ }).click();
    await page.waitForURL((url) => url.pathname === '/c/apparel' && !url.searchParams.has('stock'));
    expect(await page.locator('article.card').count()).toBe(all);
    await closeStrictContext(context);
  });

  it('searches from the header box', async () => {
    const context = await newStrictContext(browser, { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.locator('.header-search > summary').click();
    await page.locator('#site-search').fill('tee');
    await page.locator('#site-search').press('Enter');
    await page.waitForURL(/\/search\?q=tee/);
    await expect.poll(() => page.locator('article.card').count()).toBeGreaterThan(0);
    expect(await page.locator('h1').textContent()).toContain('Results for “tee”');
    await closeStrictContext(context);
  });
});
