import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifiedAccount, goodPassword } from '../support/accounts.js';
import { closeStrictContext, hasChromium, newStrictContext, openBrowserOn, runAxe, seriousViolations, type AxeViolation } from '../support/browser.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** The rules behind this page's "smaller things": content outside landmarks and jumps in the outline. */
const structural = (violations: AxeViolation[]) => violations.filter((v) => ['region', 'heading-order', 'landmark-unique', 'landmark-no-duplicate-banner'].includes(v.id)).map((v) => v.id);

const sideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
const headerHeight = (page: Page) => page.evaluate(() => document.querySelector('.site-header')!.getBoundingClientRect().height);
const text = (page: Page, hook: string) => page.locator(`[${hook}]`).innerText();

describe.runIf(hasChromium)('storefront header, product variant picker and small fixes in a real browser', () => {
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

  it('keeps the header to one row of about 64 px at 390 and 1280 px, with a menu and search that open without JavaScript', async () => {
    const heights: Record<number, number> = {};
    for (const width of [390, 1280]) {
      const context = await newStrictContext(browser, { viewport: { width, height: 900 }, javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(`${base}/`);
      heights[width] = await headerHeight(page);
      expect(heights[width], `header at ${width}px`).toBeLessThanOrEqual(72);
      if (width === 390) {
        await page.locator('.header-menu > summary').click();
        const menu = page.getByRole('navigation', { name: 'Menu' });
        await expect.poll(() => menu.getByRole('link').allInnerTexts()).toEqual(['Kitchen & Dining', 'Coffee & Tea', 'Home & Living', 'Apparel', 'Bags & Travel', 'Stationery', 'Your account', 'Cart (0)']);
        await page.screenshot({ path: 'test-results/header-menu-390.png' });
        // The open menu drops below the row; the row itself keeps its height.
        expect(await headerHeight(page)).toBe(heights[width]);
        await page.locator('.header-menu > summary').click();
        await page.locator('.header-search > summary').click();
        await page.getByRole('searchbox', { name: 'Search products' }).fill('linen');
        await page.screenshot({ path: 'test-results/header-search-390.png' });
        await Promise.all([page.waitForURL(/\/search\?q=linen$/), page.getByRole('searchbox', { name: 'Search products' }).press('Enter')]);
      } else {
        // Desktop: the categories sit in the row itself.
        expect(await page.getByRole('navigation', { name: 'Categories' }).getByRole('link').count()).toBe(6);
        expect(await page.locator('.header-menu').isVisible()).toBe(false);
        // A focused category link's ring is drawn whole: nothing around it clips.
        await page.getByRole('navigation', { name: 'Categories' }).getByRole('link', { name: 'Apparel' }).focus();
        const clipped = await page.evaluate(() => {
          for (let el = document.activeElement?.parentElement; el; el = el.parentElement) {
            const style = getComputedStyle(el);
            if (style.overflowX !== 'visible' || style.overflowY !== 'visible') return el.className || el.tagName;
          }
          return null;
        });
        expect(clipped).toBeNull();
      }
      await closeStrictContext(context);
    }
    process.stdout.write(`[storefront] header height: ${heights[390]} px at 390 px, ${heights[1280]} px at 1280 px\n`);
  });

  it('chooses a variant without JavaScript: the form submits, and the URL, price, stock line and SKU follow', async () => {
    const context = await newStrictContext(browser, { viewport: { width: 390, height: 900 }, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/p/single-origin-beans`);
    expect(await text(page, 'data-variant-stock')).toBe('Only 2 left');
    expect(await page.locator('.product__price .price__current').innerText()).toBe('£11.00');
    await page.getByRole('radio', { name: '1 kg' }).check();
    await Promise.all([page.waitForURL(/Size=1\+kg/), page.getByRole('button', { name: 'Show this choice' }).click()]);
    expect(new URL(page.url()).search).toBe('?Colour=Ethiopia&Size=1+kg');
    expect(await page.locator('.product__price .price__current').innerText()).toBe('£34.00');
    expect(await text(page, 'data-variant-stock')).toBe('Only 1 left');
    expect(await text(page, 'data-variant-sku')).toBe('SINGLE-ORIGIN-BEANS-ETHIOPIA-1-KG');
    expect(await page.getByRole('radio', { name: '1 kg' }).isChecked()).toBe(true);
    await page.screenshot({ path: 'test-results/product-picker-nojs-390.png', fullPage: true });
    await closeStrictContext(context);
  });

  it('chooses a variant with JavaScript: no navigation; URL, price, stock line, SKU and image follow', async () => {
    const context = await newStrictContext(browser, { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/p/single-origin-beans`);
    // The script hides the submit button: each change answers at once.
    await expect.poll(() => page.getByRole('button', { name: 'Show this choice' }).isVisible()).toBe(false);
    const shownSource = () => page.locator('[data-gallery-main] img').evaluate((img: HTMLImageElement) => img.currentSrc);
    const ethiopiaSource = await shownSource();
    // A page load would wipe this marker; history.replaceState keeps it.
    await page.evaluate(() => ((globalThis as unknown as { stillHere: boolean }).stillHere = true));

    // The radio lies over its pill: a tap on the pill is a tap on the radio.
    await page.getByRole('radio', { name: '1 kg' }).click();
    await expect.poll(() => page.locator('.product__price .price__current').innerText()).toBe('£34.00');
    expect(new URL(page.url()).search).toBe('?Colour=Ethiopia&Size=1+kg');
    expect(await text(page, 'data-variant-stock')).toBe('Only 1 left');
    expect(await text(page, 'data-variant-sku')).toBe('SINGLE-ORIGIN-BEANS-ETHIOPIA-1-KG');

    await page.getByRole('radio', { name: /^Colombia/ }).click();
    await expect.poll(() => text(page, 'data-variant-stock')).toBe('Sold out');
    expect(new URL(page.url()).search).toBe('?Colour=Colombia&Size=1+kg');
    expect(await page.locator('[data-gallery-main] img').getAttribute('alt')).toBe('Single Origin Beans in colombia');
    // The picture's sources follow too, so the browser really draws the other photo.
    // currentSrc is empty while the browser picks and loads the new source: wait for the photo itself.
    const colombiaThumb = await page.locator('[data-image-index="1"] img').getAttribute('src');
    const folderOf = (src: string) => src.split('/').slice(0, -1).join('/');
    await expect.poll(async () => folderOf(await shownSource())).toBe(folderOf(new URL(colombiaThumb!, base).href));
    expect(await shownSource()).not.toBe(ethiopiaSource);
    expect(await page.locator('[data-image-index="1"]').getAttribute('aria-current')).toBe('true');
    expect(await text(page, 'data-variant-announce')).toBe('Colombia / 1 kg: £34.00, Sold out');
    // Every size of Colombia is sold out: the pills say so, as the server would.
    expect(await page.locator('label[for="option-1-0"]').getAttribute('data-state')).toBe('sold_out');

    expect(await page.evaluate(() => (globalThis as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
    // The URL the script wrote is one the server renders the same way.
    await page.reload();
    expect(await text(page, 'data-variant-stock')).toBe('Sold out');
    expect(await page.getByRole('radio', { name: /Colombia/ }).isChecked()).toBe(true);
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await closeStrictContext(context);
  });

  it('keeps the keyboard on the picker: arrow keys move between values and the page follows', async () => {
    const context = await newStrictContext(browser, { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/p/heavyweight-hoodie`);
    await page.getByRole('radio', { name: 'XS' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => new URL(page.url()).search).toBe('?Colour=Charcoal&Size=S');
    expect(await text(page, 'data-variant-sku')).toBe('HEAVYWEIGHT-HOODIE-CHARCOAL-S');
    expect(await text(page, 'data-variant-saving')).toBe('Save £14.00 (15%)');
    const ring = await page.evaluate(() => getComputedStyle(document.querySelector('label[for="option-1-1"]')!).outlineStyle);
    expect(ring).toBe('solid');
    await closeStrictContext(context);
  });

  it('passes axe on the product, home, category, 404 and account pages, with everything inside landmarks and no jump in headings', async () => {
    const email = `a.rather.long.address.for.reflow.${Date.now().toString(36)}@shoppers.of-a-very-long-domain-name.example.com`;
    await createVerifiedAccount(t, email);
    const context = await newStrictContext(browser, { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    for (const path of ['/p/organic-cotton-tee', '/', '/c/apparel', '/no-such-page']) {
      await page.goto(`${base}${path}`);
      const violations = await runAxe(page);
      expect(seriousViolations(violations), path).toEqual([]);
      expect(structural(violations), path).toEqual([]);
    }
    await page.goto(`${base}/account/sign-in`);
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Password').fill(goodPassword);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    const violations = await runAxe(page);
    expect(seriousViolations(violations)).toEqual([]);
    expect(structural(violations)).toEqual([]);

    // Reflow at 320 px: the account page with that long address, and the 404 page with its search form.
    await page.setViewportSize({ width: 320, height: 800 });
    for (const path of ['/account', '/no-such-page', '/', '/c/apparel', '/p/organic-cotton-tee']) {
      await page.goto(`${base}${path}`);
      expect(await sideways(page), `${path} at 320 px`).toBeLessThanOrEqual(0);
    }
    await page.goto(`${base}/account`);
    expect(await page.getByText(email).isVisible()).toBe(true);
    await page.screenshot({ path: 'test-results/account-320.png', fullPage: true });
    await page.goto(`${base}/no-such-page`);
    await page.screenshot({ path: 'test-results/not-found-320.png', fullPage: true });
    await closeStrictContext(context);
  });

  it('asks for no missing file: the favicon is served, so the console stays clean', async () => {
    const context = await newStrictContext(browser, { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const failed: string[] = [];
    page.on('response', (res) => {
      if (res.status() >= 400) failed.push(`${res.status()} ${res.url()}`);
    });
    await page.goto(`${base}/`, { waitUntil: 'load' });
    const favicon = await page.evaluate(async () => (await fetch('/favicon.ico')).status);
    expect(favicon).toBe(200);
    expect(failed).toEqual([]);
    await closeStrictContext(context);
  });

  it('looks right: screenshots of home, category and product at 390 and 1280 px', async () => {
    for (const width of [390, 1280]) {
      const context = await newStrictContext(browser, { viewport: { width, height: 900 } });
      const page = await context.newPage();
      for (const [name, path] of [['home', '/'], ['category', '/c/apparel'], ['product', '/p/heavyweight-hoodie?Colour=Forest&Size=M']] as const) {
        await page.goto(`${base}${path}`, { waitUntil: 'load' });
        // Lazy images below the fold load once scrolled to, so the full-page picture shows them.
        await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
        await page.waitForLoadState('networkidle');
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: `test-results/${name}-${width}.png`, fullPage: true });
        expect(await sideways(page), `${path} at ${width}px`).toBeLessThanOrEqual(0);
      }
      await closeStrictContext(context);
    }
  });
});
