import type { LightMyRequestResponse } from 'fastify';
import { generate } from 'otplib';
import type { StoredMail } from '../../src/adapters/mail/dev.js';
import type { TestApp } from './test-app.js';

/** The `name=value` pair of the session cookie a response sets ('' when it clears it); undefined if none. */
export function sessionCookie(res: LightMyRequestResponse): string | undefined {
  const header = res.headers['set-cookie'];
  const all = header === undefined ? [] : Array.isArray(header) ? header : [header];
  const found = all.find((c) => /^(__Host-)?session=/.test(c));
  return found?.split(';')[0];
}

/** Mails to one address, newest first, once everything queued was delivered. */
export async function mailsTo(t: TestApp, to: string): Promise<StoredMail[]> {
  await t.outbox.drain();
  return (await t.mailbox.list()).filter((m) => m.to === to);
}

/** The token of the newest link in a mail to `to` whose URL contains `path`. */
export async function tokenFromMail(t: TestApp, to: string, path: string): Promise<string> {
  for (const mail of await mailsTo(t, to)) {
    const match = new RegExp(`${path.replaceAll('/', '\\/')}\\?token=([A-Za-z0-9_-]+)`).exec(mail.text);
    if (match) return match[1]!;
  }
  throw new Error(`no mail to ${to} with a ${path} link`);
}

let counter = 0;
/** A fresh address per test, so tests do not share accounts. */
export function newEmail(label = 'shopper'): string {
  counter += 1;
  return `${label}.${counter}.${Date.now().toString(36)}@example.com`;
}

export const goodPassword = 'linen-teapot-harbour-41';

export function post(t: TestApp, url: string, payload?: unknown, cookie?: string) {
  return t.app.inject({
    method: 'POST',
    url,
    ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
    headers: { ...(cookie ? { cookie } : {}) },
  });
}

/** Signs up, follows the verification link, and returns the address. */
export async function createVerifiedAccount(t: TestApp, email = newEmail(), password = goodPassword): Promise<string> {
  const res = await post(t, '/api/v1/auth/sign-up', { email, password });
  if (res.statusCode !== 202) throw new Error(`sign-up failed: ${res.body}`);
  const token = await tokenFromMail(t, email, '/account/verify-email');
  const verified = await post(t, '/api/v1/auth/verify-email', { token });
  if (verified.statusCode !== 200) throw new Error(`verify failed: ${verified.body}`);
  return email;
}

/** Signs in and returns the session cookie pair. */
export async function signIn(t: TestApp, email: string, password = goodPassword, cookie?: string): Promise<string> {
  const res = await post(t, '/api/v1/auth/sign-in', { email, password }, cookie);
  const set = sessionCookie(res);
  if (res.statusCode !== 200 || set === undefined) throw new Error(`sign-in failed: ${res.body}`);
  return set;
}

/** The TOTP code of `secret` at the app's clock, `steps` periods away. */
export function totp(t: TestApp, secret: string, steps = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(t.clock.now.getTime() / 1000) + steps * 30 });
}
