import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeStrictContext, hasChromium, newStrictContext, openBrowserOn, runAxe, seriousViolations } from '../support/browser.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { createVerifiedAccount, goodPassword, newEmail } from '../support/accounts.js';

describe.runIf(hasChromium)('customer account pages in a real browser', () => {
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

  it('adds, changes and deletes an address through the forms, accessibly', async () => {
    const email = await createVerifiedAccount(t, newEmail('browser-addr'));
    const context = await newStrictContext(browser, { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();

    await page.goto(`${base}/account/sign-in`);
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Password').fill(goodPassword);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/account-with-details.png', fullPage: true });

    await page.getByRole('link', { name: 'Addresses' }).click();
    await page.getByRole('heading', { name: 'Your addresses' }).waitFor();
    expect(await page.getByText('You have no saved addresses yet').count()).toBe(1);
    expect(seriousViolations(await runAxe(page))).toEqual([]);

    await page.getByRole('link', { name: 'Add an address' }).click();
    await page.getByRole('heading', { name: 'Add an address' }).waitFor();
    // The shop's locale picks the country until the shopper chooses.
    expect(await page.getByLabel('Country').inputValue()).toBe('GB');
    await page.getByLabel('Full name').fill('Ada Lovelace');
    await page.getByRole('button', { name: 'Save address' }).click();
    await expect.poll(() => page.locator('.error-summary').textContent()).toContain('Enter the first line of the address');
    expect(await page.getByLabel('Full name').inputValue()).toBe('Ada Lovelace');
    expect(await page.getByLabel('Address line 1').getAttribute('aria-invalid')).toBe('true');
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/address-form-error.png', fullPage: true });

    await page.getByLabel('Label (optional)').fill('Home');
    await page.getByLabel('Address line 1', { exact: true }).fill('12 Marlowe Crescent');
    await page.getByLabel('Address line 2 (optional)').fill('Flat 3');
    await page.getByLabel('Town or city').fill('Bristol');
    await page.getByLabel('Postcode or ZIP code').fill('bs8 1tq');
    await page.getByLabel('Phone number (optional)').fill('+44 7700 900 982');
    await page.getByRole('button', { name: 'Save address' }).click();
    await page.getByText('The address is saved.').waitFor();
    const card = page.locator('.address-card').first();
    expect(await card.textContent()).toContain('BS8 1TQ');
    expect(await card.textContent()).toContain('United Kingdom');
    expect(await card.textContent()).toContain('Default delivery');
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/addresses.png', fullPage: true });

    await page.getByRole('link', { name: 'Change Home' }).click();
    await page.getByLabel('Town or city').fill('Bath');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('The address is changed.').waitFor();
    expect(await page.locator('.address-card').first().textContent()).toContain('Bath');

    await page.getByRole('link', { name: 'Delete Home' }).click();
    await page.getByRole('heading', { name: 'Delete this address?' }).waitFor();
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.getByRole('button', { name: 'Delete address' }).click();
    await page.getByText('The address is deleted.').waitFor();
    expect(await page.locator('.address-card').count()).toBe(0);

    await page.goto(`${base}/account/profile`);
    await page.getByLabel('Full name').fill('Ada Lovelace');
    await page.getByLabel('Send me news and offers by e-mail').check();
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.getByRole('button', { name: 'Save details' }).click();
    await page.getByText('Your details are saved.').waitFor();
    expect(await page.getByLabel('Send me news and offers by e-mail').isChecked()).toBe(true);
    await page.screenshot({ path: 'test-results/profile.png', fullPage: true });

    await page.goto(`${base}/account/delete`);
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.screenshot({ path: 'test-results/delete-account.png', fullPage: true });
    await closeStrictContext(context);
  });
});
