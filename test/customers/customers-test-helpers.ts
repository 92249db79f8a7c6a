import type { LightMyRequestResponse } from 'fastify';
import { type TestApp } from '../support/test-app.js';
import { createVerifiedAccount, goodPassword, newEmail, post, signIn, totp } from '../support/accounts.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A JSON API call with the session cookie. */
export function api(t: TestApp, method: Method, url: string, cookie?: string, payload?: unknown): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method,
    url,
    ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
    headers: { ...(cookie ? { cookie } : {}) },
  });
}

export interface Customer {
  email: string;
  cookie: string;
  userId: string;
}

/** A verified account, signed in through the API. */
export async function signedInCustomer(t: TestApp, label = 'customer'): Promise<Customer> {
  const email = await createVerifiedAccount(t, newEmail(label));
  const cookie = await signIn(t, email);
  const me = await api(t, 'GET', '/api/v1/me', cookie);
  return { email, cookie, userId: (me.json<{ id: string }>()).id };
}

/** Turns MFA on for a signed-in customer; returns the secret and the new (rotated) cookie. */
export async function withMfa(t: TestApp, customer: Customer): Promise<{ secret: string; cookie: string }> {
  const enrol = await post(t, '/api/v1/auth/mfa/enrol', {}, customer.cookie);
  const { secret } = enrol.json<{ secret: string }>();
  const confirmed = await post(t, '/api/v1/auth/mfa/confirm', { code: await totp(t, secret) }, customer.cookie);
  if (confirmed.statusCode !== 200) throw new Error(`MFA confirm failed: ${confirmed.body}`);
  const set = /^(__Host-)?session=[^;]+/.exec(String(confirmed.headers['set-cookie']))?.[0];
  if (set === undefined) throw new Error('no rotated cookie');
  // The confirming code's time step is used up: later codes come from the next step.
  t.clock.advance(30_000);
  return { secret, cookie: set };
}

export const sampleAddress = {
  label: 'Home',
  name: 'Ada Lovelace',
  line1: '12 Marlowe Crescent',
  line2: 'Flat 3',
  city: 'Bristol',
  region: 'Avon',
  postalCode: 'bs8 1tq',
  country: 'GB',
  phone: '+44 7700 900 982',
};

export { goodPassword };
