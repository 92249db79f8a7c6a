import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { createCustomersService, type PersonalDataContributor } from '../../src/modules/customers/customers.service.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { goodPassword, mailsTo, post, sessionCookie, signIn, totp } from '../support/accounts.js';
import { codeOf } from '../support/error-code.js';
import { api, sampleAddress, signedInCustomer, withMfa } from './customers-test-helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

/** Rows of the person left in every table that holds them. */
async function rowsOf(userId: string): Promise<Record<string, number>> {
  const db = t.database.db;
  const count = async (table: 'customer_profile' | 'customer_address' | 'user_session' | 'auth_token' | 'mfa_totp' | 'mfa_recovery_code' | 'email_change_request') =>
    (await db.selectFrom(table).select('user_id').where('user_id', '=', userId).execute()).length;
  return {
    user_account: (await db.selectFrom('user_account').select('id').where('id', '=', userId).execute()).length,
    customer_profile: await count('customer_profile'),
    customer_address: await count('customer_address'),
    user_session: await count('user_session'),
    auth_token: await count('auth_token'),
    mfa_totp: await count('mfa_totp'),
    mfa_recovery_code: await count('mfa_recovery_code'),
    email_change_request: await count('email_change_request'),
  };
}

const none = {
  user_account: 0,
  customer_profile: 0,
  customer_address: 0,
  user_session: 0,
  auth_token: 0,
  mfa_totp: 0,
  mfa_recovery_code: 0,
  email_change_request: 0,
};

describe('delete my account', () => {
  it('refuses a wrong password and changes nothing', async () => {
    const c = await signedInCustomer(t, 'keep');
    await api(t, 'PUT', '/api/v1/me/profile', c.cookie, { fullName: 'Kept Person', phone: null, marketingOptIn: false });
    await api(t, 'POST', '/api/v1/me/addresses', c.cookie, sampleAddress);
    const before = await rowsOf(c.userId);

    const res = await api(t, 'POST', '/api/v1/me/delete', c.cookie, { password: 'definitely-not-it' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'AUTH_INVALID_CREDENTIALS' });
    expect(sessionCookie(res)).toBeUndefined();
    expect(await rowsOf(c.userId)).toEqual(before);
    expect(before).toMatchObject({ user_account: 1, customer_profile: 1, customer_address: 1, user_session: 1 });
    expect((await api(t, 'GET', '/api/v1/me', c.cookie)).statusCode).toBe(200);
    expect((await t.audit.listForTarget('user_account', c.userId)).map((e) => e.action)).not.toContain('customer.account_deleted');
  });

  it('refuses unknown fields and needs a signed-in customer', async () => {
    const c = await signedInCustomer(t, 'shape');
    const extra = await api(t, 'POST', '/api/v1/me/delete', c.cookie, { password: goodPassword, userId: c.userId });
    expect(extra.statusCode).toBe(400);
    expect(extra.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await api(t, 'POST', '/api/v1/me/delete', undefined, { password: goodPassword })).json()).toMatchObject({ code: 'AUTH_SIGN_IN_REQUIRED' });
    expect((await rowsOf(c.userId)).user_account).toBe(1);
  });

  it('removes every row of the person, audits it, clears the cookie, mails a confirmation, and the old sign-in fails like an unknown one', async () => {
    const c = await signedInCustomer(t, 'leaver');
    const otherDevice = await signIn(t, c.email);
    await api(t, 'PUT', '/api/v1/me/profile', c.cookie, { fullName: 'Leaving Person', phone: '01632 960 001', marketingOptIn: true });
    await api(t, 'POST', '/api/v1/me/addresses', c.cookie, sampleAddress);
    // A pending e-mail change (its link and the notice's "not me" link) and a reset link: tokens that must go too.
    await post(t, '/api/v1/auth/email', { password: goodPassword, newEmail: `elsewhere.${c.userId}@example.com` }, c.cookie);
    await post(t, '/api/v1/auth/password-reset/request', { email: c.email });
    // The worker turns the reset request into its link.
    await t.outbox.drain();
    expect(await rowsOf(c.userId)).toMatchObject({ auth_token: 3, email_change_request: 1, user_session: 2 });

    const res = await api(t, 'POST', '/api/v1/me/delete', c.cookie, { password: goodPassword });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'account_deleted' });
    expect(sessionCookie(res)).toMatch(/^(__Host-)?session=$/);

    expect(await rowsOf(c.userId)).toEqual(none);
    const events = await t.audit.listForTarget('user_account', c.userId);
    expect(events.find((e) => e.action === 'customer.account_deleted')).toMatchObject({ actorType: 'customer', actorId: c.userId, outcome: 'success' });
    expect((await t.audit.verify()).ok).toBe(true);

    expect((await mailsTo(t, c.email))[0]!.subject).toContain('Your account is deleted');
    // Both devices are signed out at once (the cache forgot them too, when Redis is on).
    expect((await api(t, 'GET', '/api/v1/me', c.cookie)).json()).toMatchObject({ code: 'AUTH_SIGN_IN_REQUIRED' });
    expect((await api(t, 'GET', '/api/v1/me', otherDevice)).json()).toMatchObject({ code: 'AUTH_SIGN_IN_REQUIRED' });

    const oldSignIn = await post(t, '/api/v1/auth/sign-in', { email: c.email, password: goodPassword });
    const unknownSignIn = await post(t, '/api/v1/auth/sign-in', { email: `nobody.${c.userId}@example.com`, password: goodPassword });
    expect(oldSignIn.statusCode).toBe(401);
    expect(oldSignIn.json()).toMatchObject({ code: 'AUTH_INVALID_CREDENTIALS' });
    expect(oldSignIn.json<{ detail: string }>().detail).toBe(unknownSignIn.json<{ detail: string }>().detail);
  });

  it('with MFA on, needs a code or a recovery code as well as the password', async () => {
    const c = await signedInCustomer(t, 'mfa-leaver');
    const { secret, cookie } = await withMfa(t, c);

    const noCode = await api(t, 'POST', '/api/v1/me/delete', cookie, { password: goodPassword });
    expect(noCode.statusCode).toBe(400);
    expect(noCode.json()).toMatchObject({ code: 'AUTH_MFA_CODE_REQUIRED' });
    const wrongCode = await api(t, 'POST', '/api/v1/me/delete', cookie, { password: goodPassword, code: '000000' });
    expect(wrongCode.json()).toMatchObject({ code: 'AUTH_MFA_CODE_INVALID' });
    expect((await rowsOf(c.userId)).mfa_totp).toBe(1);

    const done = await api(t, 'POST', '/api/v1/me/delete', cookie, { password: goodPassword, code: await totp(t, secret) });
    expect(done.statusCode).toBe(200);
    expect(await rowsOf(c.userId)).toEqual(none);
  });

  it('works through the pages: a warning, the password, then a signed-out confirmation', async () => {
    const c = await signedInCustomer(t, 'page-leaver');
    const page = await t.app.inject({ url: '/account/delete', headers: { accept: 'text/html', cookie: c.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('private, no-store');
    expect(page.body).toContain('This cannot be undone.');
    expect(page.body).not.toContain('id="code"');
    const csrfCookie = /(csrf=[^;]+)/.exec(String(page.headers['set-cookie']))![1]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const submit = (fields: Record<string, string>, withToken = true) =>
      t.app.inject({
        method: 'POST',
        url: '/account/delete',
        payload: new URLSearchParams({ ...(withToken ? { _csrf: csrf } : {}), ...fields }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', cookie: `${c.cookie}; ${csrfCookie}` },
      });

    const withoutToken = await submit({ password: goodPassword }, false);
    expect(withoutToken.statusCode).toBe(403);
    expect(withoutToken.json()).toMatchObject({ status: 403, code: 'CSRF_REJECTED' });
    expect((await rowsOf(c.userId)).user_account).toBe(1);
    expect((await api(t, 'GET', '/api/v1/me', c.cookie)).statusCode).toBe(200);
    const wrong = await submit({ password: 'still-not-it' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('Your password is not right');
    expect((await rowsOf(c.userId)).user_account).toBe(1);

    const done = await submit({ password: goodPassword });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/account/deleted');
    expect(sessionCookie(done)).toMatch(/^(__Host-)?session=$/);
    expect(await rowsOf(c.userId)).toEqual(none);
  });
});

describe('personal-data contributors', () => {
  it('add their section to the export and erase inside the deletion transaction, before the account goes', async () => {
    const c = await signedInCustomer(t, 'contrib');
    const calls: string[] = [];
    const orders: PersonalDataContributor = {
      name: 'orders',
      export: async (userId) => [{ number: 'BST-1001', for: userId }],
      erase: async (trx: Db, userId) => {
        calls.push(`erase ${userId} in transaction: ${trx.isTransaction}`);
        const still = await trx.selectFrom('user_account').select('id').where('id', '=', userId).executeTakeFirst();
        calls.push(`account present: ${still !== undefined}`);
      },
    };
    const customers = createCustomersService({
      db: t.database.db,
      fieldEncryption: t.fieldEncryption,
      auth: t.auth,
      audit: t.audit,
      mail: t.mail,
      brand: { shopName: 'Test', publicUrl: 'http://localhost' },
      contributors: [orders],
      now: () => t.clock.now,
    });
    const session = await t.sessionOf({ headers: { cookie: c.cookie } } as never);
    expect((await customers.exportData(session)).orders).toEqual([{ number: 'BST-1001', for: c.userId }]);
    await customers.deleteAccount(session, { password: goodPassword }, {});
    expect(calls).toEqual([`erase ${c.userId} in transaction: true`, 'account present: true']);
    expect(await rowsOf(c.userId)).toEqual(none);
  });

  it('roll the whole deletion back when one of them fails', async () => {
    const c = await signedInCustomer(t, 'rollback');
    await api(t, 'POST', '/api/v1/me/addresses', c.cookie, sampleAddress);
    const before = await rowsOf(c.userId);
    const failing: PersonalDataContributor = {
      name: 'carts',
      export: async () => [],
      erase: async () => {
        throw new Error('carts are down');
      },
    };
    const customers = createCustomersService({
      db: t.database.db, fieldEncryption: t.fieldEncryption, auth: t.auth, audit: t.audit, mail: t.mail,
      brand: { shopName: 'Test', publicUrl: 'http://localhost' }, contributors: [failing], now: () => t.clock.now,
    });
    const session = await t.sessionOf({ headers: { cookie: c.cookie } } as never);
    expect(await codeOf(customers.deleteAccount(session, { password: goodPassword }, {}))).toBe('Error: carts are down');
    expect(await rowsOf(c.userId)).toEqual(before);
  });

  it('may not take the name of a section of their own', () => {
    const deps = { db: t.database.db, fieldEncryption: t.fieldEncryption, auth: t.auth, audit: t.audit, mail: t.mail, brand: { shopName: 'T', publicUrl: 'http://x' } };
    const clash = { name: 'account', export: async () => null, erase: async () => undefined };
    expect(() => createCustomersService({ ...deps, contributors: [clash] })).toThrow(/unique identifier/);
  });
});
