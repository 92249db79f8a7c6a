import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifiedAccount, goodPassword, newEmail, tokenFromMail } from '../support/accounts.js';
import { FormBrowser } from '../support/form-browser.js';
import { createSignedInStaff } from '../support/staff.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
/** The same shop with request limits far away, so the throttle's own lock is what a test meets. */
let bare: TestApp;
beforeAll(async () => {
  // The shipped limits: the per-IP and per-account ceilings are part of the defence being shown.
  t = await createTestApp({}, { rules: 'shipped' });
  bare = await createTestApp({}, { database: t.database, keyRing: t.keyRing });
});
afterAll(async () => {
  await bare.close();
  await t.close();
});

const wrong = 'not-the-password-99';
/** The `name=value` of a cookie the response sets. */
function cookieFrom(res: LightMyRequestResponse, name: string): string | undefined {
  const header = res.headers['set-cookie'];
  const all = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return all.map((c) => c.split(';')[0]!).find((pair) => pair.startsWith(`${name}=`) && pair.length > name.length + 1);
}
const signIn = (email: string, password: string, ip: string, cookie?: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password }, remoteAddress: ip, headers: cookie ? { cookie } : {} });
/** 2,000 wrong guesses, each from its own address (a botnet): refused every time, whatever the reason. */
async function flood(email: string, path: 'api' | 'page' = 'api'): Promise<void> {
  // The page form's token, fetched once as a real browser would, then replayed from every address.
  const form = path === 'page' ? new FormBrowser(t.app) : undefined;
  if (form) await form.get('/admin/sign-in');
  const csrf = form ? /name="_csrf" value="([^"]+)"/.exec(form.lastPage)![1]! : '';
  for (let i = 0; i < 2000; i++) {
    const ip = `10.${(i >> 8) & 255}.${i & 255}.${7 + (i % 3)}`;
    const res =
      path === 'api'
        ? await signIn(email, wrong, ip)
        : await t.app.inject({
            method: 'POST', url: '/admin/sign-in', remoteAddress: ip,
            payload: new URLSearchParams({ _csrf: csrf, email, password: wrong }).toString(),
            headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...form!.cookieHeader },
          });
    expect([i, res.statusCode === 401 || res.statusCode === 429 || (path === 'page' && res.statusCode === 400)]).toEqual([i, true]);
  }
}

describe('sign-in throttling cannot lock the owner out', () => {
  it('thousands of wrong guesses from other clients leave the owner’s known client signing in; unknown clients stay throttled', async () => {
    const email = await createVerifiedAccount(t);
    const first = await signIn(email, goodPassword, '192.0.2.10');
    expect(first.statusCode).toBe(200);
    const device = cookieFrom(first, 'device');
    expect(device).toMatch(/^device=[0-9a-f-]{36}\.[A-Za-z0-9_-]{22}\.[0-9a-f]{32}$/);
    expect(String(first.headers['set-cookie'])).toMatch(/device=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax/);

    await flood(email);

    // The owner, from the client they signed in with before: the right password works at once.
    const owner = await signIn(email, goodPassword, '192.0.2.10', device);
    expect(owner.statusCode).toBe(200);
    expect(owner.json()).toMatchObject({ status: 'signed_in' });
    // The same from a new address (a phone changing networks): the cookie, not the address, is the budget.
    expect((await signIn(email, goodPassword, '198.51.100.200', device)).statusCode).toBe(200);

    // An attacker without the cookie is refused even with the right password, and gets no session.
    const attacker = await signIn(email, goodPassword, '203.0.113.99');
    expect(attacker.statusCode).toBe(429);
    expect(['RATE_LIMITED', 'AUTH_TOO_MANY_ATTEMPTS']).toContain(attacker.json<{ code: string }>().code);
    expect(cookieFrom(attacker, 'session')).toBeUndefined();
    // A device cookie of another account, or a forged one, is no better.
    const other = await createVerifiedAccount(t);
    const otherDevice = cookieFrom(await signIn(other, goodPassword, '192.0.2.11'), 'device')!;
    const [, userId] = /^device=([^.]+)/.exec(device!)!;
    for (const cookie of [otherDevice, `device=${userId}.${'A'.repeat(22)}.${'0'.repeat(32)}`]) {
      expect((await signIn(email, goodPassword, '203.0.113.98', cookie)).statusCode).toBe(429);
    }
  });

  it('a known client still has a budget of its own: guessing with a stolen device cookie is throttled too', async () => {
    const email = await createVerifiedAccount(t);
    const device = cookieFrom(await signIn(email, goodPassword, '192.0.2.20'), 'device')!;
    for (let i = 0; i < 5; i++) expect((await signIn(email, wrong, '192.0.2.20', device)).statusCode).toBe(401);
    const locked = await signIn(email, goodPassword, '192.0.2.20', device);
    expect([locked.statusCode, locked.json<{ code: string }>().code]).toEqual([429, 'AUTH_TOO_MANY_ATTEMPTS']);
  });

  it('a completed reset clears the lock, so the owner signs in from a new client', async () => {
    const email = await createVerifiedAccount(bare);
    const at = (ip: string, password: string) => bare.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password }, remoteAddress: ip });
    for (let i = 0; i < 40; i++) expect((await at(`10.200.${i}.1`, wrong)).statusCode).toBeGreaterThanOrEqual(401);
    const before = await at('198.51.100.50', goodPassword);
    expect([before.statusCode, before.json<{ code: string }>().code]).toEqual([429, 'AUTH_TOO_MANY_ATTEMPTS']);
    expect(cookieFrom(before, 'session')).toBeUndefined();
    await bare.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/request', payload: { email }, remoteAddress: '198.51.100.50' });
    const token = await tokenFromMail(bare, email, '/account/reset');
    const newPassword = 'fresh-orchard-lantern-58';
    const reset = await bare.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/confirm', payload: { token, password: newPassword }, remoteAddress: '198.51.100.50' });
    expect(reset.statusCode).toBe(200);
    expect((await at('198.51.100.50', newPassword)).statusCode).toBe(200);
  });

  it('an unknown address is throttled exactly like a known one (no enumeration through the lock)', async () => {
    const nobody = newEmail('nobody');
    for (let i = 0; i < 5; i++) expect((await signIn(nobody, wrong, '192.0.2.30')).statusCode).toBe(401);
    const locked = await signIn(nobody, wrong, '192.0.2.30');
    expect([locked.statusCode, locked.json<{ code: string }>().code]).toEqual([429, 'AUTH_TOO_MANY_ATTEMPTS']);
  });

  it('the back-office sign-in page keeps a staff owner’s known browser signing in through a flood', async () => {
    const owner = await createSignedInStaff(t, 'owner');
    const browser = new FormBrowser(t.app);
    await browser.get('/admin/sign-in');
    const first = await browser.post('/admin/sign-in', { email: owner.email, password: goodPassword });
    expect([first.statusCode, first.headers.location]).toEqual([303, '/admin/mfa']);
    expect(browser.cookies.get('device')).toBeDefined();

    await flood(owner.email, 'page');

    await browser.get('/admin/sign-in');
    const again = await browser.post('/admin/sign-in', { email: owner.email, password: goodPassword });
    expect([again.statusCode, again.headers.location]).toEqual([303, '/admin/mfa']);
    // A browser without the cookie is refused with the right password.
    const stranger = new FormBrowser(t.app);
    await stranger.get('/admin/sign-in');
    const refused = await stranger.post('/admin/sign-in', { email: owner.email, password: goodPassword });
    expect(refused.statusCode).toBe(429);
    expect(stranger.cookies.get('session')).toBeUndefined();
  });
});
