import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({}, { rules: 'shipped' });
});
afterAll(async () => t.close());

const from = (ip: string) => ({ remoteAddress: ip });

describe('form rate limits count submissions, not views of the form', () => {
  it('never refuses a shopper who reloads the sign-in, sign-up, reset and back-office sign-in forms', async () => {
    for (const url of ['/account/sign-in', '/account/sign-up', '/account/reset', '/admin/sign-in']) {
      for (let i = 1; i <= 25; i++) {
        const res = await t.app.inject({ url, ...from('203.0.113.30') });
        expect([url, i, res.statusCode]).toEqual([url, i, 200]);
      }
    }
  });

  it('still limits the submissions: the eleventh sign-in post in a minute is refused', async () => {
    const ip = '203.0.113.31';
    // A bare post the limiter lets through is refused by the body schema (400), never 429.
    for (let i = 1; i <= 10; i++) expect((await t.app.inject({ method: 'POST', url: '/account/sign-in', ...from(ip) })).statusCode).toBe(400);
    const refused = await t.app.inject({ method: 'POST', url: '/account/sign-in', ...from(ip) });
    expect([refused.statusCode, refused.json<{ code: string }>().code]).toEqual([429, 'RATE_LIMITED']);
    // Viewing the form is still fine for the same client.
    expect((await t.app.inject({ url: '/account/sign-in', ...from(ip) })).statusCode).toBe(200);
  });

  it('limits reset requests the same way while the reset form stays viewable', async () => {
    const ip = '203.0.113.32';
    for (let i = 1; i <= 10; i++) expect((await t.app.inject({ method: 'POST', url: '/account/reset', ...from(ip) })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'POST', url: '/account/reset', ...from(ip) })).statusCode).toBe(429);
    expect((await t.app.inject({ url: '/account/reset', ...from(ip) })).statusCode).toBe(200);
  });
});
