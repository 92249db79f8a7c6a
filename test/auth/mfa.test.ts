import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { createVerifiedAccount, goodPassword, mailsTo, post, sessionCookie, signIn, totp } from '../support/accounts.js';
import { expectSealedFor } from '../support/sealed-field.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const me = (cookie: string) => t.app.inject({ url: '/api/v1/me', headers: { cookie } });

interface Enrolled {
  email: string;
  secret: string;
  recoveryCodes: string[];
  /** The session after confirming: rotated and fully signed in. */
  cookie: string;
}

/** A verified account with MFA turned on. */
async function enrolledAccount(): Promise<Enrolled> {
  const email = await createVerifiedAccount(t);
  const first = await signIn(t, email);
  const enrol = await post(t, '/api/v1/auth/mfa/enrol', {}, first);
  expect(enrol.statusCode).toBe(200);
  const { secret } = enrol.json<{ secret: string }>();
  const confirm = await post(t, '/api/v1/auth/mfa/confirm', { code: await totp(t, secret) }, first);
  expect(confirm.statusCode).toBe(200);
  // Step past the confirming code's window, so the next code is a fresh one.
  t.clock.advance(30_000);
  return { email, secret, recoveryCodes: confirm.json<{ recoveryCodes: string[] }>().recoveryCodes, cookie: sessionCookie(confirm)! };
}

describe('enrolling in TOTP', () => {
  it('shows the secret, an otpauth URI and a locally rendered SVG QR code, and stores the secret sealed', async () => {
    const email = await createVerifiedAccount(t);
    const cookie = await signIn(t, email);
    const res = await post(t, '/api/v1/auth/mfa/enrol', {}, cookie);
    const body = res.json<{ secret: string; otpauthUri: string; qrSvg: string }>();
    expect(body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(body.otpauthUri).toBe(`otpauth://totp/${encodeURIComponent(t.config.shop.name)}:${encodeURIComponent(email)}?secret=${body.secret}&issuer=${encodeURIComponent(t.config.shop.name)}`);
    expect(body.qrSvg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*viewBox/);
    const rows = await t.database.db.selectFrom('mfa_totp').select('secret_encrypted').execute();
    expect(rows.map((r) => Buffer.from(r.secret_encrypted).toString('latin1')).join()).not.toContain(body.secret);
    // An envelope bound to this account's row, which opens to the secret shown and nowhere else.
    const { id } = (await me(cookie)).json<{ id: string }>();
    const row = await t.database.db.selectFrom('mfa_totp').select('secret_encrypted').where('user_id', '=', id).executeTakeFirstOrThrow();
    const otherAccount = '00000000-0000-4000-8000-000000000001';
    expect(await expectSealedFor(t.keyRing, row.secret_encrypted, { table: 'mfa_totp', column: 'secret_encrypted', rowId: id }, { otherRowId: otherAccount, otherColumn: 'recovery_code' })).toBe(body.secret);
    // Not on until confirmed.
    expect((await me(cookie)).json()).toMatchObject({ mfaEnabled: false });
  });

  it('turns MFA on with a first code, returns ten single-use recovery codes once, and rotates the session', async () => {
    const email = await createVerifiedAccount(t);
    const cookie = await signIn(t, email);
    const { secret } = (await post(t, '/api/v1/auth/mfa/enrol', {}, cookie)).json<{ secret: string }>();
    const wrong = await post(t, '/api/v1/auth/mfa/confirm', { code: '000000' }, cookie);
    expect(wrong.json()).toMatchObject({ code: 'AUTH_MFA_CODE_INVALID' });
    const res = await post(t, '/api/v1/auth/mfa/confirm', { code: await totp(t, secret) }, cookie);
    expect(res.statusCode).toBe(200);
    const codes = res.json<{ recoveryCodes: string[] }>().recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
    const stored = await t.database.db.selectFrom('mfa_recovery_code').select('code_hash').execute();
    expect(JSON.stringify(stored)).not.toContain(codes[0]!.replaceAll('-', '').toUpperCase());
    const rotated = sessionCookie(res)!;
    expect(rotated).not.toBe(cookie);
    expect((await me(cookie)).statusCode).toBe(401);
    expect((await me(rotated)).json()).toMatchObject({ mfaEnabled: true });
    expect((await mailsTo(t, email))[0]?.subject).toContain('Two-step verification is on');
    // A second enrolment is refused while MFA is on.
    expect((await post(t, '/api/v1/auth/mfa/enrol', {}, rotated)).json()).toMatchObject({ code: 'AUTH_MFA_ALREADY_ENABLED' });
  });

  it('refuses to confirm without an enrolment, and to enrol without a session', async () => {
    const email = await createVerifiedAccount(t);
    const cookie = await signIn(t, email);
    expect((await post(t, '/api/v1/auth/mfa/confirm', { code: '123456' }, cookie)).json()).toMatchObject({ code: 'AUTH_MFA_NOT_ENROLLING' });
    expect((await post(t, '/api/v1/auth/mfa/enrol', {})).json()).toMatchObject({ code: 'AUTH_SIGN_IN_REQUIRED' });
  });
});

describe('signing in with TOTP', () => {
  it('asks for a code after the password, and the half-signed-in session can do nothing else', async () => {
    const { email, secret } = await enrolledAccount();
    const res = await post(t, '/api/v1/auth/sign-in', { email, password: goodPassword });
    expect(res.json()).toEqual({ status: 'mfa_required', mfaRequired: true });
    const pending = sessionCookie(res)!;
    const blocked = await me(pending);
    expect(blocked.statusCode).toBe(401);
    expect(blocked.json()).toMatchObject({ code: 'AUTH_MFA_REQUIRED' });
    expect((await post(t, '/api/v1/auth/mfa/enrol', {}, pending)).json()).toMatchObject({ code: 'AUTH_MFA_REQUIRED' });

    const verified = await post(t, '/api/v1/auth/mfa/verify', { code: await totp(t, secret) }, pending);
    expect(verified.statusCode).toBe(200);
    const full = sessionCookie(verified)!;
    expect(full).not.toBe(pending);
    expect((await me(pending)).statusCode).toBe(401);
    expect((await me(full)).statusCode).toBe(200);
  });

  it('refuses a wrong code, and the same right code a second time (no replay within the window)', async () => {
    const { email, secret } = await enrolledAccount();
    const pendingA = sessionCookie(await post(t, '/api/v1/auth/sign-in', { email, password: goodPassword }))!;
    const pendingB = sessionCookie(await post(t, '/api/v1/auth/sign-in', { email, password: goodPassword }))!;
    const wrong = await post(t, '/api/v1/auth/mfa/verify', { code: '000000' }, pendingA);
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ code: 'AUTH_MFA_CODE_INVALID' });
    const code = await totp(t, secret);
    expect((await post(t, '/api/v1/auth/mfa/verify', { code }, pendingA)).statusCode).toBe(200);
    const replay = await post(t, '/api/v1/auth/mfa/verify', { code }, pendingB);
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toMatchObject({ code: 'AUTH_MFA_CODE_INVALID' });
    // A code from the previous step is older than the accepted one: refused too.
    expect((await post(t, '/api/v1/auth/mfa/verify', { code: await totp(t, secret, -1) }, pendingB)).statusCode).toBe(401);
    t.clock.advance(30_000);
    expect((await post(t, '/api/v1/auth/mfa/verify', { code: await totp(t, secret) }, pendingB)).statusCode).toBe(200);
  });

  it('accepts a code one step behind or ahead (clock drift), but not two', async () => {
    const { email, secret } = await enrolledAccount();
    const pending = () => post(t, '/api/v1/auth/sign-in', { email, password: goodPassword }).then((r) => sessionCookie(r)!);
    expect((await post(t, '/api/v1/auth/mfa/verify', { code: await totp(t, secret, 2) }, await pending())).statusCode).toBe(401);
    expect((await post(t, '/api/v1/auth/mfa/verify', { code: await totp(t, secret, 1) }, await pending())).statusCode).toBe(200);
  });

  it('uses each recovery code once', async () => {
    const { email, recoveryCodes } = await enrolledAccount();
    const pending = () => post(t, '/api/v1/auth/sign-in', { email, password: goodPassword }).then((r) => sessionCookie(r)!);
    const code = recoveryCodes[3]!;
    const first = await post(t, '/api/v1/auth/mfa/verify', { recoveryCode: code.toUpperCase().replaceAll('-', ' ') }, await pending());
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ recoveryCodesLeft: 9 });
    const again = await post(t, '/api/v1/auth/mfa/verify', { recoveryCode: code }, await pending());
    expect(again.json()).toMatchObject({ code: 'AUTH_MFA_CODE_INVALID' });
  });

  it('locks MFA for a growing time after five wrong codes', async () => {
    const { email, secret } = await enrolledAccount();
    const pending = sessionCookie(await post(t, '/api/v1/auth/sign-in', { email, password: goodPassword }))!;
    for (let i = 0; i < 5; i++) expect((await post(t, '/api/v1/auth/mfa/verify', { code: '000000' }, pending)).statusCode).toBe(401);
    const locked = await post(t, '/api/v1/auth/mfa/verify', { code: await totp(t, secret) }, pending);
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ code: 'AUTH_TOO_MANY_ATTEMPTS' });
  });

  it('refuses a body that carries both a code and a recovery code, or anything else', async () => {
    const { email } = await enrolledAccount();
    const pending = sessionCookie(await post(t, '/api/v1/auth/sign-in', { email, password: goodPassword }))!;
    for (const body of [{ code: '123456', recoveryCode: 'abcd' }, { code: '123456', mfaVerified: true }, {}]) {
      expect((await post(t, '/api/v1/auth/mfa/verify', body, pending)).json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
  });
});

describe('turning MFA off', () => {
  it('needs the password and a current code, then rotates the session', async () => {
    const { email, secret, cookie } = await enrolledAccount();
    const noPassword = await post(t, '/api/v1/auth/mfa/disable', { password: 'not-my-password-1', code: await totp(t, secret) }, cookie);
    expect(noPassword.json()).toMatchObject({ code: 'AUTH_INVALID_CREDENTIALS' });
    const noCode = await post(t, '/api/v1/auth/mfa/disable', { password: goodPassword, code: '000000' }, cookie);
    expect(noCode.json()).toMatchObject({ code: 'AUTH_MFA_CODE_INVALID' });
    expect((await post(t, '/api/v1/auth/mfa/disable', { password: goodPassword }, cookie)).json()).toMatchObject({ code: 'VALIDATION_FAILED' });

    const res = await post(t, '/api/v1/auth/mfa/disable', { password: goodPassword, code: await totp(t, secret) }, cookie);
    expect(res.statusCode).toBe(200);
    const rotated = sessionCookie(res)!;
    expect(rotated).not.toBe(cookie);
    expect((await me(rotated)).json()).toMatchObject({ mfaEnabled: false });
    expect(await t.database.db.selectFrom('mfa_recovery_code').selectAll().where('user_id', '=', (await me(rotated)).json<{ id: string }>().id).execute()).toHaveLength(0);
    // Signing in again needs no code.
    expect((await post(t, '/api/v1/auth/sign-in', { email, password: goodPassword })).json()).toMatchObject({ mfaRequired: false });
  });

  it('accepts a recovery code instead of a TOTP code', async () => {
    const { recoveryCodes, cookie } = await enrolledAccount();
    const res = await post(t, '/api/v1/auth/mfa/disable', { password: goodPassword, recoveryCode: recoveryCodes[0]! }, cookie);
    expect(res.statusCode).toBe(200);
  });
});

describe('password reset with MFA on', () => {
  it('does not sign anyone in: the next sign-in still asks for a code', async () => {
    const { email } = await enrolledAccount();
    await post(t, '/api/v1/auth/password-reset/request', { email });
    const mails = await mailsTo(t, email);
    const token = /\/account\/reset\?token=([A-Za-z0-9_-]+)/.exec(mails.map((m) => m.text).join('\n'))![1]!;
    const reset = await post(t, '/api/v1/auth/password-reset/confirm', { token, password: 'new-lantern-harbour-7' });
    expect(sessionCookie(reset)).toBe('session=');
    expect((await post(t, '/api/v1/auth/sign-in', { email, password: 'new-lantern-harbour-7' })).json()).toMatchObject({ mfaRequired: true });
  });
});
