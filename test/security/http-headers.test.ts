import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cspFor, permissionsPolicyFor } from '../../src/http/csp.js';
import { paymentPageCsp } from '../../src/http/payment-pages.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { counterValue, stripeEnv } from './security-helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ TRUST_PROXY: '127.0.0.1', CORS_ORIGINS: 'https://partner.example', ...stripeEnv }, { rules: 'shipped' });
  t.app.get('/checkout/test-pay', async (_request, reply) => reply.type('text/html; charset=utf-8').send('<!doctype html><p>pay</p>'));
});
afterAll(async () => t.close());

const securityHeaders = (headers: Record<string, unknown>) =>
  Object.fromEntries(
    [
      'content-security-policy', 'reporting-endpoints', 'permissions-policy', 'x-content-type-options', 'x-frame-options',
      'referrer-policy', 'cross-origin-opener-policy', 'cross-origin-resource-policy', 'strict-transport-security', 'x-powered-by',
    ].map((name) => [name, headers[name]]),
  );

describe('security headers', () => {
  it('puts the strict policy and headers on a storefront page', async () => {
    const res = await t.app.inject({ url: '/', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(200);
    expect(securityHeaders(res.headers)).toMatchInlineSnapshot(`
      {
        "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; report-uri /csp-report; report-to csp",
        "cross-origin-opener-policy": "same-origin",
        "cross-origin-resource-policy": "same-origin",
        "permissions-policy": "accelerometer=(), autoplay=(), bluetooth=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), hid=(), magnetometer=(), microphone=(), midi=(), screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=(), payment=(self)",
        "referrer-policy": "strict-origin-when-cross-origin",
        "reporting-endpoints": "csp="/csp-report"",
        "strict-transport-security": undefined,
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "x-powered-by": undefined,
      }
    `);
  });

  it('adds HSTS and upgrade-insecure-requests when the page is served over HTTPS (trusted proxy)', async () => {
    const res = await t.app.inject({ url: '/', headers: { accept: 'text/html', 'x-forwarded-proto': 'https' } });
    expect(res.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
    expect(String(res.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
  });

  it('gives JSON, errors and 404s a deny-all policy and the same headers', async () => {
    for (const url of ['/api/v1/categories', '/api/v1/products/nope', '/no-such-route']) {
      const res = await t.app.inject({ url });
      expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
    }
  });

  it('lets a CDN on a sibling host embed public media (CORP same-site)', async () => {
    const res = await t.app.inject({ url: '/media/none.png' });
    expect(res.headers['cross-origin-resource-policy']).toBe('same-site');
  });

  it('adds exactly the payment provider’s origins on a payment page, and nowhere else', async () => {
    const res = await t.app.inject({ url: '/checkout/test-pay' });
    expect(res.headers['content-security-policy']).toBe(paymentPageCsp({ origin: new URL(t.config.publicUrl).origin, scripts: t.security.paymentPages.scripts(), providers: ['stripe'], secure: false }));
    expect(String(res.headers['content-security-policy'])).toMatch(/script-src [^;]*https:\/\/js\.stripe\.com;/);
    expect(String(res.headers['content-security-policy'])).not.toContain('unsafe-inline');
    expect(res.headers['permissions-policy']).toBe(permissionsPolicyFor({ payments: ['stripe'] }));
    expect(String(res.headers['permissions-policy'])).toContain('payment=(self "https://js.stripe.com")');
    const home = await t.app.inject({ url: '/' });
    expect(String(home.headers['content-security-policy'])).not.toContain('stripe');
  });

  it('builds payment policies from the one origins list', () => {
    const both = cspFor({ payments: ['stripe', 'paypal'], secure: true });
    expect(both).toContain('frame-src https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com;');
    expect(both).toContain("connect-src 'self' https://api.stripe.com;");
    expect(both).toContain("form-action 'self' https://www.paypal.com https://www.sandbox.paypal.com;");
    expect(cspFor({ payments: ['test'] })).toBe(cspFor());
  });
});

describe('CORS', () => {
  const preflight = (url: string, origin: string) =>
    t.app.inject({ method: 'OPTIONS', url, headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });

  it('answers a preflight from an allowed origin for the API, without credentials', async () => {
    const res = await preflight('/api/v1/products/batch', 'https://partner.example');
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://partner.example');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('stays closed to other origins and outside the API', async () => {
    expect((await preflight('/api/v1/products/batch', 'https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
    expect((await preflight('/test/pay', 'https://partner.example')).headers['access-control-allow-origin']).toBeUndefined();
    const read = await t.app.inject({ url: '/api/v1/categories', headers: { origin: 'https://evil.example' } });
    expect(read.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('is closed entirely when CORS_ORIGINS is unset', async () => {
    const closed = await createTestApp({}, { database: t.database });
    try {
      const res = await closed.app.inject({ url: '/api/v1/categories', headers: { origin: 'https://partner.example' } });
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await closed.close();
    }
  });
});

describe('CSP reports', () => {
  const legacy = {
    'csp-report': {
      'document-uri': 'https://shop.example/account/reset?token=secret-token',
      'effective-directive': 'script-src-elem',
      'blocked-uri': 'https://evil.example/x.js?k=1',
      disposition: 'enforce',
      'line-number': 3,
    },
  };

  it('records a report-uri report: logged without query strings, counted by directive', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/csp-report', headers: { 'content-type': 'application/csp-report' }, payload: JSON.stringify(legacy) });
    expect(res.statusCode).toBe(204);
    const line = t.logs.find((l) => l.msg === 'CSP violation reported');
    expect(line?.csp).toEqual({ directive: 'script-src-elem', blocked: 'https://evil.example', documentPath: 'https://shop.example/account/reset', disposition: 'enforce', line: 3 });
    expect(JSON.stringify(t.logs)).not.toContain('secret-token');
    expect(await counterValue(t.metrics.registry, 'csp_violations_total', { directive: 'script-src-elem' })).toBe(1);
  });

  it('records Reporting API reports (application/reports+json)', async () => {
    const body = [{ type: 'csp-violation', url: 'https://shop.example/', body: { effectiveDirective: 'style-src-attr', blockedURL: 'inline', documentURL: 'https://shop.example/' } }];
    const res = await t.app.inject({ method: 'POST', url: '/csp-report', headers: { 'content-type': 'application/reports+json' }, payload: JSON.stringify(body) });
    expect(res.statusCode).toBe(204);
    expect(await counterValue(t.metrics.registry, 'csp_violations_total', { directive: 'style-src-attr' })).toBe(1);
  });

  it('refuses an oversized report', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/csp-report', headers: { 'content-type': 'application/csp-report' }, payload: JSON.stringify({ 'csp-report': { x: 'a'.repeat(10_000) } }) });
    expect(res.statusCode).toBe(413);
  });

  it('is rate-limited', async () => {
    const send = () => t.app.inject({ method: 'POST', url: '/csp-report', headers: { 'content-type': 'application/csp-report' }, payload: JSON.stringify(legacy), remoteAddress: '192.0.2.99' });
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await send()).statusCode);
    expect(statuses.slice(0, 20).every((s) => s === 204)).toBe(true);
    expect(statuses[20]).toBe(429);
  });
});
