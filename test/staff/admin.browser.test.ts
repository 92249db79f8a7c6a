import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '../support/test-app.js';
import { goodPassword, newEmail, totp } from '../support/accounts.js';
import { closeStrictContext, hasChromium, newStrictContext, openBrowserOn, runAxe, seriousViolations } from '../support/browser.js';
import { joinStaff, tokenOf } from './staff-support.js';
import { createSignedInStaff } from '../support/staff.js';

describe.runIf(hasChromium)('the back office in a real browser', () => {
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

  it('takes an invited owner through joining and MFA set-up to the staff page, and invites a colleague', async () => {
    const context = await newStrictContext(browser, { viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    const email = newEmail('owner');
    const { link } = await t.staff.inviteFromCommandLine({ email, role: 'owner' });

    await page.goto(`${base}/admin/invitations/accept?token=${tokenOf(link)}`);
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.getByLabel('Create a password').fill(goodPassword);
    await page.getByRole('button', { name: 'Accept the invitation' }).click();

    await page.getByRole('heading', { name: 'Set up two-step verification' }).waitFor();
    await page.getByRole('button', { name: 'Start' }).click();
    const secret = (await page.locator('code.secret').textContent())!.replace(/\s/g, '');
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/admin-mfa-setup.png', fullPage: true });
    await page.getByLabel('Code from the app').fill(await totp(t, secret));
    await page.getByRole('button', { name: 'Turn on two-step verification' }).click();
    await page.getByRole('heading', { name: 'Save your recovery codes' }).waitFor();
    t.clock.advance(30_000);
    await page.getByRole('link', { name: 'Continue to the back office' }).click();

    await page.getByRole('heading', { name: 'Home' }).waitFor();
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/admin-home.png', fullPage: true });

    await joinStaff(t, 'auditor');
    await page.getByRole('navigation', { name: 'Back office' }).getByRole('link', { name: 'Staff' }).click();
    await page.getByRole('heading', { name: /Staff/ }).first().waitFor();
    expect(await page.getByRole('link', { name: 'Staff' }).getAttribute('aria-current')).toBe('page');
    const colleague = newEmail('colleague');
    await page.getByLabel('E-mail address').fill(colleague);
    await page.getByLabel('Role', { exact: true }).selectOption('order_manager');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByText('Invitation sent').waitFor();
    await expect.poll(() => page.getByRole('cell', { name: colleague, exact: true }).count()).toBe(1);
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/admin-staff.png', fullPage: true });

    // Narrow screens: the page reflows without sideways scrolling of the page itself.
    await page.setViewportSize({ width: 375, height: 800 });
    const overflow = await page.evaluate(() => ({
      width: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
      widest: Array.from(document.querySelectorAll('body *')).filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && (!e.closest('.table-wrap') || e.classList.contains('table-wrap'))).map((e) => `${e.tagName}.${e.className}:${Math.round(e.getBoundingClientRect().width)}`).slice(0, 8),
    }));
    expect(overflow.widest).toEqual([]);
    expect(overflow.width).toBeLessThanOrEqual(overflow.viewport + 1);
    await page.screenshot({ path: 'test-results/admin-staff-narrow.png', fullPage: true });

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in to the back office' }).waitFor();
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/admin-sign-in.png', fullPage: true });
    await closeStrictContext(context);
  });
});

describe.runIf(hasChromium)('the outbox page in a real browser', () => {
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

  it('shows an owner the empty state, then a dead job they can retry from the page', async () => {
    const context = await newStrictContext(browser, { viewport: { width: 1280, height: 860 } });
    const owner = await createSignedInStaff(t, 'owner');
    const [name = '', value = ''] = owner.cookie.split('=');
    await context.addCookies([{ name, value, url: base }]);
    const page = await context.newPage();

    await page.goto(`${base}/admin/outbox`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: 'Outbox' }).getAttribute('aria-current')).toBe('page');
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/admin-outbox-empty.png', fullPage: true });

    t.outbox.handle('test.browser-doomed', async () => Promise.reject(new Error('upstream refused')), { maxAttempts: 1 });
    await t.outbox.enqueue(t.database.db, { type: 'test.browser-doomed', key: `browser-doomed-${Date.now()}`, payload: {} });
    await t.outbox.drain();
    await page.reload();
    await page.getByRole('cell', { name: 'test.browser-doomed', exact: true }).waitFor();
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/admin-outbox-dead.png', fullPage: true });

    await page.getByRole('button', { name: /Retry/ }).first().click();
    await expect.poll(() => page.getByRole('cell', { name: 'test.browser-doomed', exact: true }).count()).toBe(0);
    const job = await t.database.db.selectFrom('outbox_job').select(['status', 'attempts']).where('type', '=', 'test.browser-doomed').executeTakeFirstOrThrow();
    expect(job).toEqual({ status: 'ready', attempts: 0 });
    await closeStrictContext(context);
  });
});
