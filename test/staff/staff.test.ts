import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { can, permissions, staffRoles } from '../../src/kernel/permissions.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { createVerifiedAccount, goodPassword, mailsTo, newEmail, signIn, tokenFromMail, totp } from '../support/accounts.js';
import { FormBrowser } from '../support/form-browser.js';
import { joinStaff, keepSignedIn, tokenOf, type JoinedStaff } from './staff-support.js';

let t: TestApp;
let owner: JoinedStaff;
beforeAll(async () => {
  t = await createTestApp();
  owner = await joinStaff(t, 'owner');
});
afterAll(async () => {
  await t?.close();
});
// Some tests move the clock by days; the suite's owner signs in again when its session has ended.
beforeEach(async () => {
  await keepSignedIn(t, owner);
});

const auditOf = async (action: string, targetId: string) => (await t.audit.listForTarget('staff_member', targetId)).filter((e) => e.action === action);

describe('joining by invitation', () => {
  it('takes a new person from the link through a password and MFA enrolment into the back office', async () => {
    const email = newEmail('joiner');
    const { link } = await t.staff.inviteFromCommandLine({ email, role: 'catalog_manager' });
    expect(link).toMatch(/\/admin\/invitations\/accept\?token=[A-Za-z0-9_-]{43}$/);
    const b = new FormBrowser(t.app);
    const page = await b.get(`/admin/invitations/accept?token=${tokenOf(link)}`);
    expect(page.body).toContain('Catalog manager');
    expect(page.body).toContain('Create a password');

    // The password rules apply, and a refused password does not burn the link.
    const weak = await b.post('/admin/invitations/accept', { token: tokenOf(link), password: 'password1' });
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain('one of the most common');
    const ok = await b.post('/admin/invitations/accept', { token: tokenOf(link), password: goodPassword });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/admin/mfa-setup');

    // Before MFA, nothing of the back office opens: pages send to enrolment, the API refuses.
    expect((await b.get('/admin')).headers.location).toBe('/admin/mfa-setup');
    expect((await b.get('/admin/staff')).headers.location).toBe('/admin/mfa-setup');
    const api = await b.api('GET', '/api/v1/admin/me');
    expect(api.statusCode).toBe(403);
    expect(api.json()).toMatchObject({ code: 'STAFF_MFA_ENROLMENT_REQUIRED' });

    // A form token is bound to the session it was made in: the page is opened again under the new one.
    await b.get('/admin/mfa-setup');
    const enrol = await b.post('/admin/mfa-setup', {});
    const secret = /<code class="secret">([^<]+)</.exec(enrol.body)![1]!.replace(/\s/g, '');
    const wrong = await b.post('/admin/mfa-setup/confirm', { code: '000000' });
    expect(wrong.statusCode).toBe(401);
    const confirmed = await b.post('/admin/mfa-setup/confirm', { code: await totp(t, secret) });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.body).toContain('Save your recovery codes');
    t.clock.advance(30_000);

    const home = await b.get('/admin');
    expect(home.statusCode).toBe(200);
    expect(home.headers['cache-control']).toBe('private, no-store');
    // Navigation by permission: a catalog manager sees neither Staff nor the audit trail.
    expect(home.body).not.toContain('href="/admin/staff"');
    expect(home.body).not.toContain('href="/admin/audit"');
    const me = await b.api('GET', '/api/v1/admin/me');
    // docs/security.md's row for a catalog manager.
    expect(me.json()).toMatchObject({ role: 'catalog_manager', permissions: ['catalog.read', 'catalog.write', 'catalog.prices', 'promotions.write', 'orders.read'] });

    const joined = await auditOf('staff.joined', me.json<{ userId: string }>().userId);
    expect(joined).toHaveLength(1);
    expect(JSON.parse(joined[0]!.changes!)).toMatchObject({ role: { before: null, after: 'catalog_manager' }, newAccount: { after: true } });
  });

  it('adds back-office access to an existing account only with that account\'s password', async () => {
    const email = await createVerifiedAccount(t);
    const { link } = await t.staff.inviteFromCommandLine({ email, role: 'support' });
    const b = new FormBrowser(t.app);
    expect((await b.get(`/admin/invitations/accept?token=${tokenOf(link)}`)).body).toContain('Your password');
    const wrong = await b.post('/admin/invitations/accept', { token: tokenOf(link), password: 'not-the-password-at-all' });
    expect(wrong.statusCode).toBe(401);
    expect(await t.staff.roleOf((await t.auth.directory.idOf(email))!)).toBeUndefined();
    const right = await b.post('/admin/invitations/accept', { token: tokenOf(link), password: goodPassword });
    expect(right.headers.location).toBe('/admin/mfa-setup');
    expect(await t.staff.roleOf((await t.auth.directory.idOf(email))!)).toBe('support');
  });

  it('works once, and not after 72 hours', async () => {
    const { link } = await t.staff.inviteFromCommandLine({ email: newEmail('once'), role: 'auditor' });
    const b = new FormBrowser(t.app);
    await b.get(`/admin/invitations/accept?token=${tokenOf(link)}`);
    expect((await b.post('/admin/invitations/accept', { token: tokenOf(link), password: goodPassword })).statusCode).toBe(303);
    const again = await new FormBrowser(t.app).get(`/admin/invitations/accept?token=${tokenOf(link)}`);
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('not valid or has already been used');

    const late = await t.staff.inviteFromCommandLine({ email: newEmail('late'), role: 'auditor' });
    t.clock.advance(72 * 3_600_000 + 1_000);
    const expired = await new FormBrowser(t.app).get(`/admin/invitations/accept?token=${tokenOf(late.link)}`);
    expect(expired.statusCode).toBe(400);
    expect(expired.body).toContain('has expired');
    await expect(t.staff.acceptInvitation(tokenOf(late.link), goodPassword, {})).rejects.toMatchObject({ code: 'STAFF_INVITATION_EXPIRED' });
    await expect(t.staff.acceptInvitation('A'.repeat(43), goodPassword, {})).rejects.toMatchObject({ code: 'STAFF_INVITATION_INVALID' });
    await expect(t.staff.acceptInvitation('short', goodPassword, {})).rejects.toMatchObject({ code: 'STAFF_INVITATION_INVALID' });
  });

  it('mails an invitation sent from the staff page, audits it, and a newer invitation replaces the older', async () => {
    const email = newEmail('invitee');
    const first = await owner.browser.api('POST', '/api/v1/admin/staff/invitations', { email, role: 'order_manager' });
    expect(first.statusCode).toBe(201);
    const firstToken = await tokenFromMail(t, email, '/admin/invitations/accept');
    const second = await owner.browser.api('POST', '/api/v1/admin/staff/invitations', { email, role: 'support' });
    expect(second.statusCode).toBe(201);
    const secondToken = await tokenFromMail(t, email, '/admin/invitations/accept');
    expect(secondToken).not.toBe(firstToken);
    await expect(t.staff.describeInvitation(firstToken)).rejects.toMatchObject({ code: 'STAFF_INVITATION_INVALID' });
    expect(await t.staff.describeInvitation(secondToken)).toMatchObject({ email, role: 'support', hasAccount: false });
    const [mail] = await mailsTo(t, email);
    expect(mail!.text).toContain('72 hours');
    expect(mail!.text).not.toContain(goodPassword);
    const events = await t.audit.listForTarget('staff_invitation', second.json<{ id: string }>().id);
    expect(events.map((e) => [e.action, e.actorId])).toEqual([['staff.invitation_created', owner.userId]]);

    // Withdrawn: the link stops working.
    const withdrawn = await owner.browser.api('DELETE', `/api/v1/admin/staff/invitations/${second.json<{ id: string }>().id}`);
    expect(withdrawn.statusCode).toBe(204);
    await expect(t.staff.describeInvitation(secondToken)).rejects.toMatchObject({ code: 'STAFF_INVITATION_INVALID' });
  });

  it('refuses bad invitations with a clear 4xx and changes nothing', async () => {
    const cases: [unknown, number, string][] = [
      [{ email: newEmail(), role: 'superuser' }, 400, 'VALIDATION_FAILED'],
      [{ email: newEmail(), role: 'support', isAdmin: true }, 400, 'VALIDATION_FAILED'],
      [{ email: 'not-an-address', role: 'support' }, 400, 'AUTH_EMAIL_INVALID'],
      [{ email: owner.email, role: 'support' }, 409, 'STAFF_ALREADY_MEMBER'],
    ];
    const before = (await t.staff.list({ userId: owner.userId, role: 'owner', sessionId: '' })).invitations.length;
    for (const [payload, status, code] of cases) {
      const res = await owner.browser.api('POST', '/api/v1/admin/staff/invitations', payload);
      expect([res.statusCode, res.json<{ code: string }>().code]).toEqual([status, code]);
    }
    expect((await t.staff.list({ userId: owner.userId, role: 'owner', sessionId: '' })).invitations.length).toBe(before);
  });
});

describe('staff sign-in', () => {
  it('asks for the password, then the code, and opens the back office', async () => {
    const member = await joinStaff(t, 'auditor');
    const b = new FormBrowser(t.app);
    await b.get('/admin/sign-in');
    const signedIn = await b.post('/admin/sign-in', { email: member.email, password: goodPassword });
    expect(signedIn.headers.location).toBe('/admin/mfa');
    expect((await b.get('/admin')).headers.location).toBe('/admin/mfa');
    expect((await b.api('GET', '/api/v1/admin/me')).json()).toMatchObject({ code: 'AUTH_MFA_REQUIRED' });
    await b.get('/admin/mfa');
    const wrong = await b.post('/admin/mfa', { code: '123456' });
    expect(wrong.statusCode).toBe(401);
    const passed = await b.post('/admin/mfa', { code: await totp(t, member.secret) });
    expect(passed.headers.location).toBe('/admin');
    t.clock.advance(30_000);
    const home = await b.get('/admin');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('href="/admin/audit"');

    await b.post('/admin/sign-out', {});
    expect((await b.get('/admin')).headers.location).toBe('/admin/sign-in');
  });

  it('issues new session ids through password and code when an attacker planted his own session cookie first, and the planted one never reaches the back office', async () => {
    const member = await joinStaff(t, 'admin');
    const planted = await signIn(t, await createVerifiedAccount(t, newEmail('planter')));
    const [name = '', value = ''] = planted.split('=');
    const b = new FormBrowser(t.app);
    b.cookies.set(name, value);
    await b.get('/admin/sign-in');
    expect((await b.post('/admin/sign-in', { email: member.email, password: goodPassword })).headers.location).toBe('/admin/mfa');
    const afterPassword = b.cookies.get(name);
    expect(afterPassword).toBeDefined();
    expect(afterPassword).not.toBe(value);
    await b.get('/admin/mfa');
    expect((await b.post('/admin/mfa', { code: await totp(t, member.secret) })).headers.location).toBe('/admin');
    t.clock.advance(30_000);
    expect(b.cookies.get(name)).not.toBe(value);
    expect((await b.api('GET', '/api/v1/admin/me')).json()).toMatchObject({ userId: member.userId, role: 'admin' });

    for (const url of ['/api/v1/admin/me', '/api/v1/admin/staff', '/api/v1/me']) {
      const res = await t.app.inject({ url, headers: { cookie: planted } });
      expect([res.statusCode, res.json<{ code: string }>().code], url).toEqual([401, 'AUTH_SIGN_IN_REQUIRED']);
    }
    const page = await t.app.inject({ url: '/admin/staff', headers: { cookie: planted, accept: 'text/html' } });
    expect([page.statusCode, page.headers.location]).toEqual([303, '/admin/sign-in']);
  });

  it('tells a customer with the right password that the account has no access, and starts no session', async () => {
    const email = await createVerifiedAccount(t);
    const b = new FormBrowser(t.app);
    await b.get('/admin/sign-in');
    const res = await b.post('/admin/sign-in', { email, password: goodPassword });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('no access to the back office');
    expect([...b.cookies.keys()].filter((k) => k.endsWith('session'))).toEqual([]);
    const wrong = await b.post('/admin/sign-in', { email, password: 'wrong-password-here' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('The e-mail address or password is not right');
  });

  it('refuses a customer session everywhere in the back office', async () => {
    const cookie = await signIn(t, await createVerifiedAccount(t));
    const page = await t.app.inject({ url: '/admin', headers: { cookie, accept: 'text/html' } });
    expect(page.statusCode).toBe(403);
    expect(page.body).toContain('not on the shop');
    const api = await t.app.inject({ url: '/api/v1/admin/staff', headers: { cookie } });
    expect([api.statusCode, api.json<{ code: string }>().code]).toEqual([403, 'STAFF_ACCESS_DENIED']);
    const anonymous = await t.app.inject({ url: '/api/v1/admin/staff' });
    expect([anonymous.statusCode, anonymous.json<{ code: string }>().code]).toEqual([401, 'AUTH_SIGN_IN_REQUIRED']);
    expect((await t.app.inject({ url: '/admin/staff' })).headers.location).toBe('/admin/sign-in');
  });

  it('refuses a staff form posted without its CSRF token with 403 CSRF_REJECTED, inviting nobody and auditing nothing', async () => {
    await owner.browser.get('/admin/staff');
    const principal = { userId: owner.userId, role: 'owner' as const, sessionId: '' };
    const invitationsBefore = (await t.staff.list(principal)).invitations;
    const eventsBefore = await t.audit.count();
    const email = newEmail('csrf-target');
    const res = await owner.browser.post('/admin/staff/invitations', { email, role: 'support' }, { csrf: false });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ status: 403, code: 'CSRF_REJECTED' });
    expect((await t.staff.list(principal)).invitations).toEqual(invitationsBefore);
    expect(await mailsTo(t, email)).toEqual([]);
    expect(await t.audit.count()).toBe(eventsBefore);
  });
});

describe('permissions on every request', () => {
  it('lets owners, admins and auditors read the staff list and only owners and admins invite, and audits refusals', async () => {
    // From docs/security.md: staff.read for owner, admin, auditor; staff.write for owner, admin.
    const readsStaff: readonly string[] = ['owner', 'admin', 'auditor'];
    const writesStaff: readonly string[] = ['owner', 'admin'];
    for (const role of staffRoles) {
      const member = role === 'owner' ? owner : await joinStaff(t, role);
      const list = await member.browser.api('GET', '/api/v1/admin/staff');
      expect([list.statusCode, list.statusCode === 200 ? 'ok' : list.json<{ code: string }>().code], `${role} staff.read`).toEqual(readsStaff.includes(role) ? [200, 'ok'] : [403, 'STAFF_ACCESS_DENIED']);
      const invite = await member.browser.api('POST', '/api/v1/admin/staff/invitations', { email: newEmail(), role: 'support' });
      expect([invite.statusCode, invite.statusCode === 201 ? 'ok' : invite.json<{ code: string }>().code], `${role} staff.write`).toEqual(writesStaff.includes(role) ? [201, 'ok'] : [403, 'STAFF_ACCESS_DENIED']);
      const page = await member.browser.get('/admin/staff');
      expect(page.statusCode, `${role} page`).toBe(readsStaff.includes(role) ? 200 : 403);
      if (!writesStaff.includes(role)) {
        const denied = (await t.audit.listForTarget('permission', 'staff.write')).filter((e) => e.actorId === member.userId);
        expect(denied[0]).toMatchObject({ action: 'staff.access_denied', outcome: 'denied', actorRole: role });
      }
    }
  });

  it('keeps owners in charge of the owner role, and nobody changes their own', async () => {
    const admin = await joinStaff(t, 'admin');
    const patch = (who: JoinedStaff, userId: string, role: string) => who.browser.api('PATCH', `/api/v1/admin/staff/${userId}`, { role });
    const codeOf = (res: { json<T>(): T }) => res.json<{ code: string }>().code;
    expect(codeOf(await admin.browser.api('POST', '/api/v1/admin/staff/invitations', { email: newEmail(), role: 'owner' }))).toBe('STAFF_OWNER_ONLY');
    expect(codeOf(await patch(admin, owner.userId, 'support'))).toBe('STAFF_OWNER_ONLY');
    expect(codeOf(await admin.browser.api('DELETE', `/api/v1/admin/staff/${owner.userId}`))).toBe('STAFF_OWNER_ONLY');
    expect(codeOf(await patch(admin, admin.userId, 'owner'))).toBe('STAFF_NOT_ON_SELF');
    expect(codeOf(await patch(owner, owner.userId, 'admin'))).toBe('STAFF_NOT_ON_SELF');
    expect(codeOf(await patch(owner, '00000000-0000-4000-8000-000000000000', 'admin'))).toBe('STAFF_NOT_FOUND');
    expect((await patch(owner, admin.userId, 'superuser')).statusCode).toBe(400);
    expect(await t.staff.roleOf(owner.userId)).toBe('owner');
    expect(await t.staff.roleOf(admin.userId)).toBe('admin');
  });

  it('changes a role at once: the person is signed out, mailed, and the change is audited', async () => {
    const member = await joinStaff(t, 'support');
    const res = await owner.browser.api('PATCH', `/api/v1/admin/staff/${member.userId}`, { role: 'order_manager' });
    expect(res.statusCode).toBe(204);
    expect((await member.browser.api('GET', '/api/v1/admin/me')).statusCode).toBe(401);
    const [event] = await auditOf('staff.role_changed', member.userId);
    expect(event).toMatchObject({ actorId: owner.userId, actorRole: 'owner', outcome: 'success' });
    expect(JSON.parse(event!.changes!)).toEqual({ role: { before: 'support', after: 'order_manager' } });
    expect((await mailsTo(t, member.email))[0]!.subject).toContain('Your back-office role changed');
  });

  it('removes access and signs the person out everywhere; their account stays a customer account', async () => {
    const member = await joinStaff(t, 'catalog_manager');
    const other = await signIn(t, member.email);
    const confirm = await owner.browser.get(`/admin/staff/${member.userId}/remove`);
    expect(confirm.body).toContain(`Remove ${member.email} from the staff?`);
    const removed = await owner.browser.post(`/admin/staff/${member.userId}/remove`, {});
    expect(removed.headers.location).toBe('/admin/staff?done=removed');
    expect(await t.staff.roleOf(member.userId)).toBeUndefined();
    expect((await member.browser.api('GET', '/api/v1/admin/me')).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/v1/me', headers: { cookie: other } })).statusCode).toBe(401);
    expect(await auditOf('staff.access_revoked', member.userId)).toHaveLength(1);
    // Signing in to the shop still works (MFA on, so the code step follows).
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: member.email, password: goodPassword } })).json()).toMatchObject({ mfaRequired: true });
  });

  it('signs a staff member out everywhere on request, and audits it', async () => {
    const member = await joinStaff(t, 'auditor');
    const res = await owner.browser.api('POST', `/api/v1/admin/staff/${member.userId}/sign-out`, {});
    expect(res.json()).toEqual({ sessionsEnded: 1 });
    expect((await member.browser.api('GET', '/api/v1/admin/me')).statusCode).toBe(401);
    expect(await auditOf('staff.signed_out', member.userId)).toHaveLength(1);
    expect(await t.staff.roleOf(member.userId)).toBe('auditor');
  });

  it('keeps at least one owner when two owners demote each other at once', async () => {
    const second = await joinStaff(t, 'owner');
    const third = await joinStaff(t, 'owner');
    // Bring the owners down to two (owner and second) first.
    expect((await owner.browser.api('PATCH', `/api/v1/admin/staff/${third.userId}`, { role: 'admin' })).statusCode).toBe(204);
    const results = await Promise.all([
      owner.browser.api('PATCH', `/api/v1/admin/staff/${second.userId}`, { role: 'admin' }),
      second.browser.api('PATCH', `/api/v1/admin/staff/${owner.userId}`, { role: 'admin' }),
    ]);
    const statuses = results.map((r) => r.statusCode).sort();
    // One wins; the other is refused (last owner, or no longer an owner), or finds its session ended.
    expect(statuses.filter((s) => s === 204)).toHaveLength(1);
    const owners = (await t.staff.list({ userId: owner.userId, role: 'owner', sessionId: '' })).members.filter((m) => m.role === 'owner');
    expect(owners).toHaveLength(1);
    // Restore the suite's owner for the tests after this one.
    if (owners[0]!.userId !== owner.userId) {
      await t.staff.changeRole({ userId: second.userId, role: 'owner', sessionId: '' }, owner.userId, 'owner', {});
    }
  });
});

describe('deleting a staff account', () => {
  it('refuses to delete the last owner\'s account, and removes (and audits) the role of anyone else', async () => {
    const solo = await createTestApp();
    try {
      const only = await joinStaff(solo, 'owner');
      const refused = await only.browser.api('POST', '/api/v1/me/delete', { password: goodPassword, code: await totp(solo, only.secret) });
      expect([refused.statusCode, refused.json<{ code: string }>().code]).toEqual([409, 'STAFF_LAST_OWNER']);
      expect(await solo.staff.roleOf(only.userId)).toBe('owner');
      expect(await solo.auth.directory.emailOf(only.userId)).toBe(only.email);

      solo.clock.advance(30_000);
      const helper = await joinStaff(solo, 'support');
      const exported = await helper.browser.api('GET', '/api/v1/me/export');
      expect(exported.json()).toMatchObject({ staff: { role: 'support' } });
      const deleted = await helper.browser.api('POST', '/api/v1/me/delete', { password: goodPassword, code: await totp(solo, helper.secret) });
      expect(deleted.statusCode).toBeLessThan(300);
      expect(await solo.staff.roleOf(helper.userId)).toBeUndefined();
      expect((await solo.audit.listForTarget('staff_member', helper.userId)).map((e) => e.action)).toContain('staff.left');
    } finally {
      await solo.close();
    }
  });
});

describe('the permission matrix', () => {
  it('is the one docs/security.md shows', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile(new URL('../../docs/security.md', import.meta.url), 'utf8');
    for (const permission of permissions) {
      const row = new RegExp(`^\\| \`${permission.replace('.', '\\.')}\` \\|(.*)\\|\\s*$`, 'm').exec(doc);
      expect(row, `docs/security.md has a row for ${permission}`).not.toBeNull();
      const cells = row![1]!.split('|').map((c) => c.trim());
      expect(cells.slice(0, staffRoles.length), permission).toEqual(staffRoles.map((r) => (can(r, permission) ? 'yes' : '—')));
    }
  });
});
