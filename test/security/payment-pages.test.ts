import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildScriptInventory, inventoryText, securityDoc, securityDocWithTable } from '../../scripts/script-inventory.js';
import { paymentPageCsp, isPaymentPagePath } from '../../src/http/payment-pages.js';
import { scriptTags } from '../../src/modules/page-integrity/index.js';
import { readScriptInventory, scriptHeader, scriptInventoryFile, subresourceIntegrity } from '../../src/web/script-inventory.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { counterValue, stripeEnv } from './security-helpers.js';

/** The directives of a policy, by name. */
const directives = (policy: string): Map<string, string[]> =>
  new Map(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...sources]) => [name!, sources]));

const paymentWords = /stripe|paypal/i;

describe('the script inventory', () => {
  it('is committed exactly as the code produces it (run npm run scripts:inventory after changing a script)', () => {
    expect(readFileSync(scriptInventoryFile, 'utf8')).toBe(inventoryText(buildScriptInventory()));
  });

  it('is shown in docs/security.md exactly as committed', () => {
    const doc = readFileSync(securityDoc, 'utf8');
    expect(doc).toBe(securityDocWithTable(doc, buildScriptInventory()));
    expect(doc).toContain('| `https://js.stripe.com/v3/` | js.stripe.com (stripe) |');
  });

  it('gives every script a source and a purpose, and every payment-page script an integrity hash or the reason it has none', () => {
    const inventory = readScriptInventory();
    for (const s of [...inventory.paymentPageScripts, ...inventory.otherScripts]) {
      expect(s.source, s.src).not.toBe('');
      expect(s.purpose.length, s.src).toBeGreaterThan(10);
    }
    for (const s of inventory.paymentPageScripts) {
      expect(s.integrity ?? s.noIntegrityReason, s.src).toBeTruthy();
      expect(s.allowedBy, s.src).toBeTruthy();
      if (s.src.startsWith('/')) expect(s.integrity).toMatch(/^sha384-[A-Za-z0-9+/]{64}$/);
    }
    const stripe = inventory.paymentPageScripts.find((s) => s.src === 'https://js.stripe.com/v3/');
    expect(stripe).toMatchObject({ integrity: null, providers: ['stripe'] });
    expect(stripe?.noIntegrityReason).toMatch(/Subresource Integrity/);
    expect(inventory.scope).toEqual(['/checkout', '/checkout/*', '/pay/*']);
  });

  it('reads a script’s purpose from its first sentence and its payment-page mark from the header', () => {
    const source = '// Mounts the card form. More words here.\n// @payment-page the Stripe step needs it\n//\n// Details.\n(function () {})();\n';
    expect(scriptHeader(source)).toEqual({ purpose: 'Mounts the card form.', paymentPage: true });
    expect(scriptHeader('(function () {})();')).toBeUndefined();
    expect(scriptHeader('// Shows the picker.\nvar x;')).toEqual({ purpose: 'Shows the picker.', paymentPage: false });
    expect(scriptHeader('// Mounts Stripe.\n// @payment-page (stripe) its step\n')).toEqual({ purpose: 'Mounts Stripe.', paymentPage: true, providers: ['stripe'] });
  });

  it('puts /checkout, everything under it and everything under /pay/ in scope, and nothing else', () => {
    for (const path of ['/checkout', '/checkout?step=2', '/checkout/pay', '/pay/test/abc', '/pay/stripe/p_1']) expect(isPaymentPagePath(path), path).toBe(true);
    for (const path of ['/', '/checkouts', '/cart', '/pay', '/payment', '/account/orders/1', '/admin/orders']) expect(isPaymentPagePath(path), path).toBe(false);
  });
});

describe('payment pages served with PAYMENTS=stripe', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ ...stripeEnv });
    // A payment page as the payment step renders it: our layout's head, and Stripe.js.
    t.app.get('/pay/stripe/test-page', async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send('<!doctype html><html lang="en"><head><title>Pay</title><script src="https://js.stripe.com/v3/" defer></script></head><body><main><h1>Pay</h1></main></body></html>'),
    );
    // A payment page whose route sets a loose policy of its own: the payment pages' policy wins.
    t.app.get('/checkout/test-loose', async (_request, reply) =>
      reply.header('content-security-policy', "script-src * 'unsafe-inline'").type('text/html; charset=utf-8').send('<!doctype html><p>loose</p>'),
    );
    // A page outside the scope that asks for Stripe's origins by route: it must not get them.
    t.app.get('/account/test-wallet', { config: { csp: { payments: ['stripe'] } } }, async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send('<!doctype html><p>wallet</p>'),
    );
  });
  afterAll(async () => t.close());

  it('lists exactly the inventory’s scripts in script-src: own scripts by hash and URL, Stripe by its exact origin, nothing else', async () => {
    for (const url of ['/pay/stripe/test-page', '/checkout/does-not-exist', '/pay/test/not-a-token']) {
      const res = await t.app.inject({ url, headers: { accept: 'text/html' } });
      expect(String(res.headers['content-type'])).toMatch(/^text\/html/);
      const policy = String(res.headers['content-security-policy']);
      const inventory = readScriptInventory();
      const own = inventory.paymentPageScripts.filter((s) => s.src.startsWith('/')).map((s) => ({ path: s.src, integrity: s.integrity! }));
      expect(policy, url).toBe(paymentPageCsp({ origin: new URL(t.config.publicUrl).origin, scripts: own, providers: ['stripe'], secure: false }));
      const scriptSrc = directives(policy).get('script-src')!;
      const expected = [...own.map((s) => `'${s.integrity}'`), ...own.map((s) => `${new URL(t.config.publicUrl).origin}${s.path}`), 'https://js.stripe.com'];
      expect(scriptSrc, url).toEqual(expected);
      expect(policy).not.toMatch(/'self' https:\/\/js|'strict-dynamic'|'unsafe-inline'|'unsafe-eval'|\*\.js\.stripe\.com\s*;?\s*style/);
      expect(scriptSrc.some((s) => s.includes('*'))).toBe(false);
      expect(directives(policy).get('frame-src')).toEqual(['https://js.stripe.com', 'https://*.js.stripe.com', 'https://hooks.stripe.com']);
      expect(directives(policy).get('connect-src')).toEqual(["'self'", 'https://api.stripe.com']);
      expect(String(res.headers['permissions-policy'])).toContain('payment=(self "https://js.stripe.com")');
    }
  });

  it('gives pages outside /checkout and /pay/ no payment origin, even when their route asks for one', async () => {
    for (const url of ['/', '/cart', '/account/test-wallet', '/p/pocket-tee', '/no-such-page']) {
      const res = await t.app.inject({ url, headers: { accept: 'text/html' } });
      expect(String(res.headers['content-security-policy']), url).not.toMatch(paymentWords);
      expect(String(res.headers['permissions-policy']), url).not.toMatch(paymentWords);
      expect(directives(String(res.headers['content-security-policy'])).get('script-src'), url).toEqual(res.headers['content-type']?.toString().startsWith('text/html') ? ["'self'"] : undefined);
    }
  });

  it('overrides a policy a payment-page route sets itself', async () => {
    const res = await t.app.inject({ url: '/checkout/test-loose', headers: { accept: 'text/html' } });
    expect(res.body).toContain('loose');
    expect(String(res.headers['content-security-policy'])).not.toContain("'unsafe-inline'");
    expect(directives(String(res.headers['content-security-policy'])).get('script-src')).toContain('https://js.stripe.com');
  });

  it('writes integrity and crossorigin on the storefront’s script tags, matching the bytes served', async () => {
    const res = await t.app.inject({ url: '/p/single-origin-beans', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(200);
    const tags = scriptTags(res.body).filter((tag) => tag.src !== undefined);
    expect(tags.length).toBeGreaterThan(0);
    expect(res.body).toMatch(/<script src="\/assets\/variant-picker\.[0-9a-f]{12}\.js" integrity="sha384-[^"]+" crossorigin="anonymous" defer>/);
    for (const tag of tags) {
      const script = await t.app.inject({ url: tag.src! });
      expect(script.statusCode).toBe(200);
      expect(tag.integrity).toBe(subresourceIntegrity(script.rawPayload));
    }
  });

  it('counts CSP reports from payment pages in their own metric and logs them at error', async () => {
    const report = (documentUri: string) => ({
      'csp-report': { 'document-uri': documentUri, 'effective-directive': 'script-src-elem', 'blocked-uri': 'https://skimmer.example/s.js', disposition: 'enforce' },
    });
    const send = (documentUri: string) =>
      t.app.inject({ method: 'POST', url: '/csp-report', headers: { 'content-type': 'application/csp-report' }, payload: JSON.stringify(report(documentUri)), remoteAddress: '192.0.2.10' });
    expect((await send('http://localhost:3000/checkout/pay?token=secret')).statusCode).toBe(204);
    expect((await send('http://localhost:3000/pay/test/abc')).statusCode).toBe(204);
    expect((await send('http://localhost:3000/cart')).statusCode).toBe(204);
    expect(await counterValue(t.metrics.registry, 'payment_page_csp_violations_total', { directive: 'script-src-elem' })).toBe(2);
    expect(await counterValue(t.metrics.registry, 'csp_violations_total', { directive: 'script-src-elem' })).toBe(3);
    const errors = t.logs.filter((l) => l.msg === 'CSP violation reported on a payment page');
    expect(errors).toHaveLength(2);
    expect(errors.every((l) => l.level === 50)).toBe(true);
    expect(errors[0]?.csp).toMatchObject({ documentPath: 'http://localhost:3000/checkout/pay', blocked: 'https://skimmer.example' });
    expect(JSON.stringify(t.logs)).not.toContain('secret');
  });
});

describe('payment pages with the test gateway only', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('names no provider at all, and no script beyond our own payment-page scripts', async () => {
    const res = await t.app.inject({ url: '/checkout/does-not-exist', headers: { accept: 'text/html' } });
    const policy = String(res.headers['content-security-policy']);
    expect(policy).not.toMatch(paymentWords);
    // The Stripe step's own script is a payment-page script for Stripe only.
    const own = readScriptInventory().paymentPageScripts.filter((s) => s.src.startsWith('/') && s.providers === undefined);
    expect(directives(policy).get('script-src')).toEqual(own.length === 0 ? ["'none'"] : expect.arrayContaining(own.map((s) => `'${s.integrity}'`)));
    expect(directives(policy).get('form-action')).toEqual(["'self'"]);
  });

  it('lets a PayPal approval redirect leave the checkout form (form-action names PayPal exactly) only with PAYMENTS=paypal', () => {
    const policy = paymentPageCsp({ origin: 'https://shop.example', scripts: [], providers: ['paypal'], secure: true });
    expect(directives(policy).get('form-action')).toEqual(["'self'", 'https://www.paypal.com', 'https://www.sandbox.paypal.com']);
    expect(directives(policy).get('script-src')).toEqual(["'none'"]);
    expect(directives(policy).get('frame-src')).toEqual(["'none'"]);
  });
});
