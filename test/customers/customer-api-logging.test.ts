import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { createVerifiedAccount, newEmail, signIn } from '../support/accounts.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const failures = () => t.logs.filter((line) => line.authEvent === 'auth.failure');

describe('the customer API logs refused auth decisions', () => {
  it('logs a wrong password guessed through account deletion with a stolen session, as the account API does', async () => {
    const email = newEmail();
    await createVerifiedAccount(t, email);
    const cookie = await signIn(t, email);

    const before = failures().length;
    const guess = await t.app.inject({ method: 'POST', url: '/api/v1/me/delete', headers: { cookie }, payload: { password: 'wrong-password-guess-123' } });
    expect(guess.statusCode).toBe(401);
    const logged = failures().slice(before);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ code: guess.json<{ code: string }>().code });
    expect(JSON.stringify(logged[0])).not.toContain('wrong-password-guess-123');
    expect(JSON.stringify(logged[0])).not.toContain(email);
  });
});
