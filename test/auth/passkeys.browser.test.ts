import { generateKeyPairSync } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import type { Browser, ConsoleMessage } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeStrictContext, hasChromium, launchBrowser, newStrictContext, runAxe, seriousViolations } from '../support/browser.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { createVerifiedAccount, goodPassword, newEmail } from '../support/accounts.js';

/** A free loopback port, so PUBLIC_URL (the relying party) can name it before the app is built. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// WebAuthn needs a secure context and an RP ID that is a domain: http://localhost is both (an IP
// address is not a valid RP ID), so the app's PUBLIC_URL and the pages opened are http://localhost:<port>.
describe.runIf(hasChromium)('passkeys in a real browser (Chromium virtual authenticator)', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://localhost:${port}`;
    t = await createTestApp({ PUBLIC_URL: base });
    await t.app.listen({ port, host: '127.0.0.1' });
    await mkdir('test-results', { recursive: true });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('adds a passkey, signs out, and signs in with it under the strict CSP', async () => {
    // No bypassCSP here: the ceremony must work with script-src 'self' and nothing inline.
    const context = await newStrictContext(browser, { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m: ConsoleMessage) => {
      // Anything logged as an error (a CSP refusal included) fails the test.
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));

    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
    });

    const email = await createVerifiedAccount(t, newEmail('browser-passkey'));
    await page.goto(`${base}/account/sign-in`);
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Password').fill(goodPassword);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();

    await page.getByRole('link', { name: 'Passkeys' }).click();
    await page.getByRole('heading', { name: 'Passkeys', level: 1 }).waitFor();
    expect(await page.getByText('You have not added a passkey yet.').isVisible()).toBe(true);
    expect(await page.getByText('Adding a passkey needs JavaScript').isVisible()).toBe(false);

    // A name is asked for first: GOV.UK's error summary, linked to the field, and the inline error.
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await expect.poll(() => page.locator('.error-summary').textContent()).toContain('Enter a name for the passkey');
    expect(await page.getByLabel('Name for this passkey').getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: 'test-results/passkeys-name-error.png', fullPage: true });

    await page.getByLabel('Name for this passkey').fill('This laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.waitForURL(`${base}/account/security/passkeys?done=added`);
    await page.getByText('Your passkey is added.').waitFor();
    expect(await page.locator('.device-list').textContent()).toContain('This laptop');
    await page.screenshot({ path: 'test-results/passkeys.png', fullPage: true });

    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!.isResidentCredential).toBe(true);

    await page.goto(`${base}/account`);
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(`${base}/`);

    // The button: with the authenticator holding back, the page's quiet autofill request waits; the
    // button's own request replaces it and the authenticator answers that one.
    await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: false });
    await page.goto(`${base}/account/sign-in`);
    await page.screenshot({ path: 'test-results/passkeys-sign-in.png', fullPage: true });
    await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: true });
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForURL(`${base}/account`);
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(`${base}/`);

    // Autofill (conditional mediation): the sign-in page asks quietly on load; the e-mail field is marked
    // `webauthn`, and the virtual authenticator (which answers at once) stands for the user picking the
    // passkey from the field's suggestions. No click, under the strict CSP.
    await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: false });
    await page.goto(`${base}/account/sign-in`);
    expect(await page.getByLabel('E-mail address').getAttribute('autocomplete')).toBe('email webauthn');
    await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: true });
    await page.reload();
    await page.waitForURL(`${base}/account`);
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    expect(await page.locator('main').textContent()).toContain(email);
    const after = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(after.credentials[0]!.signCount).toBeGreaterThan(0);

    // Removing it goes through a confirmation page (plain forms).
    await page.goto(`${base}/account/security/passkeys`);
    await page.getByRole('link', { name: 'Remove the passkey This laptop' }).click();
    await page.getByRole('heading', { name: 'Remove the passkey “This laptop”?' }).waitFor();
    await page.screenshot({ path: 'test-results/passkeys-remove.png', fullPage: true });
    // The sign-in page it lands on asks quietly again; the authenticator holds back, as a user would.
    await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: false });
    await page.getByRole('button', { name: 'Remove passkey' }).click();
    // This browser signed in with that passkey: its session went with it.
    await page.waitForURL(`${base}/account/sign-in?done=passkey-removed`);
    await page.getByText('The passkey is removed. This device had signed in with it').waitFor();
    expect((await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials).toHaveLength(1);

    expect(problems).toEqual([]);
    await closeStrictContext(context);
  });

  it('says plainly when the server refuses a passkey it does not know', async () => {
    const context = await newStrictContext(browser, { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    // A passkey this shop never saw: the browser offers it, the server refuses it.
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
    });
    await cdp.send('WebAuthn.addCredential', {
      authenticatorId,
      credential: {
        credentialId: Buffer.from('an unknown credential id 123456').toString('base64'),
        isResidentCredential: true,
        rpId: 'localhost',
        privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
        userHandle: Buffer.from('0123456789abcdef').toString('base64'),
        signCount: 1,
      },
    });
    await page.goto(`${base}/account/sign-in`);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await expect.poll(() => page.locator('.passkey-sign-in .error-summary').textContent()).toContain('That passkey could not sign you in');
    expect(page.url()).toBe(`${base}/account/sign-in`);
    await page.screenshot({ path: 'test-results/passkeys-sign-in-refused.png', fullPage: true });
    await closeStrictContext(context);
  });

  it('passes axe on the passkey pages', async () => {
    // axe is injected, which the CSP forbids: this context bypasses it (the CSP is proved above).
    const context = await newStrictContext(browser, { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/account/sign-in`);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).waitFor();
    expect(seriousViolations(await runAxe(page))).toEqual([]);

    const email = await createVerifiedAccount(t, newEmail('axe-passkey'));
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Password').fill(goodPassword);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await page.goto(`${base}/account/security/passkeys`);
    await page.getByRole('button', { name: 'Add a passkey' }).waitFor();
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.locator('.error-summary').waitFor();
    expect(seriousViolations(await runAxe(page))).toEqual([]);
    await closeStrictContext(context);
  });

  it('without JavaScript, keeps the passkey button hidden and the password sign-in working', async () => {
    // Playwright turns scripts off without changing the HTML parser's scripting flag, so <noscript> is not
    // rendered here; the HTTP tests check its words are in the page.
    const context = await newStrictContext(browser, { viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/account/sign-in`);
    expect(await page.locator('noscript').first().textContent()).toContain('Signing in with a passkey needs JavaScript');
    expect(await page.getByRole('button', { name: 'Sign in with a passkey' }).isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Sign in', exact: true }).isVisible()).toBe(true);
    const email = await createVerifiedAccount(t, newEmail('no-js-passkey'));
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Password').fill(goodPassword);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await page.goto(`${base}/account/security/passkeys`);
    expect(await page.getByRole('button', { name: 'Add a passkey' }).isVisible()).toBe(false);
    await page.screenshot({ path: 'test-results/passkeys-no-js.png', fullPage: true });
    await closeStrictContext(context);
  });

  it('reflows the passkeys page at 320 px without horizontal scrolling', async () => {
    const context = await newStrictContext(browser, { viewport: { width: 320, height: 800 } });
    const page = await context.newPage();
    const email = await createVerifiedAccount(t, newEmail('narrow-passkey'));
    await page.goto(`${base}/account/sign-in`);
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Password').fill(goodPassword);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await page.goto(`${base}/account/security/passkeys`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: 'test-results/passkeys-320.png', fullPage: true });
    await closeStrictContext(context);
  });
});
