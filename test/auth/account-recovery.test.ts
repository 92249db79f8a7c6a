import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifiedAccount, goodPassword, mailsTo, newEmail, post, sessionCookie, signIn, tokenFromMail, totp } from '../support/accounts.js';
import { FormBrowser } from '../support/form-browser.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { api, signedInCustomer, withMfa } from '../customers/customers-test-helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const newPassword = 'copper-lantern-meadow-77';

async function pendingOf(userId: string) {
  const pending = await t.database.db.selectFrom('email_change_request').select('id').where('user_id', '=', userId).execute();
  const tokens = await t.database.db.selectFrom('auth_token').select('purpose').where('user_id', '=', userId).execute();
  return { pending: pending.length, tokens: tokens.map((r) => r.purpose).sort() };
}

async function idOf(cookie: string): Promise<string> {
  return (await api(t, 'GET', '/api/v1/me', cookie)).json<{ id: string }>().id;
}

/** The thief knows the password: signs in on their own device and asks to move the account to their mailbox. */
async function thiefAsksForChange(victimEmail: string) {
  const thiefCookie = await signIn(t, victimEmail);
  const thiefMailbox = newEmail('thief');
  const asked = await post(t, '/api/v1/auth/email', { password: goodPassword, newEmail: thiefMailbox }, thiefCookie);
  expect(asked.statusCode).toBe(202);
  return { thiefCookie, thiefMailbox, confirmToken: await tokenFromMail(t, thiefMailbox, '/account/email/confirm') };
}

async function expectThiefLocksOut(victimEmail: string, userId: string, thief: { thiefCookie: string; thiefMailbox: string; confirmToken: string }, password: string) {
  // The link needs no session, and it no longer works.
  const confirm = await post(t, '/api/v1/auth/email/confirm', { token: thief.confirmToken });
  expect(confirm.statusCode).toBe(400);
  expect(confirm.json()).toMatchObject({ code: 'AUTH_TOKEN_INVALID' });
  expect((await api(t, 'GET', '/api/v1/me', thief.thiefCookie)).json()).toMatchObject({ code: 'AUTH_SIGN_IN_REQUIRED' });
  // Nothing moved: the account keeps the victim's address, and a reset for either address never reaches the thief.
  const victim = await signIn(t, victimEmail, password);
  expect((await api(t, 'GET', '/api/v1/me', victim)).json()).toMatchObject({ id: userId, email: victimEmail });
  expect((await pendingOf(userId)).pending).toBe(0);
  await post(t, '/api/v1/auth/password-reset/request', { email: thief.thiefMailbox });
  await post(t, '/api/v1/auth/password-reset/request', { email: victimEmail });
  const toThief = await mailsTo(t, thief.thiefMailbox);
  expect(toThief.some((m) => m.text.includes('/account/reset?token='))).toBe(false);
  expect((await mailsTo(t, victimEmail))[0]!.text).toContain('/account/reset?token=');
}

describe('a pending change of e-mail does not survive recovery', () => {
  it('the takeover end to end: after a password change, sign-out everywhere and a reset, the thief’s confirm link is dead', async () => {
    const victimEmail = await createVerifiedAccount(t, newEmail('victim'));
    const victimCookie = await signIn(t, victimEmail);
    const userId = await idOf(victimCookie);
    const thief = await thiefAsksForChange(victimEmail);
    expect(await pendingOf(userId)).toEqual({ pending: 1, tokens: ['email_change', 'email_change_cancel'] });

    // The victim follows the notice: a new password, sign out everywhere, then a reset.
    const changed = await post(t, '/api/v1/auth/password', { currentPassword: goodPassword, newPassword }, victimCookie);
    expect(changed.statusCode).toBe(200);
    const afterChange = sessionCookie(changed)!;
    expect((await post(t, '/api/v1/auth/sign-out-everywhere', {}, afterChange)).statusCode).toBe(200);
    await post(t, '/api/v1/auth/password-reset/request', { email: victimEmail });
    const resetToken = await tokenFromMail(t, victimEmail, '/account/reset');
    const finalPassword = 'granite-orchard-sparrow-12';
    expect((await post(t, '/api/v1/auth/password-reset/confirm', { token: resetToken, password: finalPassword })).statusCode).toBe(200);

    await expectThiefLocksOut(victimEmail, userId, thief, finalPassword);
  });

  // Each step returns the password the victim then signs in with, or undefined when a code is needed too.
  const steps: [string, (email: string, cookie: string) => Promise<string | undefined>][] = [
    ['a password change', async (_email, cookie) => {
      expect((await post(t, '/api/v1/auth/password', { currentPassword: goodPassword, newPassword }, cookie)).statusCode).toBe(200);
      return newPassword;
    }],
    ['signing out everywhere', async (_email, cookie) => {
      expect((await post(t, '/api/v1/auth/sign-out-everywhere', {}, cookie)).statusCode).toBe(200);
      return goodPassword;
    }],
    ['a reset', async (email) => {
      await post(t, '/api/v1/auth/password-reset/request', { email });
      const token = await tokenFromMail(t, email, '/account/reset');
      expect((await post(t, '/api/v1/auth/password-reset/confirm', { token, password: newPassword })).statusCode).toBe(200);
      return newPassword;
    }],
    ['turning two-step verification on', async (email, cookie) => {
      await withMfa(t, { email, cookie, userId: '' });
      return undefined;
    }],
  ];
  it.each(steps)('%s alone cancels the thief’s pending change and every outstanding link', async (_step, step) => {
    const victimEmail = await createVerifiedAccount(t, newEmail('victim'));
    const victimCookie = await signIn(t, victimEmail);
    const userId = await idOf(victimCookie);
    const thief = await thiefAsksForChange(victimEmail);
    const password = await step(victimEmail, victimCookie);
    expect(await pendingOf(userId)).toEqual({ pending: 0, tokens: [] });
    const confirm = await post(t, '/api/v1/auth/email/confirm', { token: thief.confirmToken });
    expect(confirm.statusCode).toBe(400);
    expect(confirm.json()).toMatchObject({ code: 'AUTH_TOKEN_INVALID' });
    if (password !== undefined) await expectThiefLocksOut(victimEmail, userId, thief, password);
  });

  it('"this was not me" in the notice cancels the change, signs out every device and mails a reset link to the old address', async () => {
    const victimEmail = await createVerifiedAccount(t, newEmail('victim'));
    const victimCookie = await signIn(t, victimEmail);
    const userId = await idOf(victimCookie);
    const thief = await thiefAsksForChange(victimEmail);
    const cancelToken = await tokenFromMail(t, victimEmail, '/account/email/cancel');

    const page = await t.app.inject({ url: `/account/email/cancel?token=${cancelToken}`, headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('This was not me');

    const cancelled = await post(t, '/api/v1/auth/email/cancel', { token: cancelToken });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'email_change_cancelled' });
    expect((await api(t, 'GET', '/api/v1/me', victimCookie)).json()).toMatchObject({ code: 'AUTH_SIGN_IN_REQUIRED' });
    expect((await pendingOf(userId)).tokens).toEqual(['password_reset']);
    const resetToken = await tokenFromMail(t, victimEmail, '/account/reset');
    expect((await post(t, '/api/v1/auth/password-reset/confirm', { token: resetToken, password: newPassword })).statusCode).toBe(200);
    const again = await post(t, '/api/v1/auth/email/cancel', { token: cancelToken });
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({ code: 'AUTH_TOKEN_INVALID' });
    await expectThiefLocksOut(victimEmail, userId, thief, newPassword);
    const events = await t.audit.listForTarget('user_account', userId);
    expect(events.map((e) => e.action)).toContain('customer.email_change_cancelled');
  });

  it('the owner’s own change still goes through when nothing intervenes', async () => {
    const c = await signedInCustomer(t, 'mover');
    const next = newEmail('moved');
    expect((await post(t, '/api/v1/auth/email', { password: goodPassword, newEmail: next }, c.cookie)).statusCode).toBe(202);
    const token = await tokenFromMail(t, next, '/account/email/confirm');
    expect((await post(t, '/api/v1/auth/email/confirm', { token }, c.cookie)).statusCode).toBe(200);
    expect((await api(t, 'GET', '/api/v1/me', c.cookie)).json()).toMatchObject({ email: next });
    // The "not me" link went to the old address and died with the change.
    const cancelToken = await tokenFromMail(t, c.email, '/account/email/cancel');
    expect((await post(t, '/api/v1/auth/email/cancel', { token: cancelToken })).json()).toMatchObject({ code: 'AUTH_TOKEN_INVALID' });
  });
});

describe('recent re-authentication before changing how the account is signed in to', () => {
  const eleven = 11 * 60_000;
  /** A session taken from the owner's browser: still live (kept warm), but its sign-in is not recent. */
  async function stolenSession(withTotp = false) {
    const c = await signedInCustomer(t, 'owner');
    let cookie = c.cookie;
    let secret: string | undefined;
    if (withTotp) ({ cookie, secret } = await withMfa(t, c));
    t.clock.advance(eleven);
    return { ...c, cookie, secret };
  }

  const refused = async (res: Awaited<ReturnType<typeof post>>) => {
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'AUTH_REAUTH_REQUIRED' });
  };

  it('a stolen session cannot add a passkey, turn TOTP on, change address or password, or delete the account', async () => {
    const s = await stolenSession();
    await refused(await post(t, '/api/v1/auth/passkeys/registration/options', {}, s.cookie));
    await refused(await post(t, '/api/v1/auth/mfa/enrol', {}, s.cookie));
    await refused(await post(t, '/api/v1/auth/email', { password: goodPassword, newEmail: newEmail('thief') }, s.cookie));
    await refused(await post(t, '/api/v1/auth/password', { currentPassword: goodPassword, newPassword }, s.cookie));
    await refused(await post(t, '/api/v1/me/delete', {}, s.cookie));
    // Nothing changed: no challenge, no TOTP, no pending change, the password and the account as they were.
    const db = t.database.db;
    expect(await db.selectFrom('webauthn_challenge').select('user_id').where('user_id', '=', s.userId).execute()).toEqual([]);
    expect(await db.selectFrom('mfa_totp').select('user_id').where('user_id', '=', s.userId).execute()).toEqual([]);
    expect(await pendingOf(s.userId)).toEqual({ pending: 0, tokens: [] });
    expect((await api(t, 'GET', '/api/v1/me', s.cookie)).json()).toMatchObject({ email: s.email, mfaEnabled: false });
    expect((await post(t, '/api/v1/auth/sign-in', { email: s.email, password: goodPassword })).statusCode).toBe(200);
  });

  it('a stolen session of an account with TOTP cannot turn it off or make new recovery codes', async () => {
    const s = await stolenSession(true);
    await refused(await post(t, '/api/v1/auth/mfa/disable', { password: goodPassword, code: await totp(t, s.secret!) }, s.cookie));
    await refused(await post(t, '/api/v1/auth/mfa/recovery-codes', {}, s.cookie));
    expect((await api(t, 'GET', '/api/v1/me', s.cookie)).json()).toMatchObject({ mfaEnabled: true });
    const codes = await t.database.db.selectFrom('mfa_recovery_code').select('code_hash').where('user_id', '=', s.userId).execute();
    expect(codes).toHaveLength(10);
  });

  it('re-authentication needs the password and the current code; then each change works for ten minutes', async () => {
    const s = await stolenSession(true);
    const noCode = await post(t, '/api/v1/auth/reauthenticate', { password: goodPassword }, s.cookie);
    expect(noCode.statusCode).toBe(400);
    expect(noCode.json()).toMatchObject({ code: 'AUTH_MFA_CODE_REQUIRED' });
    const wrong = await post(t, '/api/v1/auth/reauthenticate', { password: 'not-the-password-at-all', code: await totp(t, s.secret!) }, s.cookie);
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ code: 'AUTH_INVALID_CREDENTIALS' });

    const ok = await post(t, '/api/v1/auth/reauthenticate', { password: goodPassword, code: await totp(t, s.secret!) }, s.cookie);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'reauthenticated', validForMinutes: 10 });
    const fresh = sessionCookie(ok)!;
    // The token changed with the privilege: the copy taken earlier is gone.
    expect((await api(t, 'GET', '/api/v1/me', s.cookie)).json()).toMatchObject({ code: 'AUTH_SIGN_IN_REQUIRED' });

    const codes = await post(t, '/api/v1/auth/mfa/recovery-codes', {}, fresh);
    expect(codes.statusCode).toBe(200);
    expect(codes.json<{ recoveryCodes: string[] }>().recoveryCodes).toHaveLength(10);
    expect((await mailsTo(t, s.email))[0]!.subject).toContain('New recovery codes were made');
    expect((await post(t, '/api/v1/auth/passkeys/registration/options', {}, fresh)).statusCode).toBe(200);

    t.clock.advance(eleven);
    await refused(await post(t, '/api/v1/auth/mfa/recovery-codes', {}, fresh));
  });

  it('a password sign-in without TOTP counts as re-authentication, so the owner acts at once', async () => {
    const c = await signedInCustomer(t, 'fresh');
    const enrol = await post(t, '/api/v1/auth/mfa/enrol', {}, c.cookie);
    expect(enrol.statusCode).toBe(200);
    const deleted = await post(t, '/api/v1/me/delete', {}, c.cookie);
    expect(deleted.statusCode).toBe(200);
  });
});

describe('the re-authentication page, without JavaScript', () => {
  it('sends a stale session from a security page to confirm, then back to the page', async () => {
    const c = await signedInCustomer(t, 'pages');
    const b = new FormBrowser(t.app);
    b.cookies.set('session', c.cookie.split('=')[1]!);
    t.clock.advance(11 * 60_000);
    const page = await b.get('/account/security/email');
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/account/security/confirm?next=%2Faccount%2Fsecurity%2Femail');
    const confirm = await b.get(page.headers.location as string);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('Confirm it is you');
    const wrong = await b.post('/account/security/confirm', { next: '/account/security/email', password: 'not-the-password-at-all' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('Your password is not right');
    await b.get('/account/security/confirm?next=%2Faccount%2Fsecurity%2Femail');
    const ok = await b.post('/account/security/confirm', { next: '/account/security/email', password: goodPassword });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/account/security/email');
    expect((await b.get('/account/security/email')).statusCode).toBe(200);
  });

  it('goes back only to an account page (no open redirect)', async () => {
    const c = await signedInCustomer(t, 'redirect');
    const b = new FormBrowser(t.app);
    b.cookies.set('session', c.cookie.split('=')[1]!);
    await b.get('/account/security/confirm?next=https%3A%2F%2Fevil.example%2F');
    const ok = await b.post('/account/security/confirm', { next: '//evil.example/account', password: goodPassword });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/account');
  });
});

describe('the session list', () => {
  it('names each device by browser and system from its User-Agent, and keeps nothing else of the header', async () => {
    const email = await createVerifiedAccount(t, newEmail('devices'));
    const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
    const iphone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
    const desk = await signIn(t, email);
    const phone = await signIn(t, email);
    const as = (cookie: string, ua: string) => t.app.inject({ url: '/api/v1/me/sessions', headers: { cookie, 'user-agent': ua } });
    await as(phone, iphone);
    const list = (await as(desk, firefox)).json<{ items: { device: string | null; current: boolean }[] }>().items;
    expect(list.find((s) => s.current)?.device).toBe('Firefox on Linux');
    expect(list.find((s) => !s.current)?.device).toBe('Safari on iOS');
    // A later request with another header does not rename the device.
    await as(desk, 'curl/8.0');
    expect((await as(desk, firefox)).json<{ items: { device: string | null; current: boolean }[] }>().items.find((s) => s.current)?.device).toBe('Firefox on Linux');
    const page = await t.app.inject({ url: '/account', headers: { cookie: desk, accept: 'text/html' } });
    expect(page.body).toContain('Firefox on Linux (this device)');
    expect(page.body).toContain('Safari on iOS');
  });
});

describe('joining the staff', () => {
  it('ends every session of the account, so a stolen one gains no back-office access', async () => {
    const email = await createVerifiedAccount(t, newEmail('joiner'));
    const stolen = await signIn(t, email);
    const { link } = await t.staff.inviteFromCommandLine({ email, role: 'support' });
    const token = new URL(link).searchParams.get('token')!;
    const b = new FormBrowser(t.app);
    await b.get(`/admin/invitations/accept?token=${token}`);
    const joined = await b.post('/admin/invitations/accept', { token, password: goodPassword });
    expect(joined.statusCode).toBe(303);
    const res = await api(t, 'GET', '/api/v1/admin/me', stolen);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'AUTH_SIGN_IN_REQUIRED' });
    expect((await api(t, 'GET', '/api/v1/me', stolen)).json()).toMatchObject({ code: 'AUTH_SIGN_IN_REQUIRED' });
  });
});
