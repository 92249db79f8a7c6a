import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createVerifiedAccount, newEmail, post, signIn } from '../support/accounts.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { hasRedisServer, startPrivateRedis, type PrivateRedis } from '../support/redis-server.js';
import { counterValue } from './security-helpers.js';

/**
 * Faults of Redis injected for real: a private redis-server this file starts, kills and pauses
 * (SIGSTOP keeps its sockets and its data, as a hung or partitioned ElastiCache node would).
 */
describe.skipIf(!hasRedisServer)('when Redis fails (a private redis-server, stopped and paused)', () => {
  const rules = [
    { name: 'sign-in-api', class: 'auth', pathPrefix: '/api/v1/auth/sign-in', limit: 5, windowSeconds: 60 },
    { name: 'api', class: 'api', pathPrefix: '/api/', limit: 100_000, windowSeconds: 60 },
  ];
  let redis: PrivateRedis;
  let t: TestApp;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    t = await createTestApp({ REDIS_URL: redis.url, REDIS_PREFIX: 'faults:' }, { rules });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  const wrongSignIn = (email: string, ip: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password: 'not-the-password-1' }, remoteAddress: ip });
  const statuses = async (email: string, ip: string, n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await wrongSignIn(email, ip)).statusCode);
    return out;
  };

  it('a stale session does not come back with Redis: signed out while Redis hung, refused after it returns', async () => {
    const email = await createVerifiedAccount(t);
    const cookie = await signIn(t, email);
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(200);

    redis.pause();
    try {
      const out = await post(t, '/api/v1/auth/sign-out', {}, cookie);
      expect(out.statusCode).toBe(200);
    } finally {
      await redis.resume();
    }
    // Redis is back with every key it held before the sign-out.
    const res = await t.app.inject({ url: '/api/v1/me', headers: { cookie } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'AUTH_SIGN_IN_REQUIRED' });
    const userId = await t.auth.directory.idOf(email);
    expect(await t.database.db.selectFrom('user_session').select('id').where('user_id', '=', userId!).execute()).toEqual([]);
  });

  it('a stale session does not come back with Redis: signed out while Redis was down, refused after it restarts from an older snapshot', async () => {
    const email = await createVerifiedAccount(t);
    const cookie = await signIn(t, email);
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(200);
    await redis.snapshot();
    await redis.stop();
    expect((await post(t, '/api/v1/auth/sign-out', {}, cookie)).statusCode).toBe(200);
    await redis.start();
    const res = await t.app.inject({ url: '/api/v1/me', headers: { cookie } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'AUTH_SIGN_IN_REQUIRED' });
  });

  it('keeps limiting wrong sign-ins when Redis is down, counting in process instead', async () => {
    // Wait until the app counts in Redis again (it reconnects on its own after the restart above).
    const probe = new Redis(redis.url);
    try {
      await vi.waitFor(
        async () => {
          await t.app.inject({ url: '/api/v1/categories', remoteAddress: '203.0.113.9' });
          expect(await probe.exists('faults:rl:api:ip:203.0.113.9')).toBe(1);
        },
        { timeout: 30_000, interval: 100 },
      );
    } finally {
      probe.disconnect();
    }
    // Up: five 401s, then 429 from the shared count.
    expect(await statuses(newEmail(), '203.0.113.1', 6)).toEqual([401, 401, 401, 401, 401, 429]);
    const errorsBefore = await counterValue(t.metrics.registry, 'rate_limit_store_errors_total');

    await redis.stop();
    const limited = await statuses(newEmail(), '203.0.113.2', 7);
    expect(limited).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const last = await wrongSignIn(newEmail(), '203.0.113.2');
    expect(last.statusCode).toBe(429);
    expect(last.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(Number(last.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(await counterValue(t.metrics.registry, 'rate_limit_store_errors_total')).toBeGreaterThan(errorsBefore);
    expect(t.logs.some((l) => l.msg === 'rate-limit store failed; counted in process')).toBe(true);
  });
});
