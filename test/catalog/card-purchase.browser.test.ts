import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeStrictContext, cspViolationsOf, hasChromium, newStrictContext, openBrowserOn, runAxe, seriousViolations } from '../support/browser.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * Add to cart from a category page's cards in a real browser: with JavaScript the header's count changes
 * in place and the card says so; without, the form lands on the cart. axe clean, no CSP violation,
 * no sideways scroll, screenshots at 390 and 1280 px.
 */
describe.runIf(hasChromium)('listing cards in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    t = await createTestApp();
    ({ browser, base } = await openBrowserOn(t.app));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('adds a one-variant product from its card and the header counts it, without leaving the page', async () => {
    const context = await newStrictContext(browser, { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/c/kitchen-dining`);
    const card = page.locator('article.card', { has: page.getByRole('button', { name: /^Add to cart\s*: / }) }).first();
    const add = card.getByRole('button');
    const name = ((await add.locator('.visually-hidden').textContent()) ?? '').replace(/^:\s*/, '');
    expect(name).not.toBe('');
    expect(await page.getByRole('link', { name: /^Choose options for / }).count()).toBeGreaterThan(0);
    expect(await page.locator('.header-action--cart .cart-count').innerText()).toBe('0');
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: `test-results/category-cards-${width}.png`, fullPage: width === 390 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
    }
    expect(seriousViolations(await runAxe(page))).toEqual([]);

    await add.click();
    await expect.poll(() => card.locator('[data-add-status]').innerText()).toContain('Added to your cart.');
    expect(page.url()).toBe(`${base}/c/kitchen-dining`);
    expect(await page.locator('.header-action--cart .cart-count').innerText()).toBe('1');
    await page.screenshot({ path: 'test-results/category-cards-added-1280.png' });
    expect(seriousViolations(await runAxe(page))).toEqual([]);

    await page.goto(`${base}/cart`);
    expect(await page.locator('.cart-line__name').first().innerText()).toBe(name);
    expect(cspViolationsOf(context)).toEqual([]);
    await closeStrictContext(context);
  }, 120_000);

  it('keeps every page with selling cards axe clean: home, search, a category with sold-out products, and the cart with a checkout notice', async () => {
    const context = await newStrictContext(browser, { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    for (const [name, path] of [['home', '/'], ['search', '/search?q=bowl'], ['category-sold-out', '/c/coffee-tea'], ['cart-notice', '/cart?notice=checkout-unavailable']] as const) {
      await page.goto(`${base}${path}`);
      await page.screenshot({ path: `test-results/cards-${name}-1280.png`, fullPage: true });
      expect(seriousViolations(await runAxe(page)), path).toEqual([]);
    }
    expect(cspViolationsOf(context)).toEqual([]);
    await closeStrictContext(context);
  }, 120_000);

  it('adds from a card without JavaScript: the form lands on the cart with the line in it', async () => {
    const context = await newStrictContext(browser, { viewport: { width: 390, height: 900 }, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/c/kitchen-dining`);
    await page.getByRole('button', { name: /^Add to cart\s*: / }).first().click();
    await page.waitForURL(/\/cart\?notice=added$/);
    expect(await page.locator('.header-action--cart .cart-count').innerText()).toBe('1');
    expect(await page.locator('.notice--success').innerText()).toBe('Added to your cart.');
    expect(cspViolationsOf(context)).toEqual([]);
    await closeStrictContext(context);
  }, 120_000);
});
