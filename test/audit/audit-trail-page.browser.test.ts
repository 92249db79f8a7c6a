import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeStrictContext, hasChromium, newStrictContext, openBrowserOn, runAxe, seriousViolations } from '../support/browser.js';
import { createSignedInStaff } from '../support/staff.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

describe.runIf(hasChromium)('the audit trail in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let cookie: string;

  beforeAll(async () => {
    t = await createTestApp();
    cookie = (await createSignedInStaff(t, 'auditor')).cookie;
    const admin = randomUUID();
    const customer = randomUUID();
    // A realistic morning: product edits, a refund refused, a customer changing their address, a key rotation.
    await t.database.db.transaction().execute(async (trx) => {
      const base = Date.parse('2026-11-26T08:00:00Z');
      for (let n = 0; n < 60; n++) {
        await t.audit.record(trx, {
          actor: { type: 'staff', id: admin, role: n % 3 === 0 ? 'catalog_manager' : 'admin' },
          action: n % 4 === 0 ? 'product.price_changed' : 'product.update',
          target: { type: 'product', id: randomUUID() },
          before: { title: 'Linen apron', status: 'draft', price_amount: 2400 + n },
          after: { title: n % 2 ? 'Linen apron, natural' : 'Linen apron', status: 'active', price_amount: 2600 + n },
          occurredAt: new Date(base + n * 7 * 60_000),
        });
      }
      await t.audit.record(trx, {
        actor: { type: 'staff', id: admin, role: 'support' }, action: 'orders.refund', target: { type: 'order', id: 'BST-10421' },
        outcome: 'denied', occurredAt: new Date('2026-11-26T16:05:00Z'),
      });
      await t.audit.record(trx, {
        actor: { type: 'customer', id: customer }, action: 'customer.address_changed', target: { type: 'customer', id: customer },
        before: { street: '1 Old Road' }, after: { street: '2 New Road' }, occurredAt: new Date('2026-11-26T17:30:00Z'),
      });
      await t.audit.record(trx, { actor: { type: 'system' }, action: 'keys.rotate', outcome: 'failure', occurredAt: new Date('2026-11-26T23:00:00Z') });
    });
    ({ browser, base } = await openBrowserOn(t.app));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('opens the trail as an auditor, filters it, pages it, and passes axe', async () => {
    const context = await newStrictContext(browser, { viewport: { width: 1280, height: 900 } });
    const [name, ...rest] = cookie.split('=');
    await context.addCookies([{ name: name!, value: rest.join('='), url: base }]);
    const page = await context.newPage();

    await page.goto(`${base}/admin/audit`);
    await page.getByRole('heading', { level: 1, name: /Audit trail/ }).waitFor();
    expect(await page.locator('.audit-table tbody tr').count()).toBe(50);
    expect(await page.locator('.audit-pager__range').textContent()).toMatch(/^1–50 of \d+$/);
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/audit-trail.png', fullPage: true });
    await page.screenshot({ path: 'test-results/audit-trail-top.png' });

    // Filter: refused and failed attempts are what an auditor looks for first.
    await page.getByLabel('Outcome').selectOption('denied');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/outcome=denied/);
    expect(await page.locator('.audit-table tbody tr').count()).toBe(1);
    expect(await page.locator('.audit-table tbody').textContent()).toContain('orders.refund');
    expect(await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href')).toContain('outcome=denied');

    await page.getByLabel('Outcome').selectOption('');
    await page.getByLabel('Action').fill('product.');
    await page.getByLabel('From', { exact: true }).fill('2026-11-26');
    await page.getByLabel('To', { exact: true }).fill('2026-11-26');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/action=product\./);
    expect(await page.locator('.audit-pager__range').textContent()).toBe('1–50 of 60');
    await page.getByRole('link', { name: 'Older events' }).click();
    await page.waitForURL(/before=\d+/);
    expect(await page.locator('.audit-pager__range').textContent()).toBe('51–60 of 60');
    expect(await page.getByLabel('Action').inputValue()).toBe('product.');
    expect(seriousViolations(await runAxe(page))).toEqual([]);

    // A filter that matches nothing, then a wrong one.
    await page.goto(`${base}/admin/audit?action=checkout.`);
    await page.getByText('No events match these filters').waitFor();
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/audit-trail-empty.png', fullPage: true });
    await page.goto(`${base}/admin/audit?from=2026-11-27&to=2026-11-01`);
    await page.locator('.error-summary').getByText('To must be the same as or later than From').waitFor();
    expect(await page.getByLabel('To', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/audit-trail-error.png', fullPage: true });

    // Narrow screens: the table scrolls inside its frame instead of the page.
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`${base}/admin/audit?outcome=denied`);
    const wide = await page.evaluate(() =>
      Array.from(document.querySelectorAll('body *'))
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && !el.parentElement?.closest('.table-wrap'))
        .map((el) => `${el.tagName.toLowerCase()}.${el.className}`),
    );
    expect(wide).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.screenshot({ path: 'test-results/audit-trail-narrow.png', fullPage: true });
    await closeStrictContext(context);
  });
});
