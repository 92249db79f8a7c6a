import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp } from '../support/test-app.js';
import { createVerifiedAccount, goodPassword, mailsTo, newEmail, post, sessionCookie, signIn, tokenFromMail } from '../support/accounts.js';
import { createTestApp } from '../support/test-app.js';
import { expectSealedFor } from '../support/sealed-field.js';
import { api, signedInCustomer } from './customers-test-helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const confirmPath = '/account/email/confirm';

async function emailChangeRows(userId: string) {
  const tokens = await t.database.db.selectFrom('auth_token').select('purpose').where('user_id', '=', userId).where('purpose', '=', 'email_change').execute();
  const pending = await t.database.db.selectFrom('email_change_request').selectAll().where('user_id', '=', userId).execute();
  return { tokens, pending };
}

describe('change of e-mail', () => {
  it('mails a link to the new address and a notice to the old; confirming moves the account and ends every other session', async () => {
    const customer = await signedInCustomer(t, 'mover');
    const otherDevice = await signIn(t, customer.email);
    const next = newEmail('moved');

    const asked = await post(t, '/api/v1/auth/email', { password: goodPassword, newEmail: next.toUpperCase() }, customer.cookie);
    expect(asked.statusCode).toBe(202);
    expect(asked.headers['cache-control']).toBe('private, no-store');
    expect((await mailsTo(t, customer.email)).map((m) => m.subject)).toContainEqual(expect.stringContaining('A change of e-mail address was asked for'));
    // The pending address is sealed at rest, like the account's own.
    const { pending } = await emailChangeRows(customer.userId);
    expect(pending).toHaveLength(1);
    expect(Buffer.from(pending[0]!.new_email_encrypted).toString('latin1')).not.toContain(next);
    const request = { table: 'email_change_request', column: 'new_email_encrypted', rowId: pending[0]!.id };
    expect(await expectSealedFor(t.keyRing, pending[0]!.new_email_encrypted, request, { otherRowId: customer.userId, otherColumn: 'email_encrypted' })).toBe(next);

    const token = await tokenFromMail(t, next, confirmPath);
    // Opening the link shows a button and uses nothing up.
    const page = await t.app.inject({ url: `${confirmPath}?token=${token}`, headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('private, no-store');
    expect(page.body).toContain('Confirm my new e-mail address');

    const confirmed = await post(t, '/api/v1/auth/email/confirm', { token }, customer.cookie);
    expect(confirmed.statusCode).toBe(200);

    const me = await api(t, 'GET', '/api/v1/me', customer.cookie);
    expect(me.json()).toMatchObject({ email: next, emailVerified: true });
    expect((await api(t, 'GET', '/api/v1/me', otherDevice)).json()).toMatchObject({ code: 'AUTH_SIGN_IN_REQUIRED' });
    expect((await post(t, '/api/v1/auth/sign-in', { email: customer.email, password: goodPassword })).json()).toMatchObject({ code: 'AUTH_INVALID_CREDENTIALS' });
    expect((await post(t, '/api/v1/auth/sign-in', { email: next, password: goodPassword })).statusCode).toBe(200);

    expect((await mailsTo(t, customer.email))[0]!.subject).toContain('Your e-mail address was changed');
    const raw = await t.database.db.selectFrom('user_account').select('email_encrypted').where('id', '=', customer.userId).executeTakeFirstOrThrow();
    expect(Buffer.from(raw.email_encrypted).toString('latin1')).not.toContain(next);
    // The account's row now holds the new address in an envelope of its own, not the request's moved over.
    expect(Buffer.from(raw.email_encrypted).equals(Buffer.from(pending[0]!.new_email_encrypted))).toBe(false);
    expect(await expectSealedFor(t.keyRing, raw.email_encrypted, { table: 'user_account', column: 'email_encrypted', rowId: customer.userId }, { otherRowId: pending[0]!.id, otherColumn: 'new_email_encrypted' })).toBe(next);
    expect(await emailChangeRows(customer.userId)).toEqual({ tokens: [], pending: [] });
    const events = await t.audit.listForTarget('user_account', customer.userId);
    expect(events.map((e) => e.action)).toContain('customer.email_changed');
    expect(events.find((e) => e.action === 'customer.email_changed')).toMatchObject({ actorType: 'customer', actorId: customer.userId });
  });

  it('refuses a wrong password and mails nothing', async () => {
    const customer = await signedInCustomer(t, 'wrongpw');
    const next = newEmail('never');
    const res = await post(t, '/api/v1/auth/email', { password: 'not-my-password-at-all', newEmail: next }, customer.cookie);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'AUTH_INVALID_CREDENTIALS' });
    expect(await mailsTo(t, next)).toEqual([]);
    expect(await emailChangeRows(customer.userId)).toEqual({ tokens: [], pending: [] });
  });

  it('answers a taken address exactly like a free one, and mails its owner a notice instead of a link', async () => {
    const customer = await signedInCustomer(t, 'asker');
    const taken = await createVerifiedAccount(t, newEmail('owner'));
    const free = newEmail('free');

    const forFree = await post(t, '/api/v1/auth/email', { password: goodPassword, newEmail: free }, customer.cookie);
    const forTaken = await post(t, '/api/v1/auth/email', { password: goodPassword, newEmail: taken }, customer.cookie);
    expect(forTaken.statusCode).toBe(forFree.statusCode);
    expect(forTaken.body).toBe(forFree.body);

    const toOwner = await mailsTo(t, taken);
    expect(toOwner[0]!.subject).toContain('Your address was given for another account');
    expect(toOwner.some((m) => m.text.includes(confirmPath))).toBe(false);
    // The old address hears of both requests alike.
    expect((await mailsTo(t, customer.email)).filter((m) => m.subject.includes('A change of e-mail address was asked for'))).toHaveLength(2);
    // Asking again cancelled the link to the free address; nothing is pending for the taken one.
    expect(await emailChangeRows(customer.userId)).toEqual({ tokens: [], pending: [] });
    const stale = await tokenFromMail(t, free, confirmPath);
    expect((await post(t, '/api/v1/auth/email/confirm', { token: stale })).json()).toMatchObject({ code: 'AUTH_TOKEN_INVALID' });
  });

  it('refuses an expired link, then the same link as used', async () => {
    const customer = await signedInCustomer(t, 'late');
    const next = newEmail('late-new');
    await post(t, '/api/v1/auth/email', { password: goodPassword, newEmail: next }, customer.cookie);
    const token = await tokenFromMail(t, next, confirmPath);
    t.clock.advance(24 * 3_600_000 + 1000);
    const expired = await post(t, '/api/v1/auth/email/confirm', { token });
    expect(expired.statusCode).toBe(400);
    expect(expired.json()).toMatchObject({ code: 'AUTH_TOKEN_EXPIRED' });
    expect((await post(t, '/api/v1/auth/email/confirm', { token })).json()).toMatchObject({ code: 'AUTH_TOKEN_INVALID' });
    expect(await emailChangeRows(customer.userId)).toEqual({ tokens: [], pending: [] });
    expect((await post(t, '/api/v1/auth/sign-in', { email: customer.email, password: goodPassword })).statusCode).toBe(200);
  });

  it('uses a link once, and ends every session when confirmed from a signed-out browser', async () => {
    const customer = await signedInCustomer(t, 'once');
    const next = newEmail('once-new');
    await post(t, '/api/v1/auth/email', { password: goodPassword, newEmail: next }, customer.cookie);
    const token = await tokenFromMail(t, next, confirmPath);
    const first = await post(t, '/api/v1/auth/email/confirm', { token });
    expect(first.statusCode).toBe(200);
    expect((await post(t, '/api/v1/auth/email/confirm', { token })).json()).toMatchObject({ code: 'AUTH_TOKEN_INVALID' });
    expect((await api(t, 'GET', '/api/v1/me', customer.cookie)).json()).toMatchObject({ code: 'AUTH_SIGN_IN_REQUIRED' });
  });

  it('cancels a password-reset link mailed to the old address', async () => {
    const customer = await signedInCustomer(t, 'reset-old');
    await post(t, '/api/v1/auth/password-reset/request', { email: customer.email });
    const resetToken = await tokenFromMail(t, customer.email, '/account/reset');
    const next = newEmail('reset-new');
    await post(t, '/api/v1/auth/email', { password: goodPassword, newEmail: next }, customer.cookie);
    await post(t, '/api/v1/auth/email/confirm', { token: await tokenFromMail(t, next, confirmPath) }, customer.cookie);
    const reset = await post(t, '/api/v1/auth/password-reset/confirm', { token: resetToken, password: 'a-brand-new-passphrase' });
    expect(reset.json()).toMatchObject({ code: 'AUTH_TOKEN_INVALID' });
  });

  it('needs a full sign-in, a well-formed address and no extra fields', async () => {
    const customer = await signedInCustomer(t, 'shape');
    expect((await post(t, '/api/v1/auth/email', { password: goodPassword, newEmail: newEmail() })).json()).toMatchObject({ code: 'AUTH_SIGN_IN_REQUIRED' });
    expect((await post(t, '/api/v1/auth/email', { password: goodPassword, newEmail: 'not-an-address' }, customer.cookie)).json()).toMatchObject({
      code: 'AUTH_EMAIL_INVALID',
    });
    const extra = await post(t, '/api/v1/auth/email', { password: goodPassword, newEmail: newEmail(), emailVerified: true }, customer.cookie);
    expect(extra.statusCode).toBe(400);
    expect(extra.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('works through the pages: the form, the mailed link, the button', async () => {
    const customer = await signedInCustomer(t, 'pages');
    const form = await t.app.inject({ url: '/account/security/email', headers: { accept: 'text/html', cookie: customer.cookie } });
    expect(form.statusCode).toBe(200);
    expect(form.headers['cache-control']).toBe('private, no-store');
    expect(form.body).toMatch(/<input[^>]*id="newEmail"[^>]*autocomplete="email"/);
    expect(form.body).toMatch(/<input[^>]*id="password"[^>]*type="password"[^>]*autocomplete="current-password"/);
    const csrfCookie = /(csrf=[^;]+)/.exec(String(form.headers['set-cookie']))![1]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
    const cookie = `${customer.cookie}; ${csrfCookie}`;
    const postForm = (url: string, fields: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url,
        payload: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', cookie },
      });

    const wrong = await postForm('/account/security/email', { newEmail: newEmail(), password: 'nope-nope-nope' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('There is a problem');
    expect(wrong.body).toContain('Your password is not right');

    const next = newEmail('pages-new');
    const asked = await postForm('/account/security/email', { newEmail: next, password: goodPassword });
    expect(asked.statusCode).toBe(200);
    expect(asked.body).toContain('Check your new inbox');
    const done = await postForm('/account/email/confirm', { token: await tokenFromMail(t, next, confirmPath) });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Your e-mail address is changed');
    expect(sessionCookie(done)).toBeUndefined();
    expect((await api(t, 'GET', '/api/v1/me', customer.cookie)).json()).toMatchObject({ email: next });
  });
});
