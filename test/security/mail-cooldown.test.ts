import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifiedAccount, mailsTo, newEmail, post } from '../support/accounts.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { joinStaff, type JoinedStaff } from '../staff/staff-support.js';

let t: TestApp;
/** A second instance of the same shop: the cooldown lives in the database they share. */
let other: TestApp;
let owner: JoinedStaff;
beforeAll(async () => {
  t = await createTestApp({ MAIL_COOLDOWN_SECONDS: '60' });
  other = await createTestApp({ MAIL_COOLDOWN_SECONDS: '60' }, { database: t.database, keyRing: t.keyRing });
  owner = await joinStaff(t, 'owner');
});
afterAll(async () => {
  await other.close();
  await t.close();
});

const answer = (res: { statusCode: number; json(): unknown }) => [res.statusCode, res.json()];

describe('account mail has a per-recipient cooldown shared by every route', () => {
  it('a flood of reset and sign-up requests for one address reaches its mailbox as one mail a minute, answered the same every time', async () => {
    const email = await createVerifiedAccount(t);
    t.clock.advance(61_000);
    const before = (await mailsTo(t, email)).length;
    const answers = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const app = i % 2 === 0 ? t : other;
      answers.add(JSON.stringify(answer(await post(app, '/api/v1/auth/password-reset/request', { email }))));
      answers.add(JSON.stringify(answer(await post(app, '/api/v1/auth/sign-up', { email, password: 'linen-teapot-harbour-41' }))));
    }
    // Two answers only: the reset's and the sign-up's, each the same as a send.
    expect(answers.size).toBe(2);
    const mails = (await mailsTo(t, email)).slice(0, (await mailsTo(t, email)).length - before);
    expect(mails).toHaveLength(1);
  });

  it('sends again once the cooldown has passed', async () => {
    const email = await createVerifiedAccount(t);
    t.clock.advance(61_000);
    const before = (await mailsTo(t, email)).length;
    await post(t, '/api/v1/auth/password-reset/request', { email });
    await post(t, '/api/v1/auth/password-reset/request', { email });
    expect((await mailsTo(t, email)).length - before).toBe(1);
    // The one link sent still works: the request within the cooldown did not replace it.
    const [mail] = await mailsTo(t, email);
    const token = /\/account\/reset\?token=([A-Za-z0-9_-]+)/.exec(mail!.text)?.[1];
    expect((await post(t, '/api/v1/auth/password-reset/confirm', { token, password: 'fresh-orchard-lantern-58' })).statusCode).toBe(200);
    t.clock.advance(61_000);
    await post(t, '/api/v1/auth/password-reset/request', { email });
    expect((await mailsTo(t, email)).filter((m) => m.text.includes('/account/reset?token=')).length).toBe(2);
  });

  it('an unknown address gets the same answer and no mail', async () => {
    const email = newEmail('nobody');
    const first = answer(await post(t, '/api/v1/auth/password-reset/request', { email }));
    const second = answer(await post(t, '/api/v1/auth/password-reset/request', { email }));
    expect(second).toEqual(first);
    expect(await mailsTo(t, email)).toEqual([]);
  });

  it('an invitation within the cooldown is refused with 429 and changes nothing; a minute later it is sent', async () => {
    const email = newEmail('invitee');
    await post(t, '/api/v1/auth/sign-up', { email, password: 'linen-teapot-harbour-41' });
    const listed = async () => (await t.staff.list({ userId: owner.userId, role: 'owner', sessionId: '' })).invitations.filter((i) => i.email === email).length;
    const refused = await owner.browser.api('POST', '/api/v1/admin/staff/invitations', { email, role: 'support' });
    expect([refused.statusCode, refused.json<{ code: string }>().code]).toEqual([429, 'STAFF_INVITATION_COOLING_DOWN']);
    expect(await listed()).toBe(0);
    t.clock.advance(61_000);
    expect((await owner.browser.api('POST', '/api/v1/admin/staff/invitations', { email, role: 'support' })).statusCode).toBe(201);
    expect(await listed()).toBe(1);
  });
});
