import { randomBytes, createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { createVerifiedAccount, goodPassword, newEmail, post, signIn, tokenFromMail } from '../support/accounts.js';

const redisUrl = process.env.REDIS_URL;

describe.runIf(redisUrl !== undefined)('sessions cached in Redis (REDIS_URL)', () => {
  const prefix = `bastion-test-${randomBytes(4).toString('hex')}:`;
  let t: TestApp;
  let redis: Redis;
  beforeAll(async () => {
    t = await createTestApp({ REDIS_URL: redisUrl!, REDIS_PREFIX: prefix });
    redis = new Redis(redisUrl!);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await t?.close();
  });

  const me = (cookie: string) => t.app.inject({ url: '/api/v1/me', headers: { cookie } });
  const keyOf = (cookie: string) => `${prefix}session:${createHash('sha256').update(cookie.split('=')[1]!).digest('hex')}`;

  it('caches a live session by its token hash, with a short expiry, never the token', async () => {
    const email = await createVerifiedAccount(t);
    const cookie = await signIn(t, email);
    expect((await me(cookie)).statusCode).toBe(200);
    const cached = await redis.get(keyOf(cookie));
    expect(cached).not.toBeNull();
    expect(cached).not.toContain(cookie.split('=')[1]);
    const ttl = await redis.pttl(keyOf(cookie));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('serves a session from the cache (a row removed behind its back lives on for at most a minute)', async () => {
    const email = await createVerifiedAccount(t);
    const cookie = await signIn(t, email);
    expect((await me(cookie)).statusCode).toBe(200);
    await t.database.db.deleteFrom('user_session').where('token_hash', '=', createHash('sha256').update(cookie.split('=')[1]!).digest()).execute();
    expect((await me(cookie)).statusCode).toBe(200);
  });

  it('ends cached sessions at once when they are signed out, everywhere, or by a password reset', async () => {
    const email = await createVerifiedAccount(t);
    const laptop = await signIn(t, email);
    const phone = await signIn(t, email);
    expect((await me(laptop)).statusCode).toBe(200);
    expect((await me(phone)).statusCode).toBe(200);
    await post(t, '/api/v1/auth/sign-out-everywhere', {}, phone);
    expect(await redis.get(keyOf(laptop))).toBeNull();
    expect((await me(laptop)).statusCode).toBe(401);

    const tablet = await signIn(t, email);
    expect((await me(tablet)).statusCode).toBe(200);
    await post(t, '/api/v1/auth/password-reset/request', { email });
    const token = await tokenFromMail(t, email, '/account/reset');
    await post(t, '/api/v1/auth/password-reset/confirm', { token, password: 'new-lantern-harbour-7' });
    expect((await me(tablet)).statusCode).toBe(401);

    const desk = await signIn(t, email, 'new-lantern-harbour-7');
    const other = await signIn(t, email, 'new-lantern-harbour-7');
    expect((await me(other)).statusCode).toBe(200);
    await post(t, '/api/v1/auth/password', { currentPassword: 'new-lantern-harbour-7', newPassword: 'fourth-lantern-harbour-7' }, desk);
    expect((await me(other)).statusCode).toBe(401);
  });

  it('falls back to the database when Redis cannot be reached', async () => {
    const down = await createTestApp({ REDIS_URL: 'redis://127.0.0.1:1', REDIS_PREFIX: prefix }, { database: t.database, keyRing: t.keyRing });
    try {
      const email = newEmail();
      await post(down, '/api/v1/auth/sign-up', { email, password: goodPassword });
      const token = await tokenFromMail(down, email, '/account/verify-email');
      await post(down, '/api/v1/auth/verify-email', { token });
      const cookie = await signIn(down, email);
      expect((await down.app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(200);
    } finally {
      await down.app.close();
    }
  });
});
