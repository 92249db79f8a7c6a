import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifiedAccount, goodPassword, mailsTo, newEmail, post, signIn, tokenFromMail, totp } from '../support/accounts.js';
import { api, signedInCustomer, withMfa } from '../customers/customers-test-helpers.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** Sends one raw HTTP/1.1 request over a real socket and returns the status code. */
function rawRequest(port: number, head: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`${head}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0)));
    socket.on('error', reject);
  });
}

describe('an absolute-form request target', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp({}, { rules: [{ name: 'api-auth', class: 'auth', pathPrefix: '/api/v1/auth/', limit: 3, windowSeconds: 60 }] });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as { port: number }).port;
  });
  afterAll(async () => t?.close());

  it('counts against the same rate limit as its path, so credential stuffing cannot go around it', async () => {
    const body = JSON.stringify({ email: newEmail('stuffed'), password: 'not-the-password-1' });
    const head = (target: string) => `POST ${target} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json`;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push(await rawRequest(port, head('/api/v1/auth/sign-in'), body));
    for (let i = 0; i < 3; i++) statuses.push(await rawRequest(port, head('http://localhost/api/v1/auth/sign-in'), body));
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
  });
});

describe('re-authentication through the code step', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it('does not make a sign-in left at the code step for hours "recent": a factor change still asks to re-authenticate', async () => {
    const customer = await signedInCustomer(t, 'stale');
    const { secret } = await withMfa(t, customer);
    const pending = await signIn(t, customer.email);
    for (let i = 0; i < 12; i++) {
      t.clock.advance(20 * 60_000);
      await api(t, 'GET', '/api/v1/me', pending);
    }
    const verified = await post(t, '/api/v1/auth/mfa/verify', { code: await totp(t, secret) }, pending);
    expect(verified.statusCode).toBe(200);
    const full = /(__Host-)?session=[^;]+/.exec(String(verified.headers['set-cookie']))![0];
    const codes = await post(t, '/api/v1/auth/mfa/recovery-codes', {}, full);
    expect(codes.statusCode).toBe(403);
    expect(codes.json()).toMatchObject({ code: 'AUTH_REAUTH_REQUIRED' });
  });
});

describe('per-account budgets under the shipped rate limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { rules: 'shipped' });
  });
  afterAll(async () => t?.close());

  it('lets the owner ask for a reset after a flood of wrong sign-ins to their account from other addresses', async () => {
    const victim = await createVerifiedAccount(t, newEmail('victim'));
    for (let i = 0; i < 20; i++) {
      await t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: victim, password: 'x-wrong-pass' }, remoteAddress: `198.51.100.${i + 1}` });
    }
    const reset = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/request', payload: { email: victim }, remoteAddress: '192.0.2.9' });
    expect(reset.statusCode).toBe(202);
    expect(await t.database.db.selectFrom('outbox_job').select('id').where('type', '=', 'auth.password_reset_requested').execute()).not.toHaveLength(0);
  });
});

describe('"this was not me" within the mail cooldown', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ MAIL_COOLDOWN_SECONDS: '60' });
  });
  afterAll(async () => t?.close());

  it('still mails the owner a working reset link, though a reset was asked for a moment before', async () => {
    const victim = await createVerifiedAccount(t, newEmail('victim'));
    t.clock.advance(61_000);
    const thief = await signIn(t, victim);
    expect((await post(t, '/api/v1/auth/email', { password: goodPassword, newEmail: newEmail('thief') }, thief)).statusCode).toBe(202);
    const cancelToken = await tokenFromMail(t, victim, '/account/email/cancel');
    expect((await post(t, '/api/v1/auth/password-reset/request', { email: victim })).statusCode).toBe(202);
    await tokenFromMail(t, victim, '/account/reset');
    const resetsBefore = (await mailsTo(t, victim)).filter((m) => m.text.includes('/account/reset?token=')).length;

    const cancelled = await post(t, '/api/v1/auth/email/cancel', { token: cancelToken });
    expect(cancelled.statusCode).toBe(200);
    const resets = (await mailsTo(t, victim)).filter((m) => m.text.includes('/account/reset?token='));
    expect(resets).toHaveLength(resetsBefore + 1);
    const fresh = await tokenFromMail(t, victim, '/account/reset');
    expect((await post(t, '/api/v1/auth/password-reset/confirm', { token: fresh, password: 'granite-orchard-sparrow-12' })).statusCode).toBe(200);
  });
});
