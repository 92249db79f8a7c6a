import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeStrictContext, hasChromium, newStrictContext, openBrowserOn, runAxe, seriousViolations } from '../support/browser.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { newEmail, totp } from '../support/accounts.js';

describe.runIf(hasChromium)('account pages in a real browser', () => {
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

  it('signs up, confirms by the mailed link, signs in, turns on MFA, signs out, and signs in with a code', async () => {
    const context = await newStrictContext(browser, { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const email = newEmail('browser');
    const password = 'quiet harbour lantern';

    await page.goto(`${base}/account/sign-up`);
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Create a password').fill('password1');
    await page.getByRole('button', { name: 'Create account' }).click();
    // The error summary comes first and links to the field.
    await expect.poll(() => page.locator('.error-summary').textContent()).toContain('That password is one of the most common ones');
    expect(await page.getByLabel('E-mail address').inputValue()).toBe(email);
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/sign-up-error.png', fullPage: true });
    await page.getByLabel('Create a password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();

    await t.outbox.drain();
    await page.goto(`${base}/dev/mailbox`);
    await page.getByRole('link', { name: /Confirm your e-mail address/ }).first().click();
    // The mail links to PUBLIC_URL; this server listens on a random port, so follow the path there.
    const link = new URL((await page.getByRole('link', { name: /\/account\/verify-email\?token=/ }).getAttribute('href'))!);
    await page.goto(`${base}${link.pathname}${link.search}`);
    await page.getByRole('button', { name: 'Confirm my e-mail address' }).click();
    await page.getByText('Your e-mail address is confirmed').waitFor();

    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.screenshot({ path: 'test-results/sign-in.png', fullPage: true });
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    expect(seriousViolations(await runAxe(page))).toEqual([]);

    await page.getByRole('button', { name: 'Set up two-step verification' }).click();
    await page.locator('figure.qr svg').waitFor();
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/mfa-enrol.png', fullPage: true });
    const secret = (await page.locator('code.secret').textContent())!.replaceAll(' ', '');
    await page.getByLabel('Code from the app').fill(await totp(t, secret));
    await page.getByRole('button', { name: 'Turn on two-step verification' }).click();
    await page.getByRole('heading', { name: 'Save your recovery codes' }).waitFor();
    expect(await page.locator('.recovery-codes li').count()).toBe(10);

    await page.getByRole('link', { name: 'I have saved them' }).click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(`${base}/`);

    t.clock.advance(30_000);
    await page.goto(`${base}/account/sign-in`);
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
    expect(await page.getByLabel('Code from your authenticator app').getAttribute('autocomplete')).toBe('one-time-code');
    await page.getByLabel('Code from your authenticator app').fill(await totp(t, secret));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    expect(await page.locator('.summary-list').textContent()).toContain('On');
    await page.screenshot({ path: 'test-results/account.png', fullPage: true });
    await closeStrictContext(context);
  });

  it('reflows the sign-in page at 320 px without horizontal scrolling', async () => {
    const context = await newStrictContext(browser, { viewport: { width: 320, height: 800 } });
    const page = await context.newPage();
    for (const path of ['/account/sign-in', '/account/sign-up', '/account/reset']) {
      await page.goto(`${base}${path}`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), path).toBeLessThanOrEqual(0);
    }
    await closeStrictContext(context);
  });
});
