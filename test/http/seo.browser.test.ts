import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeStrictContext, hasChromium, newStrictContext, openBrowserOn, runAxe, seriousViolations } from '../support/browser.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

describe.runIf(hasChromium)('search-engine data and the API reference in a real browser, under the strict CSP', () => {
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

  it('keeps the JSON-LD blocks readable as data, with no CSP violation and nothing run', async () => {
    // A name that would run code if the block could be closed from inside it.
    await t.database.db.updateTable('product').set({ name: 'Tote </script><script>window.pwned = 1</script>' }).where('slug', '=', 'waxed-canvas-tote').execute();
    const context = await newStrictContext(browser);
    const page = await context.newPage();
    for (const path of ['/', '/c/apparel', '/p/waxed-canvas-tote']) {
      expect((await page.goto(`${base}${path}`, { waitUntil: 'load' }))?.status()).toBe(200);
      const blocks = await page.$$eval('script[type="application/ld+json"]', (nodes) => nodes.map((n) => JSON.parse(n.textContent ?? '') as { '@type': string; name?: string }));
      expect(blocks.length).toBeGreaterThan(0);
      if (path.startsWith('/p/')) expect(blocks[0]).toMatchObject({ '@type': 'Product', name: 'Tote </script><script>window.pwned = 1</script>' });
      expect(await page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned)).toBeUndefined();
    }
    await page.screenshot({ path: 'test-results/seo-product.png' });
    await closeStrictContext(context);
  });

  it('shows /api/docs as a readable page: operations by tag, method, path, summary, parameters and schemas', async () => {
    const context = await newStrictContext(browser);
    const page = await context.newPage();
    const res = await page.goto(`${base}/api/docs`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-type']).toBe('text/html; charset=utf-8');
    expect(await page.locator('h1').textContent()).toContain('reference');
    const catalog = page.locator('section.api-tag', { has: page.locator('h2', { hasText: /^catalog$/ }) });
    await expect.poll(() => catalog.count()).toBe(1);
    const product = catalog.locator('article.api-op', { has: page.locator('h3', { hasText: '/api/v1/products/{idOrSlug}' }) });
    expect(await product.locator('.api-method').first().textContent()).toBe('GET');
    expect(await product.textContent()).toContain('Get one active product by id or slug');
    expect(await product.locator('table').textContent()).toContain('idOrSlug');
    expect(await product.textContent()).toContain('variants');
    // Every public catalog operation has a summary (the staff API is marked as such).
    const unsummarised = await catalog.locator('article.api-op', { hasText: 'No summary.' }).allTextContents();
    expect(unsummarised.filter((text) => !text.includes('Staff API'))).toEqual([]);
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.setViewportSize({ width: 390, height: 900 });
    await page.screenshot({ path: 'test-results/api-docs-narrow.png', fullPage: false });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: 'test-results/api-docs.png', fullPage: false });
    await closeStrictContext(context);
  });
});
