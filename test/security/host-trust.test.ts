import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let proxied: TestApp;
beforeAll(async () => {
  t = await createTestApp({ PUBLIC_URL: 'https://shop.example' });
  proxied = await createTestApp({ PUBLIC_URL: 'https://shop.example', TRUST_PROXY: '127.0.0.1' }, { database: t.database, keyRing: t.keyRing });
});
afterAll(async () => {
  await proxied.close();
  await t.close();
});

const problemOf = (res: { statusCode: number; json<T>(): T }) => [res.statusCode, res.json<{ code: string }>().code];
const signUpForm = (host: string, origin: string) =>
  t.app.inject({
    method: 'POST', url: '/account/sign-up', payload: 'email=victim%40example.com&password=linen-teapot-harbour-41',
    headers: { host, origin, 'content-type': 'application/x-www-form-urlencoded' },
  });

describe('the shop answers only to its own host names', () => {
  it('refuses a foreign Host with 400 HOST_NOT_ALLOWED before anything runs, and still serves its own names', async () => {
    const refused = await t.app.inject({ url: '/', headers: { host: 'evil.example' } });
    expect(problemOf(refused)).toEqual([400, 'HOST_NOT_ALLOWED']);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    for (const host of ['shop.example', 'SHOP.example:8443', 'localhost:3000', '127.0.0.1']) {
      expect((await t.app.inject({ url: '/', headers: { host } })).statusCode, host).toBe(200);
    }
  });

  it('keeps a DNS-rebinding page out of the development mailbox', async () => {
    const mails = (await t.app.inject({ url: '/dev/mailbox', headers: { host: 'localhost:3000' } })).statusCode;
    expect(mails).toBe(200);
    const rebound = await t.app.inject({ url: '/dev/mailbox', headers: { host: 'rebind.attacker.example:3000' } });
    expect(problemOf(rebound)).toEqual([400, 'HOST_NOT_ALLOWED']);
    expect(rebound.body).not.toContain('/account/reset');
  });

  it('refuses a cross-site form post that names the attacker as both Host and Origin, and changes nothing', async () => {
    const jobs = async () => (await t.database.db.selectFrom('outbox_job').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n;
    const before = await jobs();
    expect(problemOf(await signUpForm('evil.example', 'http://evil.example'))).toEqual([400, 'HOST_NOT_ALLOWED']);
    // With our own Host, the attacker's Origin is judged against PUBLIC_URL, never the request's Host.
    expect(problemOf(await signUpForm('shop.example', 'http://evil.example'))).toEqual([403, 'CSRF_REJECTED']);
    expect(problemOf(await signUpForm('localhost', 'https://shop.example.evil.example'))).toEqual([403, 'CSRF_REJECTED']);
    expect(await jobs()).toBe(before);
  });

  it('believes X-Forwarded-Host only from a trusted proxy, and checks it like Host', async () => {
    const from = (remoteAddress: string, forwarded: string) =>
      proxied.app.inject({ url: '/', remoteAddress, headers: { host: 'localhost', 'x-forwarded-host': forwarded, 'x-forwarded-proto': 'https' } });
    expect((await from('127.0.0.1', 'shop.example')).statusCode).toBe(200);
    expect(problemOf(await from('127.0.0.1', 'evil.example'))).toEqual([400, 'HOST_NOT_ALLOWED']);
    // From an untrusted client the header is ignored: the Host (a loopback name in test) decides.
    expect((await from('203.0.113.5', 'evil.example')).statusCode).toBe(200);
  });
});

describe('in production', () => {
  it('answers loopback names only through ALLOWED_HOSTS, health checks always, and /metrics only with the token', async () => {
    const token = 'a-long-enough-metrics-token-5678';
    const prod = await createTestApp(
      { NODE_ENV: 'production', PAYMENTS_TEST_IN_PRODUCTION: 'allow', PUBLIC_URL: 'https://shop.example', CSRF_SECRET: 'x'.repeat(40), ALLOWED_HOSTS: 'internal.shop.example', METRICS_TOKEN: token },
      { database: t.database, keyRing: t.keyRing },
    );
    const noToken = await createTestApp({ NODE_ENV: 'production', PAYMENTS_TEST_IN_PRODUCTION: 'allow', CSRF_SECRET: 'x'.repeat(40) }, { database: t.database, keyRing: t.keyRing });
    try {
      expect(problemOf(await prod.app.inject({ url: '/', headers: { host: 'localhost' } }))).toEqual([400, 'HOST_NOT_ALLOWED']);
      expect((await prod.app.inject({ url: '/', headers: { host: 'internal.shop.example' } })).statusCode).toBe(200);
      // The load balancer names the instance by its address.
      expect((await prod.app.inject({ url: '/healthz', headers: { host: '10.0.3.17:3000' } })).statusCode).toBe(200);
      // A same-host peer (everyone, behind a reverse proxy on this host) gets nothing without the token.
      const scrape = await noToken.app.inject({ url: '/metrics', remoteAddress: '127.0.0.1' });
      expect(problemOf(scrape)).toEqual([403, 'METRICS_FORBIDDEN']);
      expect(scrape.body).not.toContain('http_requests_total');
      const withToken = await prod.app.inject({ url: '/metrics', headers: { host: 'shop.example', authorization: `Bearer ${token}` } });
      expect(withToken.statusCode).toBe(200);
    } finally {
      await noToken.close();
      await prod.close();
    }
  });
});
