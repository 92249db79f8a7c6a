import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { createVerifiedAccount, goodPassword, mailsTo, newEmail, post, sessionCookie, signIn, tokenFromMail, totp } from '../support/accounts.js';
import { expectSealedFor } from '../support/sealed-field.js';
import { FormBrowser } from '../support/form-browser.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const me = (cookie?: string) => t.app.inject({ url: '/api/v1/me', headers: cookie ? { cookie } : {} });

describe('sign-up and e-mail verification', () => {
  it('creates an account, mails a single-use link, and lets the owner sign in once it is followed', async () => {
    const email = newEmail();
    const res = await post(t, '/api/v1/auth/sign-up', { email, password: goodPassword });
    expect(res.statusCode).toBe(202);
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(sessionCookie(res)).toBeUndefined();

    const [mail] = await mailsTo(t, email);
    expect(mail?.subject).toBe(`Confirm your e-mail address · ${t.config.shop.name}`);
    expect(mail?.html).toContain(t.config.shop.name);
    const token = await tokenFromMail(t, email, '/account/verify-email');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The database holds the token's SHA-256, never the token.
    const rows = await t.database.db.selectFrom('auth_token').select('token_hash').execute();
    const stored = rows.map((r) => Buffer.from(r.token_hash).toString('hex'));
    expect(stored).toContain(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(token);

    const unverified = await post(t, '/api/v1/auth/sign-in', { email, password: goodPassword });
    expect(unverified.statusCode).toBe(403);
    expect(unverified.json()).toMatchObject({ code: 'AUTH_EMAIL_NOT_VERIFIED' });
    expect(sessionCookie(unverified)).toBeUndefined();

    // The refused sign-in sent a fresh link, which replaced the first one.
    const fresh = await tokenFromMail(t, email, '/account/verify-email');
    expect(fresh).not.toBe(token);
    expect((await post(t, '/api/v1/auth/verify-email', { token })).json()).toMatchObject({ code: 'AUTH_TOKEN_INVALID' });
    expect((await post(t, '/api/v1/auth/verify-email', { token: fresh })).statusCode).toBe(200);

    const cookie = await signIn(t, email);
    const profile = await me(cookie);
    expect(profile.statusCode).toBe(200);
    expect(profile.json()).toMatchObject({ email, emailVerified: true, mfaEnabled: false });
  });

  it('refuses a verification link the second time', async () => {
    const email = newEmail();
    await post(t, '/api/v1/auth/sign-up', { email, password: goodPassword });
    const token = await tokenFromMail(t, email, '/account/verify-email');
    expect((await post(t, '/api/v1/auth/verify-email', { token })).statusCode).toBe(200);
    const again = await post(t, '/api/v1/auth/verify-email', { token });
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({ code: 'AUTH_TOKEN_INVALID' });
  });

  it('refuses an expired verification link, and it cannot be tried again', async () => {
    const email = newEmail();
    await post(t, '/api/v1/auth/sign-up', { email, password: goodPassword });
    const token = await tokenFromMail(t, email, '/account/verify-email');
    t.clock.advance(24 * 3_600_000 + 1000);
    const res = await post(t, '/api/v1/auth/verify-email', { token });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'AUTH_TOKEN_EXPIRED' });
    expect((await post(t, '/api/v1/auth/verify-email', { token })).json()).toMatchObject({ code: 'AUTH_TOKEN_INVALID' });
  });

  it('refuses malformed and unknown tokens without a database row', async () => {
    for (const token of ['x', 'a'.repeat(43), "' or 1=1 --"]) {
      const res = await post(t, '/api/v1/auth/verify-email', { token });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'AUTH_TOKEN_INVALID' });
    }
  });

  it('refuses short, overlong and common passwords, and takes no composition rules', async () => {
    const cases: [string, string][] = [
      ['short12', 'AUTH_PASSWORD_TOO_SHORT'],
      ['x'.repeat(257), 'AUTH_PASSWORD_TOO_LONG'],
      ['password123', 'AUTH_PASSWORD_TOO_COMMON'],
      ['Password123', 'AUTH_PASSWORD_TOO_COMMON'],
      ['iloveyou2', 'AUTH_PASSWORD_TOO_COMMON'],
    ];
    for (const [password, code] of cases) {
      const res = await post(t, '/api/v1/auth/sign-up', { email: newEmail(), password });
      expect(res.statusCode, password).toBe(400);
      expect(res.json(), password).toMatchObject({ code });
    }
    // Lower-case letters and spaces only: long enough and uncommon, so accepted.
    expect((await post(t, '/api/v1/auth/sign-up', { email: newEmail(), password: 'quiet harbour lantern' })).statusCode).toBe(202);
  });

  it('refuses a body with a role, isAdmin or emailVerified (mass assignment)', async () => {
    for (const extra of [{ role: 'owner' }, { isAdmin: true }, { emailVerified: true }]) {
      const email = newEmail();
      const res = await post(t, '/api/v1/auth/sign-up', { email, password: goodPassword, ...extra });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(res.json<{ errors: { message: string }[] }>().errors[0]?.message).toContain(Object.keys(extra)[0]);
      expect(await mailsTo(t, email)).toHaveLength(0);
    }
  });

  it('refuses an address that is not one', async () => {
    const res = await post(t, '/api/v1/auth/sign-up', { email: 'not-an-address', password: goodPassword });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'AUTH_EMAIL_INVALID' });
  });

  it('stores the address sealed in an envelope bound to its own row, never in plain text', async () => {
    const email = await createVerifiedAccount(t);
    const other = await createVerifiedAccount(t);
    const rows = await t.database.db.selectFrom('user_account').selectAll().execute();
    expect(JSON.stringify(rows.map((r) => ({ ...r, e: Buffer.from(r.email_encrypted).toString('latin1') })))).not.toContain(email);
    const id = (await me(await signIn(t, email))).json<{ id: string }>().id;
    const otherId = (await me(await signIn(t, other))).json<{ id: string }>().id;
    const row = rows.find((r) => r.id === id)!;
    expect(await expectSealedFor(t.keyRing, row.email_encrypted, { table: 'user_account', column: 'email_encrypted', rowId: id }, { otherRowId: otherId, otherColumn: 'password_hash' })).toBe(email);
  });
});

describe('no user enumeration', () => {
  it('answers a sign-up for a taken address exactly like a new one, and tells the owner by mail instead', async () => {
    const email = await createVerifiedAccount(t);
    const before = { ...t.hasher.calls };
    const taken = await post(t, '/api/v1/auth/sign-up', { email: email.toUpperCase(), password: 'another-harbour-lantern' });
    const takenWork = { hash: t.hasher.calls.hash - before.hash };
    const mid = { ...t.hasher.calls };
    const fresh = await post(t, '/api/v1/auth/sign-up', { email: newEmail(), password: 'another-harbour-lantern' });
    expect(taken.statusCode).toBe(fresh.statusCode);
    expect(taken.json()).toEqual(fresh.json());
    // The same expensive work either way: one argon2id hash.
    expect(takenWork.hash).toBe(1);
    expect(t.hasher.calls.hash - mid.hash).toBe(1);
    const [notice] = await mailsTo(t, email);
    expect(notice?.subject).toContain('You already have an account');
    expect(notice?.text).not.toMatch(/token=/);
  });

  it('answers a wrong password and an unknown address the same, verifying against a dummy hash for the latter', async () => {
    const email = await createVerifiedAccount(t);
    const before = { ...t.hasher.calls };
    const wrong = await post(t, '/api/v1/auth/sign-in', { email, password: 'not-the-password-9' });
    expect(t.hasher.calls.verify - before.verify).toBe(1);
    const mid = { ...t.hasher.calls };
    const unknown = await post(t, '/api/v1/auth/sign-in', { email: newEmail('nobody'), password: 'not-the-password-9' });
    expect(t.hasher.calls.dummy - mid.dummy).toBe(1);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const strip = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });
    expect(strip(wrong.json())).toEqual(strip(unknown.json()));
    expect(wrong.json()).toMatchObject({ code: 'AUTH_INVALID_CREDENTIALS' });
  });

  it('answers a reset request the same whether or not the address has an account', async () => {
    const email = await createVerifiedAccount(t);
    const known = await post(t, '/api/v1/auth/password-reset/request', { email });
    const unknown = await post(t, '/api/v1/auth/password-reset/request', { email: newEmail('nobody') });
    expect(known.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(202);
    expect(known.json()).toEqual(unknown.json());
  });
});

describe('sessions', () => {
  it('issues an HttpOnly, SameSite=Lax session cookie holding a token the database stores only hashed', async () => {
    const email = await createVerifiedAccount(t);
    const res = await post(t, '/api/v1/auth/sign-in', { email, password: goodPassword });
    const [header, device] = [res.headers['set-cookie']].flat().map(String);
    expect(header).toMatch(/^session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=43200; HttpOnly; SameSite=Lax$/);
    // Beside it, the device cookie that gives this client a sign-in budget of its own.
    expect(device).toMatch(/^device=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
    const token = sessionCookie(res)!.split('=')[1]!;
    const hashes = (await t.database.db.selectFrom('user_session').select('token_hash').execute()).map((r) => Buffer.from(r.token_hash).toString('hex'));
    expect(hashes).toContain(createHash('sha256').update(token).digest('hex'));
  });

  it('names the cookie __Host-session and marks it Secure under HTTPS', async () => {
    const secure = await createTestApp({ TRUST_PROXY: '127.0.0.1', PUBLIC_URL: 'https://shop.example' }, { database: t.database, keyRing: t.keyRing });
    try {
      const email = await createVerifiedAccount(secure);
      const res = await secure.app.inject({
        method: 'POST',
        url: '/api/v1/auth/sign-in',
        payload: { email, password: goodPassword },
        headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.5' },
      });
      expect(res.statusCode).toBe(200);
      const [session, device] = [res.headers['set-cookie']].flat().map(String);
      expect(session).toMatch(/^__Host-session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax; Secure$/);
      expect(device).toMatch(/^__Host-device=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax; Secure$/);
    } finally {
      await secure.app.close();
    }
  });

  it('gives a new token at sign-in and ends the one the browser already had (no session fixation)', async () => {
    const email = await createVerifiedAccount(t);
    const planted = await signIn(t, email);
    const fresh = await signIn(t, email, goodPassword, planted);
    expect(fresh).not.toBe(planted);
    expect((await me(planted)).statusCode).toBe(401);
    expect((await me(fresh)).statusCode).toBe(200);
  });

  describe('a session cookie planted by someone else before the victim signs in (session fixation)', () => {
    const sessionRowOf = (cookie: string) =>
      t.database.db
        .selectFrom('user_session')
        .select(['user_id', 'mfa_verified'])
        .where('token_hash', '=', createHash('sha256').update(cookie.slice(cookie.indexOf('=') + 1), 'utf8').digest())
        .executeTakeFirst();
    const idOf = async (cookie: string) => (await me(cookie)).json<{ id: string }>().id;

    /** The planted cookie after the victim signed in through it: ended, not the victim's, showing nothing of theirs. */
    const expectPlantedGrantsNothing = async (planted: string, victim: { email: string; id: string; cookie: string | undefined }) => {
      expect(victim.cookie).toBeDefined();
      expect(victim.cookie).not.toBe(planted);
      const asAttacker = await me(planted);
      expect([asAttacker.statusCode, asAttacker.json<{ code: string }>().code]).toEqual([401, 'AUTH_SIGN_IN_REQUIRED']);
      expect(asAttacker.body).not.toContain(victim.email);
      expect(await sessionRowOf(planted)).toBeUndefined();
      expect((await t.app.inject({ url: '/api/v1/me/sessions', headers: { cookie: planted } })).statusCode).toBe(401);
      // The victim has exactly the one new session, under the new cookie.
      expect(await sessionRowOf(victim.cookie!)).toMatchObject({ user_id: victim.id });
      const sessions = await t.app.inject({ url: '/api/v1/me/sessions', headers: { cookie: victim.cookie! } });
      expect(sessions.json<{ items: { current: boolean }[] }>().items).toEqual([expect.objectContaining({ current: true })]);
      expect((await me(victim.cookie)).json()).toMatchObject({ id: victim.id, email: victim.email });
    };

    it("gives the victim a new session id when the attacker planted his own signed-in cookie, and the planted one opens nothing of the victim's", async () => {
      const attacker = await createVerifiedAccount(t, newEmail('attacker'));
      const planted = await signIn(t, attacker);
      const attackerId = await idOf(planted);
      expect(await sessionRowOf(planted)).toMatchObject({ user_id: attackerId });

      const victimEmail = await createVerifiedAccount(t, newEmail('victim'));
      const res = await post(t, '/api/v1/auth/sign-in', { email: victimEmail, password: goodPassword }, planted);
      expect(res.statusCode).toBe(200);
      const victimCookie = sessionCookie(res);
      const victimId = await idOf(victimCookie!);
      expect(victimId).not.toBe(attackerId);
      await expectPlantedGrantsNothing(planted, { email: victimEmail, id: victimId, cookie: victimCookie });
    });

    it('does the same through the sign-in page, with a pre-auth (code step pending) cookie of the attacker planted in the browser', async () => {
      // The attacker's account has MFA, so his password alone gives a session still waiting for the code.
      const attacker = await createVerifiedAccount(t, newEmail('attacker-mfa'));
      const attackerSession = await signIn(t, attacker);
      const enrol = await post(t, '/api/v1/auth/mfa/enrol', {}, attackerSession);
      const { secret } = enrol.json<{ secret: string }>();
      expect((await post(t, '/api/v1/auth/mfa/confirm', { code: await totp(t, secret) }, attackerSession)).statusCode).toBe(200);
      t.clock.advance(30_000);
      const preAuth = await post(t, '/api/v1/auth/sign-in', { email: attacker, password: goodPassword });
      expect(preAuth.json()).toMatchObject({ mfaRequired: true });
      const planted = sessionCookie(preAuth)!;
      expect(await sessionRowOf(planted)).toMatchObject({ mfa_verified: false });

      const victimEmail = await createVerifiedAccount(t, newEmail('victim-page'));
      const browser = new FormBrowser(t.app);
      const [name = '', value = ''] = planted.split('=');
      browser.cookies.set(name, value);
      await browser.get('/account/sign-in');
      const signedIn = await browser.post('/account/sign-in', { email: victimEmail, password: goodPassword });
      expect(signedIn.statusCode).toBe(303);
      const victimCookie = browser.cookies.has(name) ? `${name}=${browser.cookies.get(name)!}` : undefined;
      await expectPlantedGrantsNothing(planted, { email: victimEmail, id: await idOf(victimCookie!), cookie: victimCookie });
      // The attacker cannot finish his own code step on it either: it is gone.
      const code = await post(t, '/api/v1/auth/mfa/verify', { code: await totp(t, secret) }, planted);
      expect([code.statusCode, code.json<{ code: string }>().code]).toEqual([401, 'AUTH_SIGN_IN_REQUIRED']);
    });

    it('never adopts a session id the attacker made up: the victim gets one the server chose', async () => {
      const invented = `session=${'f'.repeat(43)}`;
      const victimEmail = await createVerifiedAccount(t, newEmail('victim-invented'));
      const res = await post(t, '/api/v1/auth/sign-in', { email: victimEmail, password: goodPassword }, invented);
      expect(res.statusCode).toBe(200);
      const victimCookie = sessionCookie(res);
      await expectPlantedGrantsNothing(invented, { email: victimEmail, id: await idOf(victimCookie!), cookie: victimCookie });
    });
  });

  it('ends a session after the idle timeout, and after the absolute one however active it is', async () => {
    const email = await createVerifiedAccount(t);
    const idle = await signIn(t, email);
    t.clock.advance(29 * 60_000);
    expect((await me(idle)).statusCode).toBe(200);
    t.clock.advance(29 * 60_000);
    expect((await me(idle)).statusCode).toBe(200);
    t.clock.advance(31 * 60_000);
    const expired = await me(idle);
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ code: 'AUTH_SIGN_IN_REQUIRED' });

    const busy = await signIn(t, email);
    for (let i = 0; i < 25; i++) {
      t.clock.advance(29 * 60_000);
      if ((await me(busy)).statusCode !== 200) break;
    }
    // 25 × 29 minutes is past 12 hours: the session ended at its absolute expiry.
    expect((await me(busy)).statusCode).toBe(401);
  });

  it('signs out this device only, or everywhere', async () => {
    const email = await createVerifiedAccount(t);
    const laptop = await signIn(t, email);
    const phone = await signIn(t, email);
    const out = await post(t, '/api/v1/auth/sign-out', undefined, laptop);
    expect(out.statusCode, out.body).toBe(200);
    expect(String(out.headers['set-cookie'])).toMatch(/^session=; Path=\/; Max-Age=0/);
    expect((await me(laptop)).statusCode).toBe(401);
    expect((await me(phone)).statusCode).toBe(200);

    const tablet = await signIn(t, email);
    const all = await post(t, '/api/v1/auth/sign-out-everywhere', {}, tablet);
    expect(all.statusCode).toBe(200);
    expect(all.json()).toMatchObject({ sessionsEnded: 2 });
    expect((await me(phone)).statusCode).toBe(401);
    expect((await me(tablet)).statusCode).toBe(401);
  });

  it('answers /me without a session with 401 AUTH_SIGN_IN_REQUIRED', async () => {
    expect((await me()).json()).toMatchObject({ status: 401, code: 'AUTH_SIGN_IN_REQUIRED' });
    expect((await me('session=' + 'a'.repeat(43))).statusCode).toBe(401);
  });
});

describe('password reset', () => {
  it('mails a one-hour single-use link that sets the password and ends every session', async () => {
    const email = await createVerifiedAccount(t);
    const laptop = await signIn(t, email);
    expect((await post(t, '/api/v1/auth/password-reset/request', { email })).statusCode).toBe(202);
    const token = await tokenFromMail(t, email, '/account/reset');
    const res = await post(t, '/api/v1/auth/password-reset/confirm', { token, password: 'new-lantern-harbour-7' });
    expect(res.statusCode).toBe(200);
    expect((await me(laptop)).statusCode).toBe(401);
    expect((await post(t, '/api/v1/auth/sign-in', { email, password: goodPassword })).statusCode).toBe(401);
    await signIn(t, email, 'new-lantern-harbour-7');
    const [changed] = await mailsTo(t, email);
    expect(changed?.subject).toContain('Your password was changed');

    const reused = await post(t, '/api/v1/auth/password-reset/confirm', { token, password: 'third-lantern-harbour-7' });
    expect(reused.statusCode).toBe(400);
    expect(reused.json()).toMatchObject({ code: 'AUTH_TOKEN_INVALID' });
  });

  it('refuses a link older than an hour', async () => {
    const email = await createVerifiedAccount(t);
    await post(t, '/api/v1/auth/password-reset/request', { email });
    const token = await tokenFromMail(t, email, '/account/reset');
    t.clock.advance(60 * 60_000 + 1000);
    const res = await post(t, '/api/v1/auth/password-reset/confirm', { token, password: 'new-lantern-harbour-7' });
    expect(res.json()).toMatchObject({ code: 'AUTH_TOKEN_EXPIRED' });
    await signIn(t, email); // the old password still works
  });

  it('keeps the link usable when the new password is refused', async () => {
    const email = await createVerifiedAccount(t);
    await post(t, '/api/v1/auth/password-reset/request', { email });
    const token = await tokenFromMail(t, email, '/account/reset');
    expect((await post(t, '/api/v1/auth/password-reset/confirm', { token, password: 'password1' })).json()).toMatchObject({
      code: 'AUTH_PASSWORD_TOO_COMMON',
    });
    expect((await post(t, '/api/v1/auth/password-reset/confirm', { token, password: 'new-lantern-harbour-7' })).statusCode).toBe(200);
  });

  it('replaces an earlier link when a new one is asked for', async () => {
    const email = await createVerifiedAccount(t);
    await post(t, '/api/v1/auth/password-reset/request', { email });
    const first = await tokenFromMail(t, email, '/account/reset');
    await post(t, '/api/v1/auth/password-reset/request', { email });
    const second = await tokenFromMail(t, email, '/account/reset');
    expect((await post(t, '/api/v1/auth/password-reset/confirm', { token: first, password: 'new-lantern-harbour-7' })).json()).toMatchObject({
      code: 'AUTH_TOKEN_INVALID',
    });
    expect((await post(t, '/api/v1/auth/password-reset/confirm', { token: second, password: 'new-lantern-harbour-7' })).statusCode).toBe(200);
  });

  it('confirms the address of an account that never verified it (the link proved the mailbox)', async () => {
    const email = newEmail();
    await post(t, '/api/v1/auth/sign-up', { email, password: goodPassword });
    await post(t, '/api/v1/auth/password-reset/request', { email });
    const token = await tokenFromMail(t, email, '/account/reset');
    await post(t, '/api/v1/auth/password-reset/confirm', { token, password: 'new-lantern-harbour-7' });
    const cookie = await signIn(t, email, 'new-lantern-harbour-7');
    expect((await me(cookie)).json()).toMatchObject({ emailVerified: true });
  });
});

describe('abuse resistance', () => {
  it('locks an address for a growing time after five failures, whether or not it has an account', async () => {
    const known = await createVerifiedAccount(t);
    const unknown = newEmail('nobody');
    for (const email of [known, unknown]) {
      for (let i = 0; i < 5; i++) {
        expect((await post(t, '/api/v1/auth/sign-in', { email, password: 'wrong-password-1' })).statusCode).toBe(401);
      }
      const locked = await post(t, '/api/v1/auth/sign-in', { email, password: goodPassword });
      expect(locked.statusCode).toBe(429);
      expect(locked.json()).toMatchObject({ code: 'AUTH_TOO_MANY_ATTEMPTS' });
      expect(locked.headers['retry-after']).toBe('1');
    }
    t.clock.advance(1500);
    expect((await post(t, '/api/v1/auth/sign-in', { email: known, password: 'wrong-password-1' })).statusCode).toBe(401);
    const longer = await post(t, '/api/v1/auth/sign-in', { email: known, password: goodPassword });
    expect(longer.headers['retry-after']).toBe('2');
    t.clock.advance(2500);
    await signIn(t, known); // a success clears the count
    expect((await post(t, '/api/v1/auth/sign-in', { email: known, password: 'wrong-password-1' })).statusCode).toBe(401);
  });

  it('refuses a state-changing call from another site (CSRF origin check)', async () => {
    const email = await createVerifiedAccount(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email, password: goodPassword },
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'CSRF_REJECTED' });
    expect(sessionCookie(res)).toBeUndefined();
  });
});

describe('per-IP and per-account request limits', () => {
  it('limits sign-in attempts per account across many client addresses', async () => {
    const limited = await createTestApp({}, { database: t.database, keyRing: t.keyRing, rules: [{ name: 'api-auth', class: 'auth', pathPrefix: '/api/v1/auth/', limit: 3, windowSeconds: 60 }] });
    try {
      const email = newEmail('target');
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await limited.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password: 'x-wrong-pass' }, remoteAddress: `198.51.100.${i + 1}` });
        statuses.push(res.statusCode);
      }
      expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
      expect(statuses[3]).toBe(429);
      // Another address from a fresh client is still served.
      const other = await limited.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: newEmail(), password: 'x-wrong-pass' }, remoteAddress: '198.51.100.99' });
      expect(other.statusCode).toBe(401);
    } finally {
      await limited.app.close();
    }
  });
});

describe('changing the password', () => {
  it('needs the current password, ends every other session, rotates this one and tells the owner', async () => {
    const email = await createVerifiedAccount(t);
    const laptop = await signIn(t, email);
    const phone = await signIn(t, email);
    const wrong = await post(t, '/api/v1/auth/password', { currentPassword: 'not-my-password-1', newPassword: 'new-lantern-harbour-7' }, laptop);
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ code: 'AUTH_INVALID_CREDENTIALS' });
    const common = await post(t, '/api/v1/auth/password', { currentPassword: goodPassword, newPassword: 'password123' }, laptop);
    expect(common.json()).toMatchObject({ code: 'AUTH_PASSWORD_TOO_COMMON' });

    const res = await post(t, '/api/v1/auth/password', { currentPassword: goodPassword, newPassword: 'new-lantern-harbour-7' }, laptop);
    expect(res.statusCode).toBe(200);
    const rotated = sessionCookie(res)!;
    expect(rotated).not.toBe(laptop);
    expect((await me(laptop)).statusCode).toBe(401);
    expect((await me(phone)).statusCode).toBe(401);
    expect((await me(rotated)).statusCode).toBe(200);
    expect((await mailsTo(t, email))[0]?.text).toContain('every other device was signed out');
    await signIn(t, email, 'new-lantern-harbour-7');
  });

  it('is refused without a session, and with unknown fields', async () => {
    expect((await post(t, '/api/v1/auth/password', { currentPassword: goodPassword, newPassword: 'new-lantern-harbour-7' })).json()).toMatchObject({
      code: 'AUTH_SIGN_IN_REQUIRED',
    });
    const email = await createVerifiedAccount(t);
    const cookie = await signIn(t, email);
    const res = await post(t, '/api/v1/auth/password', { currentPassword: goodPassword, newPassword: 'new-lantern-harbour-7', email: 'evil@example.com' }, cookie);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('security events in the log', () => {
  it('logs each decision with the account id and the code, never the address, password or token', async () => {
    const email = await createVerifiedAccount(t);
    const from = t.logs.length;
    await post(t, '/api/v1/auth/sign-in', { email, password: 'wrong-password-123' });
    const cookie = await signIn(t, email);
    await post(t, '/api/v1/auth/sign-out', undefined, cookie);
    const lines = t.logs.slice(from);
    const events = lines.filter((l) => l.authEvent !== undefined);
    expect(events.map((l) => [l.authEvent, l.code ?? null])).toEqual([
      ['auth.failure', 'AUTH_INVALID_CREDENTIALS'],
      ['auth.sign_in', null],
      ['auth.sign_out', null],
    ]);
    const userId = (events[1] as { userId?: string }).userId;
    expect(userId).toMatch(/^[0-9a-f-]{36}$/);
    expect(events[2]).toMatchObject({ userId });
    const text = JSON.stringify(lines);
    expect(text).not.toContain(email);
    expect(text).not.toContain(goodPassword);
    expect(text).not.toContain('wrong-password-123');
    expect(text).not.toContain(cookie.split('=')[1]);
  });
});

describe('OpenAPI', () => {
  it('documents the auth API, with bodies that refuse unknown fields', async () => {
    const res = await t.app.inject({ url: '/api/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { additionalProperties?: boolean } }> } }>> }>();
    for (const path of ['/api/v1/auth/sign-up', '/api/v1/auth/sign-in', '/api/v1/auth/password-reset/confirm', '/api/v1/auth/mfa/verify', '/api/v1/me']) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.paths['/api/v1/auth/sign-up']!.post!.requestBody!.content['application/json']!.schema.additionalProperties).toBe(false);
    // Pages are not part of the API.
    expect(doc.paths['/account/sign-in']).toBeUndefined();
  });
});

describe('signed-in devices', () => {
  const del = (id: string, cookie: string) => t.app.inject({ method: 'DELETE', url: `/api/v1/me/sessions/${id}`, headers: { cookie } });
  const list = async (cookie: string) => (await t.app.inject({ url: '/api/v1/me/sessions', headers: { cookie } })).json<{ items: { id: string; current: boolean }[] }>().items;

  it('lists the account’s sessions with this one marked, and signs out one of them', async () => {
    const email = await createVerifiedAccount(t);
    const laptop = await signIn(t, email);
    const phone = await signIn(t, email);
    const items = await list(laptop);
    expect(items).toHaveLength(2);
    expect(items.filter((s) => s.current)).toHaveLength(1);
    const phoneId = items.find((s) => !s.current)!.id;
    expect((await del(phoneId, laptop)).statusCode).toBe(204);
    expect((await me(phone)).statusCode).toBe(401);
    expect((await me(laptop)).statusCode).toBe(200);
  });

  it('never lets one customer see or end another customer’s session (object-level check)', async () => {
    const ann = await signIn(t, await createVerifiedAccount(t));
    const bob = await signIn(t, await createVerifiedAccount(t));
    const bobSession = (await list(bob))[0]!.id;
    expect((await list(ann)).map((s) => s.id)).not.toContain(bobSession);
    const res = await del(bobSession, ann);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'AUTH_SESSION_NOT_FOUND' });
    expect((await me(bob)).statusCode).toBe(200);
    expect((await del('not-a-uuid', ann)).statusCode).toBe(400);
  });
});
