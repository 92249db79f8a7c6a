import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormBrowser } from '../support/form-browser.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { createVerifiedAccount, goodPassword, mailsTo, newEmail, tokenFromMail, totp } from '../support/accounts.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

/** A browser signed in to `email` through the sign-in form, as a person would. */
async function signedInBrowser(email: string): Promise<FormBrowser> {
  const browser = new FormBrowser(t.app);
  await browser.get('/account/sign-in');
  await browser.post('/account/sign-in', { email, password: goodPassword });
  return browser;
}

describe('account pages', () => {
  it('show GOV.UK-style forms: a label for every field, autocomplete set, paste allowed, private', async () => {
    const b = new FormBrowser(t.app);
    const res = await b.get('/account/sign-in');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.body).toContain('<label class="field__label" for="email">E-mail address</label>');
    expect(res.body).toMatch(/<input[^>]*id="email"[^>]*autocomplete="email"/);
    expect(res.body).toMatch(/<input[^>]*id="password"[^>]*type="password"[^>]*autocomplete="current-password"/);
    expect(res.body).not.toMatch(/onpaste|placeholder="Password/);
    expect(res.body).toContain('href="/account/reset"');
    expect(res.body).toMatch(/name="_csrf" value="[A-Za-z0-9_-]{43}"/);
    expect(b.cookies.has('csrf')).toBe(true);
  });

  it('take a shopper from sign-up through the mailed link to the account page, and out again', async () => {
    const b = new FormBrowser(t.app);
    const email = newEmail();
    await b.get('/account/sign-up');
    const signedUp = await b.post('/account/sign-up', { email, password: goodPassword });
    expect(signedUp.statusCode).toBe(200);
    expect(signedUp.body).toContain('Check your inbox');

    const token = await tokenFromMail(t, email, '/account/verify-email');
    const confirmPage = await b.get(`/account/verify-email?token=${token}`);
    // The token is in this URL: the page's Referrer-Policy never sends a path to another origin.
    expect(confirmPage.headers['referrer-policy']).toMatch(/^(no-referrer|same-origin|strict-origin(-when-cross-origin)?)$/);
    // Opening the link does not use it up: only the button does.
    expect(await t.database.db.selectFrom('auth_token').select('purpose').where('purpose', '=', 'email_verification').execute()).not.toHaveLength(0);
    const confirmed = await b.post('/account/verify-email', { token });
    expect(confirmed.statusCode).toBe(303);
    expect(confirmed.headers.location).toBe('/account/sign-in?done=verified');

    expect((await b.get('/account/sign-in?done=verified')).body).toContain('Your e-mail address is confirmed');
    const signedIn = await b.post('/account/sign-in', { email, password: goodPassword });
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.headers.location).toBe('/account');
    const account = await b.get('/account');
    expect(account.statusCode).toBe(200);
    expect(account.body).toContain(email);

    const out = await b.post('/account/sign-out', {});
    expect(out.statusCode).toBe(303);
    expect(b.cookies.has('session')).toBe(false);
    const after = await b.get('/account');
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toBe('/account/sign-in');
  });

  it('show the form again with an error summary, inline errors and the address kept, never the password', async () => {
    const b = new FormBrowser(t.app);
    await b.get('/account/sign-up');
    const res = await b.post('/account/sign-up', { email: 'ann@example.com', password: 'password1' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<title>Error: Create an account');
    expect(res.body).toContain('There is a problem');
    expect(res.body).toContain('<a href="#password">That password is one of the most common ones');
    expect(res.body).toMatch(/<input[^>]*aria-describedby="password-hint password-error"[^>]*aria-invalid="true"/);
    expect(res.body).toContain('value="ann@example.com"');
    expect(res.body).not.toContain('value="password1"');

    const empty = await b.post('/account/sign-in', {});
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('<a href="#email">Enter your e-mail address</a>');
    expect(empty.body).toContain('<a href="#password">Enter your password</a>');
  });

  it('say the same for an unknown address as for a wrong password', async () => {
    const email = await createVerifiedAccount(t);
    const b = new FormBrowser(t.app);
    await b.get('/account/sign-in');
    const wrong = await b.post('/account/sign-in', { email, password: 'not-the-password' });
    const unknown = await b.post('/account/sign-in', { email: newEmail('nobody'), password: 'not-the-password' });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const summary = (html: string) => /<div class="error-summary"[\s\S]*?<\/div>/.exec(html)?.[0];
    expect(summary(wrong.body)).toBe(summary(unknown.body));
  });

  it('refuse a form without its CSRF token', async () => {
    const b = new FormBrowser(t.app);
    await b.get('/account/sign-in');
    const res = await b.post('/account/sign-in', { email: 'ann@example.com', password: goodPassword }, { csrf: false });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'CSRF_REJECTED' });
  });

  it('refuse a form with a field it does not have (mass assignment)', async () => {
    const b = new FormBrowser(t.app);
    await b.get('/account/sign-up');
    const res = await b.post('/account/sign-up', { email: newEmail(), password: goodPassword, role: 'owner' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('reset a password through the mailed link, then sign in with the new one', async () => {
    const email = await createVerifiedAccount(t);
    const b = new FormBrowser(t.app);
    await b.get('/account/reset');
    const asked = await b.post('/account/reset', { email });
    expect(asked.body).toContain('If an account uses that address');
    const token = await tokenFromMail(t, email, '/account/reset');
    const form = await b.get(`/account/reset?token=${token}`);
    expect(form.body).toContain('Choose a new password');
    const done = await b.post('/account/reset/confirm', { token, password: 'new-lantern-harbour-7' });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/account/sign-in?done=reset');
    await b.get('/account/sign-in');
    expect((await b.post('/account/sign-in', { email, password: 'new-lantern-harbour-7' })).headers.location).toBe('/account');
    // The form comes from a page of this session: form tokens are bound to the session they were made in.
    await b.get(`/account/reset?token=${token}`);
    const reused = await b.post('/account/reset/confirm', { token, password: 'third-lantern-harbour-7' });
    expect(reused.statusCode).toBe(400);
    expect(reused.body).toContain('This link cannot be used');
  });

  it('set up MFA with a QR code, show the recovery codes once, and ask for a code at the next sign-in', async () => {
    const email = await createVerifiedAccount(t);
    const b = new FormBrowser(t.app);
    await b.get('/account/sign-in');
    await b.post('/account/sign-in', { email, password: goodPassword });
    await b.get('/account');
    const enrol = await b.post('/account/security/mfa', {});
    expect(enrol.statusCode).toBe(200);
    expect(enrol.body).toMatch(/<figure class="qr"[^>]*><svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(enrol.body).toMatch(/<input[^>]*id="code"[^>]*autocomplete="one-time-code"[^>]*inputmode="numeric"/i);
    const secret = /<code class="secret">([A-Z2-7 ]+)<\/code>/.exec(enrol.body)![1]!.replaceAll(' ', '');

    const wrong = await b.post('/account/security/mfa/confirm', { code: '000000' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('There is a problem');
    expect(wrong.body).toContain(secret.slice(0, 4)); // the same enrolment is shown again

    const codes = await b.post('/account/security/mfa/confirm', { code: await totp(t, secret) });
    expect(codes.statusCode).toBe(200);
    expect(codes.body.match(/<li><code>[a-z2-7-]{19}<\/code><\/li>/g)).toHaveLength(10);
    expect((await mailsTo(t, email))[0]?.subject).toContain('Two-step verification is on');

    await b.get('/account');
    expect((await b.post('/account/sign-out', {})).statusCode).toBe(303);
    t.clock.advance(30_000);
    await b.get('/account/sign-in');
    const step = await b.post('/account/sign-in', { email, password: goodPassword });
    expect(step.headers.location, step.body.slice(0, 3000)).toBe('/account/mfa');
    expect((await b.get('/account')).headers.location).toBe('/account/mfa');
    const mfaPage = await b.get('/account/mfa');
    expect(mfaPage.body).toContain('href="/account/mfa?recovery=1"');
    const passed = await b.post('/account/mfa', { code: await totp(t, secret) });
    expect(passed.headers.location).toBe('/account');
    expect((await b.get('/account')).statusCode).toBe(200);

    t.clock.advance(30_000);
    await b.get('/account/security/mfa/disable');
    const off = await b.post('/account/security/mfa/disable', { password: goodPassword, code: await totp(t, secret) });
    expect(off.headers.location).toBe('/account');
    expect((await b.get('/account')).body).toContain('Set up two-step verification');
  });
});

describe('password change page', () => {
  it('changes the password after the current one, signs out other devices, and says so', async () => {
    const email = await createVerifiedAccount(t);
    const other = await signedInBrowser(email);
    const b = await signedInBrowser(email);
    expect((await b.get('/account')).body).toContain('href="/account/security/password"');
    const form = await b.get('/account/security/password');
    expect(form.body).toMatch(/<input[^>]*id="currentPassword"[^>]*autocomplete="current-password"/);
    expect(form.body).toMatch(/<input[^>]*id="newPassword"[^>]*autocomplete="new-password"/);

    const wrong = await b.post('/account/security/password', { currentPassword: 'not-my-password', newPassword: 'new-lantern-harbour-7' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('<a href="#currentPassword">Your current password is not right</a>');
    const common = await b.post('/account/security/password', { currentPassword: goodPassword, newPassword: 'password1' });
    expect(common.body).toContain('<a href="#newPassword">That password is one of the most common ones');

    const done = await b.post('/account/security/password', { currentPassword: goodPassword, newPassword: 'new-lantern-harbour-7' });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/account?done=password');
    expect((await b.get('/account?done=password')).body).toContain('Your password is changed');
    expect((await other.get('/account')).headers.location).toBe('/account/sign-in');
  });
});

describe('signed-in devices on the account page', () => {
  it('lists this and other devices, and signs another one out', async () => {
    const email = await createVerifiedAccount(t);
    const other = await signedInBrowser(email);
    const b = await signedInBrowser(email);
    const page = await b.get('/account');
    expect(page.body).toContain('<strong>This device</strong>');
    const action = /action="(\/account\/sessions\/[0-9a-f-]{36}\/sign-out)"/.exec(page.body)![1]!;
    const res = await b.post(action, {});
    expect(res.headers.location).toBe('/account?done=device');
    expect((await b.get('/account?done=device')).body).toContain('That device is signed out.');
    expect((await other.get('/account')).headers.location).toBe('/account/sign-in');
  });
});
