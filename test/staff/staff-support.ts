import { expect } from 'vitest';
import type { StaffRole } from '../../src/kernel/permissions.js';
import { type TestApp } from '../support/test-app.js';
import { goodPassword, totp } from '../support/accounts.js';
import { FormBrowser } from '../support/form-browser.js';
import { createSignedInStaff } from '../support/staff.js';

export interface JoinedStaff {
  browser: FormBrowser;
  email: string;
  secret: string;
  userId: string;
}

/** The token of an invitation link. */
export const tokenOf = (link: string): string => new URL(link).searchParams.get('token')!;

/**
 * A staff member of `role` (test/support/staff.ts makes one the way production does), holding a fully
 * signed-in session in a FormBrowser. The clock moves past the TOTP step used, so the next code is fresh.
 * The page flow of joining is tested on its own in staff.test.ts.
 */
export async function joinStaff(t: TestApp, role: StaffRole, email?: string): Promise<JoinedStaff> {
  const staff = await createSignedInStaff(t, role, email);
  t.clock.advance(30_000);
  const browser = new FormBrowser(t.app);
  const [name = '', value = ''] = staff.cookie.split('=');
  browser.cookies.set(name, value);
  return { browser, email: staff.email, secret: staff.mfaSecret, userId: staff.userId };
}

/** Signs a staff member in again through the pages (password, then a fresh TOTP step) when their session ended. */
export async function keepSignedIn(t: TestApp, member: JoinedStaff): Promise<void> {
  if ((await member.browser.api('GET', '/api/v1/admin/me')).statusCode === 200) return;
  const browser = new FormBrowser(t.app);
  await browser.get('/admin/sign-in');
  await browser.post('/admin/sign-in', { email: member.email, password: goodPassword });
  t.clock.advance(30_000);
  await browser.get('/admin/mfa');
  expect((await browser.post('/admin/mfa', { code: await totp(t, member.secret) })).headers.location).toBe('/admin');
  member.browser = browser;
}
