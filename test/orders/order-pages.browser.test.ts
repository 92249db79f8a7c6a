import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifiedAccount, newEmail, signIn } from '../support/accounts.js';
import { closeStrictContext, hasChromium, newStrictContext, openBrowserOn, runAxe, seriousViolations } from '../support/browser.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { ordersHarness, type OrdersHarness } from './harness.js';

/**
 * The customer's order pages in Chromium under their real CSP: the order opened by the guest link (on a
 * desktop and at 320px), and the signed-in list; no serious axe finding, no CSP violation, no sideways
 * scroll. Screenshots land in test-results/ for a look.
 */
let t: TestApp;
let h: OrdersHarness;
let browser: Browser;
let base: string;

beforeAll(async () => {
  t = await createTestApp();
  h = await ordersHarness(t);
  for (const v of h.variants.slice(0, 2)) await h.stockOf(v.id, 50);
  ({ browser, base } = await openBrowserOn(t.app));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe.runIf(hasChromium)('order pages in a browser', () => {
  it('shows a guest its shipped order through the link, accessibly, on a desktop and at 320px', async () => {
    const [a, b] = h.variants;
    const { order, guestPath } = await h.orders.place(
      h.input(await h.cart([{ variantId: a!.id, quantity: 2 }, { variantId: b!.id, quantity: 1 }]), { email: newEmail('browser') }),
    );
    await h.pay(order.id);
    const line = (await h.orders.detail(order.id)).lines[0]!;
    await h.orders.fulfil(order.id, { lines: [{ orderLineId: line.id, quantity: 1 }], carrier: 'Royal Mail', trackingNumber: 'RM123456789GB' }, { actor: { type: 'staff', id: 'browser-test' } });

    for (const viewport of [{ width: 1280, height: 900 }, { width: 320, height: 800 }]) {
      const context = await newStrictContext(browser, { viewport });
      const page = await context.newPage();
      const res = await page.goto(`${base}${guestPath}`);
      expect(res?.status()).toBe(200);
      await expect.poll(() => page.locator('h1').textContent()).toBe(`Order ${order.number}`);
      expect(await page.locator('.order-tracking').textContent()).toBe('RM123456789GB');
      expect(seriousViolations(await runAxe(page))).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await page.screenshot({ path: `test-results/order-guest-${viewport.width}.png`, fullPage: true });
      await closeStrictContext(context);
    }
  });

  it('lists a signed-in customer\'s orders', async () => {
    const email = await createVerifiedAccount(t, newEmail('browser-list'));
    const cookie = await signIn(t, email);
    const me = await t.app.inject({ url: '/api/v1/me', headers: { cookie } });
    const customerId = me.json<{ id: string }>().id;
    const first = await h.orders.place(h.input(await h.cart([{ variantId: h.variants[0]!.id, quantity: 1 }]), { email, customerId }));
    await h.pay(first.order.id);
    await h.orders.place(h.input(await h.cart([{ variantId: h.variants[1]!.id, quantity: 3 }]), { email, customerId }));
    const context = await newStrictContext(browser, { viewport: { width: 1280, height: 900 } });
    const [name, value] = cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: base }]);
    const page = await context.newPage();
    const res = await page.goto(`${base}/account/orders`);
    expect(res?.status()).toBe(200);
    expect(await page.locator('.order-card').count()).toBe(2);
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/orders-list.png', fullPage: true });
    await page.click(`text=Order ${first.order.number}`);
    await expect.poll(() => page.locator('h1').textContent()).toBe(`Order ${first.order.number}`);
    await page.screenshot({ path: 'test-results/order-customer.png', fullPage: true });
    await closeStrictContext(context);
  });
});
