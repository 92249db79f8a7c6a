import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalObjectStore } from '../../src/adapters/storage/local.js';
import { closeStrictContext, cspViolationsOf, hasChromium, newStrictContext, openBrowserOn, runAxe, seriousViolations } from '../support/browser.js';
import { createSignedInStaff } from '../support/staff.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { jpegOf } from '../support/uploads.js';

describe.runIf(hasChromium)('product images in the back office, in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let cookie: string;
  let productId: string;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bastion-images-page-'));
    // The seeded images live in the run's shared store; this app writes to a store of its own, so its
    // gallery starts from a product without images.
    t = await createTestApp({}, { store: createLocalObjectStore(join(dir, 'objects')) });
    cookie = (await createSignedInStaff(t, 'catalog_manager')).cookie;
    const product = (await t.catalog.listProducts({ limit: 1, offset: 0 })).items[0]!;
    productId = product.id;
    await t.database.db.deleteFrom('product_image').where('product_id', '=', productId).execute();
    ({ browser, base } = await openBrowserOn(t.app));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('uploads through the plain form, edits alt text, reorders and removes, and passes axe at each step', async () => {
    const context = await newStrictContext(browser, { viewport: { width: 1280, height: 900 } });
    const [name, ...rest] = cookie.split('=');
    await context.addCookies([{ name: name!, value: rest.join('='), url: base }]);
    const page = await context.newPage();

    await page.goto(`${base}/admin/products/${productId}/images`);
    await page.getByRole('heading', { level: 1, name: /Images/ }).waitFor();
    // Nothing here needs a script: the upload is a plain multipart form.
    expect(await page.locator('script').count()).toBe(0);
    await page.getByText('No images yet').waitFor();
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/product-images-empty.png', fullPage: true });

    // A refused file first: an HTML page named like a photo.
    const fake = join(dir, 'holiday.jpg');
    await writeFile(fake, '<!doctype html><title>x</title><script>alert(1)</script>');
    await page.getByLabel('Image file').setInputFiles(fake);
    await page.getByLabel(/Alt text/).fill('Front, on an oak table');
    await page.getByRole('button', { name: 'Upload image' }).click();
    await page.locator('.error-summary').getByText('Upload a JPEG, PNG, WebP or AVIF image').waitFor();
    expect(await page.getByLabel(/Alt text/).first().inputValue()).toBe('Front, on an oak table');
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/product-images-error.png', fullPage: true });

    for (const [file, alt, size] of [
      ['front.jpg', 'Front, on an oak table', [1200, 1200]],
      ['side.jpg', 'Side view showing the handle', [900, 1200]],
      ['detail.jpg', 'Close-up of the glaze, with a long description that wraps onto a second line to show how long alt text sits in the gallery row', [1600, 1000]],
    ] as const) {
      const path = join(dir, file);
      await writeFile(path, await jpegOf(size[0], size[1]));
      await page.getByLabel('Image file').setInputFiles(path);
      await page.locator('#alt').fill(alt);
      await page.getByRole('button', { name: 'Upload image' }).click();
      await page.getByText('Image added to the end of the gallery.').waitFor();
    }
    expect(await page.locator('.image-list__item').count()).toBe(3);
    expect(await page.locator('.image-list__item').first().getByText('Main image').count()).toBe(1);
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/product-images.png', fullPage: true });

    await page.getByLabel('Alt text of image 2').fill('Side view, handle on the right');
    await page.locator('.image-list__item').nth(1).getByRole('button', { name: 'Save alt text' }).click();
    await page.getByText('Alt text saved.').waitFor();
    await page.getByRole('button', { name: 'Move image 3 up' }).click();
    await page.getByText('Gallery order saved.').waitFor();
    expect(await page.getByLabel('Alt text of image 2').inputValue()).toMatch(/^Close-up of the glaze/);

    await page.getByRole('link', { name: 'Remove image 1' }).click();
    await page.getByRole('heading', { level: 1, name: /Remove image 1/ }).waitFor();
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/product-images-remove.png', fullPage: true });
    await page.getByRole('button', { name: 'Remove image' }).click();
    await page.getByText('Image removed.').waitFor();
    expect(await page.locator('.image-list__item').count()).toBe(2);

    await page.setViewportSize({ width: 320, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    await page.screenshot({ path: 'test-results/product-images-320.png', fullPage: true });
    expect(cspViolationsOf(context)).toEqual([]);
    await closeStrictContext(context);
  }, 180_000);
});
