import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createLocalObjectStore } from '../../src/adapters/storage/local.js';
import { loadConfig } from '../../src/config.js';
import { createMemoryCounterStore } from '../../src/adapters/cache/memory.js';
import { createRedisCounterStore } from '../../src/adapters/cache/redis.js';
import { rateLimitKeys } from '../../src/http/rate-limit.js';
import { matchingRules } from '../../src/http/rate-limit-rules.js';
import type { CounterStore } from '../../src/adapters/cache/counter-store.js';
import { goodPassword, newEmail, tokenFromMail } from '../support/accounts.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { openTestDatabase } from '../support/test-database.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import { counterValue, writeRules } from './security-helpers.js';

const rules = [
  { name: 'sign-in', class: 'auth', pathPrefix: '/account/sign-in', limit: 3, windowSeconds: 60 },
  { name: 'api', class: 'api', pathPrefix: '/api/', limit: 5, windowSeconds: 60 },
  { name: 'search', class: 'search', pathPrefix: '/search', limit: 2, windowSeconds: 1 },
];

let database: DatabaseHandle;
let t: TestApp;
let rulesFile: string;
// The counters' clock: windows end when a test moves it, not when real time passes.
let counterClock = 1_000_000;
let counterStore: CounterStore;
beforeAll(async () => {
  database = await openTestDatabase();
  rulesFile = await writeRules(rules);
  counterStore = createMemoryCounterStore({ now: () => counterClock });
  t = await createTestApp({ RATE_LIMITS_FILE: rulesFile, IP_ALLOWLIST: '198.51.100.7' }, { database, counterStore });
  // A sign-in step that learns the account from the body, as the auth routes do.
  t.app.post<{ Body: { account: string } }>('/account/sign-in/probe', async (request, reply) => {
    await t.security.rateLimiter.check(request, reply, { ip: request.ip, accountId: request.body.account });
    return { ok: true };
  });
});
afterAll(async () => {
  await t.close();
  await database.close();
});

const from = (ip: string) => ({ remoteAddress: ip });

/**
 * A bare POST to /account/sign-in (no body) that the limiter let through reaches the route's body schema
 * and is refused there: 400 VALIDATION_FAILED, never 429.
 */
function expectPastTheLimiter(res: { statusCode: number; json<T>(): T }, label?: string): void {
  expect([res.statusCode, res.json<{ code: string }>().code], label).toEqual([400, 'VALIDATION_FAILED']);
}

describe('rate limits by route class', () => {
  it('answers 429 problem+json with Retry-After once a client passes a rule, and counts it', async () => {
    const ip = '203.0.113.10';
    for (let i = 0; i < 3; i++) {
      expectPastTheLimiter(await t.app.inject({ method: 'POST', url: '/account/sign-in', ...from(ip) }), `request ${i + 1}`);
    }
    const res = await t.app.inject({ method: 'POST', url: '/account/sign-in', ...from(ip) });
    expect(res.statusCode).toBe(429);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    const retryAfter = Number(res.headers['retry-after']);
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    expect(res.headers['ratelimit-limit']).toBe('3');
    expect(await counterValue(t.metrics.registry, 'http_rate_limited_total', { rule: 'sign-in', class: 'auth' })).toBeGreaterThanOrEqual(1);
    expect(await counterValue(t.metrics.registry, 'http_requests_blocked_total', { reason: 'rate_limit' })).toBeGreaterThanOrEqual(1);
  });

  it('counts each client address separately', async () => {
    for (let i = 0; i < 4; i++) await t.app.inject({ method: 'POST', url: '/account/sign-in', ...from('203.0.113.20') });
    const other = await t.app.inject({ method: 'POST', url: '/account/sign-in', ...from('203.0.113.21') });
    expectPastTheLimiter(other);
    expect((await t.app.inject({ method: 'POST', url: '/account/sign-in', ...from('203.0.113.20') })).statusCode).toBe(429);
  });

  it('counts each rule separately: a client limited on sign-in can still browse the API', async () => {
    const ip = '203.0.113.30';
    for (let i = 0; i < 4; i++) await t.app.inject({ method: 'POST', url: '/account/sign-in', ...from(ip) });
    expect((await t.app.inject({ url: '/api/v1/categories', ...from(ip) })).statusCode).toBe(200);
  });

  it('limits the API class and cannot be dodged by changing case or percent-encoding', async () => {
    const ip = '203.0.113.40';
    for (let i = 0; i < 5; i++) expect((await t.app.inject({ url: '/api/v1/categories', ...from(ip) })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/API/v1/categories', ...from(ip) })).statusCode).toBe(429);
    expect((await t.app.inject({ url: '/%61pi/v1/categories', ...from(ip) })).statusCode).toBe(429);
  });

  it('counts an IPv6 client per /64, so rotating addresses inside it does not help', async () => {
    for (let i = 1; i <= 5; i++) await t.app.inject({ url: '/api/v1/categories', ...from(`2001:db8:1:2::${i}`) });
    expect((await t.app.inject({ url: '/api/v1/categories', ...from('2001:db8:1:2:ffff::9') })).statusCode).toBe(429);
    expect((await t.app.inject({ url: '/api/v1/categories', ...from('2001:db8:1:3::1') })).statusCode).toBe(200);
  });

  it('also counts per account once a route knows it, without counting the address twice', async () => {
    const signIn = (ip: string, account: string) =>
      t.app.inject({ method: 'POST', url: '/account/sign-in/probe', payload: { account }, ...from(ip) });
    // Three different accounts from one address: three counts on that address, not six.
    for (const account of ['a1', 'a2', 'a3']) expect((await signIn('203.0.113.80', account)).statusCode).toBe(200);
    // One account guessed from three addresses, then a fourth: the account's own limit holds.
    for (const ip of ['203.0.113.81', '203.0.113.82', '203.0.113.83']) expect((await signIn(ip, 'victim')).statusCode).toBe(200);
    const res = await signIn('203.0.113.84', 'victim');
    expect(res.statusCode).toBe(429);
    expect(res.json()).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('counts a signed-in account across addresses, so it cannot spread its requests over many IPs', async () => {
    const email = newEmail();
    await t.auth.signUp({ email, password: goodPassword });
    await t.auth.verifyEmail(await tokenFromMail(t, email, '/account/verify-email'));
    const { token } = await t.auth.signIn({ email, password: goodPassword }, undefined);
    const cookie = `session=${token}`;
    for (let i = 1; i <= 5; i++) expect((await t.app.inject({ url: '/api/v1/categories', headers: { cookie }, ...from(`198.18.0.${i}`) })).statusCode).toBe(200);
    const refused = await t.app.inject({ url: '/api/v1/categories', headers: { cookie }, ...from('198.18.0.6') });
    expect([refused.statusCode, refused.json<{ code: string }>().code]).toEqual([429, 'RATE_LIMITED']);
    // No session from a fresh address is counted on its own.
    expect((await t.app.inject({ url: '/api/v1/categories', ...from('198.18.0.7') })).statusCode).toBe(200);
  });

  it('mints no counter for a session cookie the server never issued', async () => {
    const hits = vi.spyOn(counterStore, 'hit');
    const res = await t.app.inject({ url: '/api/v1/categories', headers: { cookie: `session=${'s'.repeat(43)}` }, ...from('198.18.1.1') });
    expect(res.statusCode).toBe(200);
    const keys = hits.mock.calls.flatMap(([entries]) => entries.map((e) => e.key));
    hits.mockRestore();
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k.includes(':ip:'))).toBe(true);
  });

  it('lets the count start again when the window ends', async () => {
    const ip = '203.0.113.50';
    for (let i = 0; i < 2; i++) await t.app.inject({ url: '/search?q=mug', ...from(ip) });
    const limited = await t.app.inject({ url: '/search?q=mug', ...from(ip) });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    counterClock += 999;
    expect((await t.app.inject({ url: '/search?q=mug', ...from(ip) })).statusCode).toBe(429);
    counterClock += 1;
    // Counted again, and past the limiter: the search page answers.
    expect((await t.app.inject({ url: '/search?q=mug', ...from(ip) })).statusCode).toBe(200);
  });

  it('never limits exempt paths or IP_ALLOWLIST addresses', async () => {
    for (let i = 0; i < 10; i++) expect((await t.app.inject({ url: '/healthz', ...from('203.0.113.60') })).statusCode).toBe(200);
    for (let i = 0; i < 10; i++) expectPastTheLimiter(await t.app.inject({ method: 'POST', url: '/account/sign-in', ...from('198.51.100.7') }), `request ${i + 1}`);
  });

  it('keeps the existing API tests far below the shipped limits', async () => {
    const shipped = await createTestApp({}, { database, rules: 'shipped' });
    try {
      for (let i = 0; i < 40; i++) expect((await shipped.app.inject({ url: '/api/v1/categories' })).statusCode).toBe(200);
    } finally {
      await shipped.close();
    }
  });

  it('can be switched off with RATE_LIMITS=off', async () => {
    const off = await createTestApp({ RATE_LIMITS: 'off', RATE_LIMITS_FILE: rulesFile }, { database });
    try {
      for (let i = 0; i < 6; i++) expectPastTheLimiter(await off.app.inject({ method: 'POST', url: '/account/sign-in' }), `request ${i + 1}`);
    } finally {
      await off.close();
    }
  });
});

describe('rate-limit keys and stores', () => {
  it('keys a rule by IP and, when known, by account', () => {
    const rule = rules[0]!;
    expect(rateLimitKeys(rule, { ip: '::ffff:192.0.2.1' })).toEqual(['rl:sign-in:ip:192.0.2.1']);
    expect(rateLimitKeys(rule, { ip: '2001:db8::1', accountId: 'acc_1' })).toEqual(['rl:sign-in:ip:2001:db8:0:0::/64', 'rl:sign-in:acct:acc_1']);
  });

  it('matches every rule whose prefix the path starts with, as WAF does', () => {
    const all = [...rules, { name: 'default', class: 'default', pathPrefix: '/', limit: 100, windowSeconds: 60 }];
    expect(matchingRules(all, '/api/v1/products?x=1').map((r) => r.name)).toEqual(['api', 'default']);
  });

  it('resets a memory counter when its window ends (fake clock)', async () => {
    let now = 1_000;
    const store = createMemoryCounterStore({ now: () => now });
    expect(await store.hit([{ key: 'k', windowMs: 500 }])).toEqual([{ count: 1, resetMs: 500 }]);
    now += 200;
    expect(await store.hit([{ key: 'k', windowMs: 500 }])).toEqual([{ count: 2, resetMs: 300 }]);
    now += 300;
    expect(await store.hit([{ key: 'k', windowMs: 500 }])).toEqual([{ count: 1, resetMs: 500 }]);
  });

  it('caps the memory store so a flood of addresses cannot exhaust memory', async () => {
    // A fixed clock: with a real one, a millisecond tick between hits made resetMs 59,999 now and then.
    const store = createMemoryCounterStore({ maxKeys: 10, now: () => 5_000 });
    for (let i = 0; i < 100; i++) await store.hit([{ key: `k${i}`, windowMs: 60_000 }]);
    // The most recently hit key is still counted; the least recently hit were dropped.
    expect(await store.hit([{ key: 'k99', windowMs: 60_000 }])).toEqual([{ count: 2, resetMs: 60_000 }]);
    expect((await store.hit([{ key: 'k0', windowMs: 60_000 }]))[0]?.count).toBe(1);
  });

  it('counts in process, logged and counted, when the counter store fails: limits stay on', async () => {
    const broken = { hit: () => Promise.reject(new Error('redis down')), close: async () => undefined };
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'warn', RATE_LIMITS_FILE: rulesFile, DATA_DIR: t.config.dataDir });
    const logs: string[] = [];
    const built = await buildApp(config, { database, store: createLocalObjectStore(inject('objectsDir')), counterStore: broken, logStream: { write: (l) => void logs.push(l) } });
    try {
      for (let i = 0; i < 3; i++) expect((await built.app.inject({ method: 'POST', url: '/account/sign-in' })).statusCode).toBe(400);
      const limited = await built.app.inject({ method: 'POST', url: '/account/sign-in' });
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
      expect(await counterValue(built.metrics.http.registry, 'rate_limit_store_errors_total')).toBe(4);
      // One warning stands for the whole outage; the metric counts every failed-over request.
      expect(logs.filter((l) => l.includes('rate-limit store failed; counted in process'))).toHaveLength(1);
    } finally {
      await built.app.close();
    }
  });
});

describe.runIf(process.env.REDIS_URL)('rate limits in Redis (REDIS_URL)', () => {
  it('shares one count between two app instances', async () => {
    const env = { RATE_LIMITS_FILE: rulesFile, REDIS_URL: process.env.REDIS_URL!, REDIS_PREFIX: `test-${randomBytes(6).toString('hex')}:` };
    const a = await createTestApp(env, { database });
    const b = await createTestApp(env, { database });
    try {
      const ip = '203.0.113.70';
      for (let i = 0; i < 3; i++) expect((await a.app.inject({ url: '/api/v1/categories', ...from(ip) })).statusCode).toBe(200);
      for (let i = 0; i < 2; i++) expect((await b.app.inject({ url: '/api/v1/categories', ...from(ip) })).statusCode).toBe(200);
      const limited = await b.app.inject({ url: '/api/v1/categories', ...from(ip) });
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect((await a.app.inject({ url: '/api/v1/categories', ...from(ip) })).statusCode).toBe(429);
      expect((await a.app.inject({ url: '/api/v1/categories', ...from('203.0.113.71') })).statusCode).toBe(200);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('expires a Redis window so the count starts again', async () => {
    const prefix = `test-${randomBytes(6).toString('hex')}:`;
    const store = createRedisCounterStore({ url: process.env.REDIS_URL!, prefix });
    await store.ready?.(5_000);
    const redis = new Redis(process.env.REDIS_URL!);
    try {
      const first = await store.hit([{ key: 'k', windowMs: 300 }, { key: 'other', windowMs: 60_000 }]);
      expect(first.map((r) => r.count)).toEqual([1, 1]);
      expect(first[0]!.resetMs).toBeLessThanOrEqual(300);
      expect(await redis.pttl(`${prefix}other`)).toBeGreaterThan(300);
      // Wait for Redis to expire the key (its own clock), however long the machine takes to get there.
      await vi.waitFor(async () => expect(await redis.exists(`${prefix}k`)).toBe(0), { timeout: 30_000, interval: 50 });
      expect((await store.hit([{ key: 'k', windowMs: 300 }]))[0]!.count).toBe(1);
      expect((await store.hit([{ key: 'other', windowMs: 60_000 }]))[0]!.count).toBe(2);
    } finally {
      redis.disconnect();
      await store.close();
    }
  });
});
