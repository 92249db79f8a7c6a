import { expect } from 'vitest';
import type { StaffRole } from '../../src/modules/staff/permissions.js';
import { goodPassword, newEmail, totp, type AuthTestApp } from '../auth/auth-test-app.js';
import { FormBrowser } from '../support/form-browser.js';

export interface JoinedStaff {
  browser: FormBrowser;
  email: string;
  secret: string;
  userId: string;
}

/** The token of an invitation link. */
export const tokenOf = (link: string): string => new URL(link).searchParams.get('token')!;

/**
 * A staff member who joined through an invitation link and set up MFA on the pages, as a person would,
 * holding a fully signed-in session in `browser`. The clock moves past the TOTP step used.
 */
export async function joinStaff(t: AuthTestApp, role: StaffRole, email = newEmail(role)): Promise<JoinedStaff> {
  const { link } = await t.staff.inviteFromCommandLine({ email, role });
  const token = tokenOf(link);
  const browser = new FormBrowser(t.app);
  expect((await browser.get(`/admin/invitations/accept?token=${token}`)).statusCode).toBe(200);
  const accepted = await browser.post('/admin/invitations/accept', { token, password: goodPassword });
  expect(accepted.headers.location).toBe('/admin/mfa-setup');
  expect((await browser.get('/admin/mfa-setup')).statusCode).toBe(200);
  const enrol = await browser.post('/admin/mfa-setup', {});
  const secret = /<code class="secret">([^<]+)</.exec(enrol.body)![1]!.replace(/\s/g, '');
  const confirmed = await browser.post('/admin/mfa-setup/confirm', { code: await totp(t, secret) });
  expect(confirmed.statusCode).toBe(200);
  t.clock.advance(30_000);
  const me = await browser.api('GET', '/api/v1/admin/me');
  expect(me.statusCode).toBe(200);
  return { browser, email, secret, userId: me.json<{ userId: string }>().userId };
}

/** Signs a staff member in again through the pages (password, then a fresh TOTP step) when their session ended. */
export async function keepSignedIn(t: AuthTestApp, member: JoinedStaff): Promise<void> {
  if ((await member.browser.api('GET', '/api/v1/admin/me')).statusCode === 200) return;
  const browser = new FormBrowser(t.app);
  await browser.get('/admin/sign-in');
  await browser.post('/admin/sign-in', { email: member.email, password: goodPassword });
  t.clock.advance(30_000);
  await browser.get('/admin/mfa');
  expect((await browser.post('/admin/mfa', { code: await totp(t, member.secret) })).headers.location).toBe('/admin');
  member.browser = browser;
}
