import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeStrictContext, hasChromium, newStrictContext, openBrowserOn, runAxe, seriousViolations } from '../support/browser.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

describe.runIf(hasChromium)('storefront in a real browser', () => {
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

  it('shows the home page with products and images, and passes axe', async () => {
    const context = await newStrictContext(browser, { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const res = await page.goto(`${base}/`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    await expect.poll(() => page.locator('article.card').count()).toBeGreaterThanOrEqual(4);
    const hero = page.locator('.hero img');
    expect(await hero.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    expect(await page.locator('h1').count()).toBe(1);
    await page.screenshot({ path: 'test-results/home.png', fullPage: true });
    const violations = await runAxe(page);
    expect(seriousViolations(violations)).toEqual([]);
    await closeStrictContext(context);
  });

  it('offers a skip link as the first stop for keyboard users', async () => {
    const context = await newStrictContext(browser);
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => location.hash)).toBe('#main');
    await closeStrictContext(context);
  });

  it('reflows at 320 px without horizontal scrolling', async () => {
    const context = await newStrictContext(browser, { viewport: { width: 320, height: 800 } });
    const page = await context.newPage();
    for (const path of ['/', '/c/apparel', '/p/organic-cotton-tee']) {
      await page.goto(`${base}${path}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
    await page.screenshot({ path: 'test-results/home-320.png', fullPage: true });
    await closeStrictContext(context);
  });

  it('shows category and product pages that pass axe', async () => {
    const context = await newStrictContext(browser, { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    for (const path of ['/c/apparel', '/p/organic-cotton-tee', '/pages/returns', '/no-such-page']) {
      await page.goto(`${base}${path}`);
      expect(seriousViolations(await runAxe(page)), path).toEqual([]);
    }
    await page.goto(`${base}/p/pocket-tee`);
    await page.screenshot({ path: 'test-results/product.png', fullPage: true });
    await closeStrictContext(context);
  });
});
