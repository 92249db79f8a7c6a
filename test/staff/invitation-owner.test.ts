import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEmail, tokenFromMail } from '../support/accounts.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { joinStaff, type JoinedStaff } from './staff-support.js';

let t: TestApp;
let owner: JoinedStaff;
let admin: JoinedStaff;
beforeAll(async () => {
  t = await createTestApp();
  owner = await joinStaff(t, 'owner');
  admin = await joinStaff(t, 'admin');
});
afterAll(async () => t?.close());

const invite = (who: JoinedStaff, email: string, role: string) => who.browser.api('POST', '/api/v1/admin/staff/invitations', { email, role });
const invitationsOf = async (email: string) =>
  (await t.staff.list({ userId: owner.userId, role: 'owner', sessionId: '' })).invitations.filter((i) => i.email === email).map((i) => [i.id, i.role]);
/** The trail of one invitation, oldest first. */
const eventsOf = async (id: string) => (await t.audit.listForTarget('staff_invitation', id)).sort((a, b) => Number(a.seq) - Number(b.seq)).map((e) => [e.action, e.actorId]);

describe('an owner invitation is the owners’ to replace or revoke', () => {
  it('an admin cannot cancel a pending owner invitation by inviting the same address again', async () => {
    const email = newEmail('co-owner');
    const created = await invite(owner, email, 'owner');
    expect(created.statusCode).toBe(201);
    const { id } = created.json<{ id: string }>();
    const token = await tokenFromMail(t, email, '/admin/invitations/accept');

    const replaced = await invite(admin, email, 'support');
    expect([replaced.statusCode, replaced.json<{ code: string }>().code]).toEqual([403, 'STAFF_OWNER_ONLY']);
    const revoked = await admin.browser.api('DELETE', `/api/v1/admin/staff/invitations/${id}`);
    expect([revoked.statusCode, revoked.json<{ code: string }>().code]).toEqual([403, 'STAFF_OWNER_ONLY']);

    // Nothing changed: the owner's invitation and its link stand, with only its creation in the trail.
    expect(await invitationsOf(email)).toEqual([[id, 'owner']]);
    expect(await t.staff.describeInvitation(token)).toMatchObject({ email, role: 'owner' });
    expect(await eventsOf(id)).toEqual([['staff.invitation_created', owner.userId]]);
  });

  it('an owner may replace it, and the replacement is audited against the old invitation', async () => {
    const email = newEmail('co-owner');
    const { id } = (await invite(owner, email, 'owner')).json<{ id: string }>();
    const second = await invite(owner, email, 'admin');
    expect(second.statusCode).toBe(201);
    const newId = second.json<{ id: string }>().id;
    expect(await invitationsOf(email)).toEqual([[newId, 'admin']]);
    expect(await eventsOf(id)).toEqual([
      ['staff.invitation_created', owner.userId],
      ['staff.invitation_replaced', owner.userId],
    ]);
    expect(await eventsOf(newId)).toEqual([['staff.invitation_created', owner.userId]]);
    expect(await t.audit.verify()).toMatchObject({ ok: true });
  });

  it('an admin still replaces and revokes invitations below owner, audited', async () => {
    const email = newEmail('helper');
    const { id } = (await invite(admin, email, 'support')).json<{ id: string }>();
    const { id: second } = (await invite(admin, email, 'order_manager')).json<{ id: string }>();
    expect((await eventsOf(id)).map(([action]) => action)).toEqual(['staff.invitation_created', 'staff.invitation_replaced']);
    expect((await admin.browser.api('DELETE', `/api/v1/admin/staff/invitations/${second}`)).statusCode).toBe(204);
    expect((await eventsOf(second)).map(([action]) => action)).toEqual(['staff.invitation_created', 'staff.invitation_revoked']);
    expect(await invitationsOf(email)).toEqual([]);
  });
});
