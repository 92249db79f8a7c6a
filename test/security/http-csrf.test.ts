import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCookie } from '../../src/http/csrf.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { counterValue } from './security-helpers.js';

let t: TestApp;
let changes = 0;
beforeAll(async () => {
  t = await createTestApp({ PUBLIC_URL: 'https://shop.example', CORS_ORIGINS: 'https://partner.example', TRUST_PROXY: '127.0.0.1' });
  // Test-only routes: a page with a form, and the state-changing endpoint it posts to.
  t.app.get('/test/form', async (request, reply) => reply.type('text/html; charset=utf-8').send(`<form method="post"><input name="_csrf" value="${t.security.csrf.token(request)}"></form>`));
  t.app.post('/test/form', async (request) => {
    changes += 1;
    return { received: request.body };
  });
});
afterAll(async () => t.close());

const batch = { slugs: ['organic-cotton-tee'] };

/** The refusal every CSRF check gives: 403, a problem document, code CSRF_REJECTED. */
function expectCsrfRefusal(res: { statusCode: number; headers: Record<string, unknown>; json<T>(): T }, label?: string): void {
  expect(res.statusCode, label).toBe(403);
  expect(String(res.headers['content-type']), label).toMatch(/^application\/problem\+json/);
  expect(res.json(), label).toMatchObject({ status: 403, code: 'CSRF_REJECTED' });
}

/** Loads the form page like a browser and returns the cookie to send back and the token in the form. */
async function loadForm(headers: Record<string, string> = {}): Promise<{ cookie: string; token: string; setCookie: string }> {
  const page = await t.app.inject({ url: '/test/form', headers });
  const setCookie = String(page.headers['set-cookie']);
  const [pair = ''] = setCookie.split(';');
  const token = /value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  return { cookie: pair, token, setCookie };
}

describe('cross-site requests', () => {
  it('refuses a cross-site POST (Sec-Fetch-Site) with 403 problem+json, and changes nothing', async () => {
    const before = changes;
    const res = await t.app.inject({
      method: 'POST',
      url: '/test/form',
      headers: { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example', 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 403, code: 'CSRF_REJECTED' });
    expect(changes).toBe(before);
    expect(await counterValue(t.metrics.registry, 'http_requests_blocked_total', { reason: 'csrf' })).toBeGreaterThanOrEqual(1);
  });

  it('refuses a cross-site POST to the JSON API by Origin alone (older browsers send no Sec-Fetch-Site)', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/products/batch', headers: { origin: 'https://evil.example' }, payload: batch });
    expectCsrfRefusal(res);
  });

  it('refuses a same-site (sibling subdomain) POST and an opaque `Origin: null` one, to the API and to a form route', async () => {
    const before = changes;
    for (const headers of [{ 'sec-fetch-site': 'same-site', origin: 'https://blog.shop.example' }, { origin: 'null' }]) {
      expectCsrfRefusal(await t.app.inject({ method: 'POST', url: '/api/v1/products/batch', headers, payload: batch }), JSON.stringify(headers));
      expectCsrfRefusal(await t.app.inject({ method: 'POST', url: '/test/form', headers, payload: {} }), JSON.stringify(headers));
    }
    expect(changes).toBe(before);
  });

  it('accepts a same-origin API call, by PUBLIC_URL or by the host it was sent to', async () => {
    const same = await t.app.inject({
      method: 'POST',
      url: '/api/v1/products/batch',
      headers: { origin: 'https://shop.example', 'sec-fetch-site': 'same-origin' },
      payload: batch,
    });
    expect(same.statusCode).toBe(200);
    // Sent to localhost:80, with the origin written as browsers write it (no default port).
    const local = await t.app.inject({ method: 'POST', url: '/api/v1/products/batch', headers: { origin: 'http://localhost' }, payload: batch });
    expect(local.statusCode).toBe(200);
  });

  it('accepts an API call without Origin or cookies (curl, a server, a mobile app)', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/products/batch', payload: batch })).statusCode).toBe(200);
  });

  it('accepts a cookie-less API call from a CORS_ORIGINS origin, but not one carrying cookies', async () => {
    const headers = { origin: 'https://partner.example', 'sec-fetch-site': 'cross-site' };
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/products/batch', headers, payload: batch })).statusCode).toBe(200);
    const withCookie = await t.app.inject({ method: 'POST', url: '/api/v1/products/batch', headers: { ...headers, cookie: 'session=abc' }, payload: batch });
    expectCsrfRefusal(withCookie);
    // The allow-list opens the API only: a page route stays closed to that origin.
    const before = changes;
    expectCsrfRefusal(await t.app.inject({ method: 'POST', url: '/test/form', headers, payload: {} }));
    expect(changes).toBe(before);
  });

  it('never checks safe methods', async () => {
    expect((await t.app.inject({ url: '/api/v1/categories', headers: { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' } })).statusCode).toBe(200);
  });
});

describe('form tokens', () => {
  it('sets an HttpOnly SameSite=Lax csrf cookie with the first form over plain HTTP', async () => {
    const page = await t.app.inject({ url: '/test/form' });
    expect(String(page.headers['set-cookie'])).toMatch(/^csrf=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    // Never cached by a CDN with someone's cookie in it.
    expect(page.headers['cache-control']).toBe('private, no-store');
    // A browser that has the cookie is not given another.
    const { cookie } = await loadForm();
    expect((await t.app.inject({ url: '/test/form', headers: { cookie } })).headers['set-cookie']).toBeUndefined();
  });

  it('uses a Secure __Host- cookie when the request is HTTPS (via a trusted proxy)', async () => {
    const { setCookie } = await loadForm({ 'x-forwarded-proto': 'https' });
    expect(setCookie).toMatch(/^__Host-csrf=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Secure$/);
  });

  it('accepts a same-origin form post with the token, and hides the token from the route', async () => {
    const { cookie, token } = await loadForm();
    const res = await t.app.inject({
      method: 'POST',
      url: '/test/form',
      headers: { cookie, origin: 'https://shop.example', 'sec-fetch-site': 'same-origin', 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: token, quantity: '2' }).toString(),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: { quantity: '2' } });
  });

  it('accepts the token in the X-CSRF-Token header too', async () => {
    const { cookie, token } = await loadForm();
    const res = await t.app.inject({
      method: 'POST',
      url: '/test/form',
      headers: { cookie, 'x-csrf-token': token, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'quantity=1',
    });
    expect(res.statusCode).toBe(200);
  });

  it('refuses a form post without a token, with a wrong token, with another browser’s token, or without the cookie', async () => {
    const mine = await loadForm();
    const theirs = await loadForm();
    const form = (cookie: string | undefined, token: string | undefined) =>
      t.app.inject({
        method: 'POST',
        url: '/test/form',
        headers: { ...(cookie ? { cookie } : {}), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ ...(token !== undefined ? { _csrf: token } : {}), quantity: '1' }).toString(),
      });
    const before = changes;
    for (const res of [
      await form(mine.cookie, undefined),
      await form(mine.cookie, 'A'.repeat(43)),
      await form(mine.cookie, theirs.token),
      await form(undefined, mine.token),
    ]) {
      expectCsrfRefusal(res);
    }
    expect(changes).toBe(before);
  });

  it('binds a form token to the session it was made in: after sign-in (or in another session) it is refused', async () => {
    const anonymous = await loadForm();
    const sessionA = `session=${'a'.repeat(43)}`;
    const sessionB = `session=${'b'.repeat(43)}`;
    const inA = await loadForm({ cookie: `${anonymous.cookie}; ${sessionA}` });
    const post = (cookie: string, token: string) =>
      t.app.inject({
        method: 'POST',
        url: '/test/form',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: token, quantity: '1' }).toString(),
      });
    // The csrf cookie is the same browser's in every case; only the session differs.
    const before = changes;
    expectCsrfRefusal(await post(`${anonymous.cookie}; ${sessionA}`, anonymous.token), 'the anonymous token in session A');
    expectCsrfRefusal(await post(`${anonymous.cookie}; ${sessionB}`, inA.token), 'session A’s token in session B');
    expectCsrfRefusal(await post(anonymous.cookie, inA.token), 'session A’s token without a session');
    expect(changes).toBe(before);
    expect((await post(`${anonymous.cookie}; ${sessionA}`, inA.token)).statusCode).toBe(200);
    expect(changes).toBe(before + 1);
  });

  it('refuses an HTTP cookie on an HTTPS request, so a cookie planted over plain HTTP is useless', async () => {
    const { cookie, token } = await loadForm();
    const before = changes;
    const res = await t.app.inject({
      method: 'POST',
      url: '/test/form',
      headers: { cookie, 'x-forwarded-proto': 'https', 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: token }).toString(),
    });
    expectCsrfRefusal(res);
    expect(changes).toBe(before);
  });

  it('refuses a text/plain "form" (the enctype attackers use to fake JSON) without a token', async () => {
    const before = changes;
    const res = await t.app.inject({ method: 'POST', url: '/test/form', headers: { 'content-type': 'text/plain' }, payload: '{"a":1}' });
    expectCsrfRefusal(res);
    expect(changes).toBe(before);
  });

  it('reads cookies by exact name', () => {
    expect(readCookie('a=1; csrf=two; xcsrf=3', 'csrf')).toBe('two');
    expect(readCookie('xcsrf=3', 'csrf')).toBeUndefined();
  });
});
