import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeStrictContext, cspViolationsOf, hasChromium, newStrictContext, openBrowserOn, runAxe, seriousViolations } from '../support/browser.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { seedDemoPricing } from '../../src/modules/pricing/index.js';

/** Add to cart and /cart in a real browser, with and without JavaScript: axe clean, no CSP violation, screenshots at 390 and 1280 px. */
describe.runIf(hasChromium)('cart in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let slug: string;

  beforeAll(async () => {
    t = await createTestApp();
    await seedDemoPricing(t.database.db, 'GBP');
    slug = (await t.database.db.selectFrom('product').select('slug').where('status', '=', 'active').orderBy('slug').executeTakeFirstOrThrow()).slug;
    ({ browser, base } = await openBrowserOn(t.app));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  for (const javaScriptEnabled of [true, false]) {
    it(`adds to the cart and shows /cart ${javaScriptEnabled ? 'with' : 'without'} JavaScript`, async () => {
      const context = await newStrictContext(browser, { viewport: { width: 1280, height: 900 }, javaScriptEnabled });
      const page = await context.newPage();
      await page.goto(`${base}/p/${slug}`);
      await page.getByRole('button', { name: 'Add to cart' }).click();
      if (javaScriptEnabled) {
        await expect.poll(() => page.locator('[data-add-status]').innerText()).toContain('Added to your cart.');
        expect(await page.locator('.header-action--cart .cart-count').innerText()).toBe('1');
        await page.goto(`${base}/cart`);
      } else {
        await page.waitForURL(/\/cart\?notice=added$/);
      }
      expect(await page.locator('.header-action--cart .cart-count').innerText()).toBe('1');
      await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Your cart');
      for (const width of [390, 1280]) {
        await page.setViewportSize({ width, height: 900 });
        await page.screenshot({ path: `test-results/cart-${width}${javaScriptEnabled ? '' : '-nojs'}.png`, fullPage: true });
        expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
      }
      // axe runs in the page: only where scripts run.
      if (javaScriptEnabled) expect(seriousViolations(await runAxe(page))).toEqual([]);
      await page.getByLabel('Quantity of', { exact: false }).fill('3');
      await page.getByRole('button', { name: /^Update quantity/ }).click();
      await page.waitForURL(/notice=updated/);
      expect(await page.locator('.header-action--cart .cart-count').innerText()).toBe('3');
      expect(cspViolationsOf(context)).toEqual([]);
      await closeStrictContext(context);
    }, 120_000);
  }
});
