import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeStrictContext, cspViolationsOf, hasChromium, newStrictContext, openBrowserOn, runAxe, seriousViolations } from '../support/browser.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { goodPassword, totp } from '../support/accounts.js';
import { signedInCustomer, withMfa } from '../customers/customers-test-helpers.js';

describe.runIf(hasChromium)('re-authentication in a real browser', () => {
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

  it('asks a stale session for the password and code before changing the address, axe-clean, under the strict CSP', async () => {
    const customer = await signedInCustomer(t, 'reauth');
    const { secret } = await withMfa(t, customer);
    const context = await newStrictContext(browser, { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();

    await page.goto(`${base}/account/sign-in`);
    await page.getByLabel('E-mail address').fill(customer.email);
    await page.getByLabel('Password').fill(goodPassword);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByLabel('Code from your authenticator app').fill(await totp(t, secret));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    const devices = await page.locator('.device-list').textContent();
    expect(devices).toContain('Chrome');

    // Later, the same session (or a copy of its cookie) wants to change the address.
    t.clock.advance(11 * 60_000);
    await page.goto(`${base}/account/security/email`);
    await page.getByRole('heading', { name: 'Confirm it is you' }).waitFor();
    expect(new URL(page.url()).search).toBe('?next=%2Faccount%2Fsecurity%2Femail');
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    expect(await page.getByLabel('Code from your authenticator app').getAttribute('autocomplete')).toBe('one-time-code');

    await page.getByLabel('Your password').fill(goodPassword);
    await page.getByLabel('Code from your authenticator app').fill('000000');
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await expect.poll(() => page.locator('.error-summary').textContent()).toContain('That code is not right');
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/reauth-error.png', fullPage: true });

    t.clock.advance(30_000);
    await page.getByLabel('Your password').fill(goodPassword);
    await page.getByLabel('Code from your authenticator app').fill(await totp(t, secret));
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByRole('heading', { name: 'Change your e-mail address' }).waitFor();
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    expect(cspViolationsOf(context)).toEqual([]);
    await closeStrictContext(context);
  });

  it('works with JavaScript turned off: the confirm form is a plain form', async () => {
    const customer = await signedInCustomer(t, 'nojs');
    const context = await newStrictContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/account/sign-in`);
    await page.getByLabel('E-mail address').fill(customer.email);
    await page.getByLabel('Password').fill(goodPassword);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    t.clock.advance(11 * 60_000);
    await page.goto(`${base}/account/security/password`);
    await page.getByRole('heading', { name: 'Confirm it is you' }).waitFor();
    await page.getByLabel('Your password').fill(goodPassword);
    await page.getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByRole('heading', { name: /Change your password/ }).waitFor();
    await closeStrictContext(context);
  });
});
