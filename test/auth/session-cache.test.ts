import type { AddressInfo } from 'node:net';
import { randomBytes, createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSignedInStaff } from '../support/staff.js';
import type { LightMyRequestResponse } from 'fastify';
import { createVerifiedAccount, goodPassword, post, sessionCookie, signIn, tokenFromMail, totp } from '../support/accounts.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const redisUrl = process.env.REDIS_URL;

/**
 * Two instances of the app on loopback ports, sharing one database (and Redis when REDIS_URL is set), as
 * two EC2 instances behind the load balancer do. Every revocation goes through instance A; instance B
 * must refuse the revoked session on its very next request.
 */
describe(`revocation across instances (${redisUrl === undefined ? 'no Redis' : 'REDIS_URL'})`, () => {
  const prefix = `bastion-test-${randomBytes(4).toString('hex')}:`;
  const env: Record<string, string> = redisUrl === undefined ? {} : { REDIS_URL: redisUrl, REDIS_PREFIX: prefix };
  let a: TestApp;
  let b: TestApp;
  let baseA: string;
  let baseB: string;
  beforeAll(async () => {
    a = await createTestApp(env);
    b = await createTestApp(env, { database: a.database, keyRing: a.keyRing });
    await a.app.listen({ port: 0, host: '127.0.0.1' });
    await b.app.listen({ port: 0, host: '127.0.0.1' });
    baseA = `http://127.0.0.1:${(a.app.server.address() as AddressInfo).port}`;
    baseB = `http://127.0.0.1:${(b.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    if (redisUrl !== undefined) {
      const redis = new Redis(redisUrl);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
    await b?.app.close();
    await a?.close();
  });

  const send = async (base: string, method: string, path: string, cookie: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text.length > 0 ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const onB = (cookie: string, path = '/api/v1/me') => send(baseB, 'GET', path, cookie);
  /** B's answer to a revoked session: 401 AUTH_SIGN_IN_REQUIRED, on its very next request. */
  const expectRefusedByB = async (cookie: string, path = '/api/v1/me') => {
    const res = await onB(cookie, path);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('AUTH_SIGN_IN_REQUIRED');
  };
  const sessionRows = (cookie: string) =>
    a.database.db.selectFrom('user_session').select('id').where('token_hash', '=', createHash('sha256').update(cookie.split('=')[1]!).digest()).execute();

  it('keeps no copy of a session in Redis: the database answers every request', async () => {
    const email = await createVerifiedAccount(a);
    const cookie = await signIn(a, email);
    expect((await onB(cookie)).status).toBe(200);
    if (redisUrl !== undefined) {
      const redis = new Redis(redisUrl);
      try {
        expect(await redis.keys(`${prefix}session:*`)).toEqual([]);
      } finally {
        redis.disconnect();
      }
    }
    // A row removed behind the module's back is gone at once, on both instances.
    await a.database.db.deleteFrom('user_session').where('token_hash', '=', createHash('sha256').update(cookie.split('=')[1]!).digest()).execute();
    await expectRefusedByB(cookie);
    expect((await send(baseA, 'GET', '/api/v1/me', cookie)).status).toBe(401);
  });

  it('sign-out on A is refused by B at once', async () => {
    const cookie = await signIn(a, await createVerifiedAccount(a));
    expect((await onB(cookie)).status).toBe(200);
    expect((await send(baseA, 'POST', '/api/v1/auth/sign-out', cookie, {})).status).toBe(200);
    await expectRefusedByB(cookie);
    expect(await sessionRows(cookie)).toEqual([]);
  });

  it('sign out everywhere, a password change and a password reset on A are refused by B at once', async () => {
    const email = await createVerifiedAccount(a);
    const laptop = await signIn(a, email);
    const phone = await signIn(a, email);
    expect((await onB(laptop)).status).toBe(200);
    expect((await send(baseA, 'POST', '/api/v1/auth/sign-out-everywhere', phone, {})).status).toBe(200);
    await expectRefusedByB(laptop);
    await expectRefusedByB(phone);

    const desk = await signIn(a, email);
    const other = await signIn(a, email);
    expect((await onB(other)).status).toBe(200);
    const changed = await send(baseA, 'POST', '/api/v1/auth/password', desk, { currentPassword: goodPassword, newPassword: 'new-lantern-harbour-7' });
    expect(changed.status).toBe(200);
    await expectRefusedByB(other);

    const tablet = await signIn(a, email, 'new-lantern-harbour-7');
    expect((await onB(tablet)).status).toBe(200);
    await post(a, '/api/v1/auth/password-reset/request', { email });
    const token = await tokenFromMail(a, email, '/account/reset');
    expect((await send(baseA, 'POST', '/api/v1/auth/password-reset/confirm', '', { token, password: 'third-lantern-harbour-7' })).status).toBe(200);
    await expectRefusedByB(tablet);
  });

  it('turning MFA off on A ends the other sessions, refused by B at once', async () => {
    const email = await createVerifiedAccount(a);
    const first = await signIn(a, email);
    const secret = (await post(a, '/api/v1/auth/mfa/enrol', undefined, first)).json<{ secret: string }>().secret;
    const confirmed = await post(a, '/api/v1/auth/mfa/confirm', { code: await totp(a, secret) }, first);
    expect(confirmed.statusCode).toBe(200);
    const cookieOf = (res: LightMyRequestResponse) => sessionCookie(res) ?? '';
    const here = cookieOf(confirmed);
    const signedIn = await signIn(a, email);
    // Each code once: TOTP codes are single-use, so the clock moves to the next period between them.
    a.clock.advance(30_000);
    const elsewhere = cookieOf(await post(a, '/api/v1/auth/mfa/verify', { code: await totp(a, secret) }, signedIn));
    expect((await onB(elsewhere)).status).toBe(200);
    a.clock.advance(30_000);
    const off = await send(baseA, 'POST', '/api/v1/auth/mfa/disable', here, { password: goodPassword, code: await totp(a, secret) });
    expect(off.status).toBe(200);
    await expectRefusedByB(elsewhere);
    // The session that turned it off got a new token; its old one is refused too.
    await expectRefusedByB(here);
  });

  it('a role change and removal from staff on A are refused by B at once', async () => {
    const owner = await createSignedInStaff(a, 'owner');
    const member = await createSignedInStaff(a, 'support');
    expect((await onB(member.cookie, '/api/v1/admin/me')).status).toBe(200);
    expect((await send(baseA, 'PATCH', `/api/v1/admin/staff/${member.userId}`, owner.cookie, { role: 'auditor' })).status).toBe(204);
    await expectRefusedByB(member.cookie, '/api/v1/admin/me');

    const again = await createSignedInStaff(a, 'catalog_manager');
    expect((await onB(again.cookie, '/api/v1/admin/me')).status).toBe(200);
    expect((await send(baseA, 'DELETE', `/api/v1/admin/staff/${again.userId}`, owner.cookie)).status).toBe(204);
    await expectRefusedByB(again.cookie, '/api/v1/admin/me');
  });

  it('deleting the account on A is refused by B at once, on every device', async () => {
    const email = await createVerifiedAccount(a);
    const laptop = await signIn(a, email);
    const phone = await signIn(a, email);
    expect((await onB(phone)).status).toBe(200);
    expect((await send(baseA, 'POST', '/api/v1/me/delete', laptop, { password: goodPassword })).status).toBe(200);
    await expectRefusedByB(phone);
    await expectRefusedByB(laptop);
  });
});
