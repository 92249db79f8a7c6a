import type { StaffRole } from '../../src/kernel/permissions.js';
import { type TestApp } from './test-app.js';
import { goodPassword, newEmail, post, sessionCookie, signIn, totp } from './accounts.js';

/** A staff member signed in with a second factor, as the back office requires. */
export interface SignedInStaff {
  /** The `name=value` pair of the session cookie: pass as the `cookie` header. */
  cookie: string;
  userId: string;
  email: string;
  role: StaffRole;
  /** The TOTP secret, for tests that sign in again (`totp(t, secret)`). */
  mfaSecret: string;
}

/**
 * Makes a staff member of `role` the way production does (an invitation from the command line, accepted
 * with a password), signs in through the API, turns on TOTP and returns the session that comes out of
 * it: fully signed in with MFA on, so `staffGuard.require` sees a staff member. Each call makes a new
 * account, so tests do not share sessions.
 */
export async function createSignedInStaff(t: TestApp, role: StaffRole, email = newEmail(role.replaceAll('_', '-'))): Promise<SignedInStaff> {
  const { link } = await t.staff.inviteFromCommandLine({ email, role });
  const token = new URL(link).searchParams.get('token');
  if (token === null) throw new Error(`invitation link without a token: ${link}`);
  const { userId } = await t.staff.acceptInvitation(token, goodPassword, {});

  const signedIn = await signIn(t, email);
  const enrol = await post(t, '/api/v1/auth/mfa/enrol', undefined, signedIn);
  if (enrol.statusCode !== 200) throw new Error(`MFA enrolment failed (${enrol.statusCode}): ${enrol.body}`);
  const { secret } = enrol.json<{ secret: string }>();
  const confirm = await post(t, '/api/v1/auth/mfa/confirm', { code: await totp(t, secret) }, signedIn);
  if (confirm.statusCode !== 200) throw new Error(`MFA confirmation failed (${confirm.statusCode}): ${confirm.body}`);
  // Turning MFA on replaces the session (a new privilege level, a new token).
  const cookie = sessionCookie(confirm) || signedIn;

  const me = await t.app.inject({ url: '/api/v1/admin/me', headers: { cookie } });
  if (me.statusCode !== 200) throw new Error(`the new ${role} is not signed in to the back office (${me.statusCode}): ${me.body}`);
  return { cookie, userId, email, role, mfaSecret: secret };
}

/** The cookie header of a fresh, fully signed-in staff member of `role` with MFA on. */
export async function signedInStaff(t: TestApp, role: StaffRole): Promise<string> {
  return (await createSignedInStaff(t, role)).cookie;
}
