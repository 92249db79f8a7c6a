import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { isoCBOR } from '@simplewebauthn/server/helpers';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { createVerifiedAccount, mailsTo, newEmail, post, sessionCookie, signIn, totp } from '../support/accounts.js';
import { FormBrowser } from '../support/form-browser.js';

const publicUrl = 'http://localhost:3000';
const origin = 'http://localhost:3000';
const rpId = 'localhost';

/**
 * A software authenticator: makes the same registration and assertion responses a real one does
 * (attestation 'none', ES256, user verified unless told otherwise), so the HTTP API can be tested
 * without a browser. test/auth/passkeys.browser.test.ts does the same with Chromium's virtual one.
 */
class SoftAuthenticator {
  private readonly keys = new Map<string, { key: KeyObject; userHandle: string; counter: number }>();

  register(options: PublicKeyCredentialCreationOptionsJSON, opts: { origin?: string; userVerified?: boolean } = {}): RegistrationResponseJSON {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const id = randomBytes(32).toString('base64url');
    const jwk = publicKey.export({ format: 'jwk' });
    const cose = new Map<number, number | Uint8Array>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, Buffer.from(jwk.x!, 'base64url')],
      [-3, Buffer.from(jwk.y!, 'base64url')],
    ]);
    const idBytes = Buffer.from(id, 'base64url');
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(idBytes.length);
    const authData = Buffer.concat([this.head(opts.userVerified ?? true, 0x40, 0), Buffer.alloc(16), idLength, idBytes, Buffer.from(isoCBOR.encode(cose))]);
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Uint8Array | Map<string, string>>([
        ['fmt', 'none'],
        ['attStmt', new Map<string, string>()],
        ['authData', authData],
      ]),
    );
    this.keys.set(id, { key: privateKey, userHandle: options.user.id, counter: 0 });
    return {
      id,
      rawId: id,
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: { credProps: { rk: true } },
      response: {
        clientDataJSON: this.clientData('webauthn.create', options.challenge, opts.origin),
        attestationObject: Buffer.from(attestationObject).toString('base64url'),
        transports: ['internal'],
      },
    };
  }

  /** An assertion for `credentialId` (one of ours, or a made-up id with a fresh key). */
  assert(
    options: PublicKeyCredentialRequestOptionsJSON,
    credentialId: string,
    opts: { origin?: string; counter?: number; userVerified?: boolean } = {},
  ): AuthenticationResponseJSON {
    const known = this.keys.get(credentialId) ?? { key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, userHandle: undefined, counter: 0 };
    const counter = opts.counter ?? known.counter + 1;
    if (this.keys.has(credentialId)) this.keys.get(credentialId)!.counter = counter;
    const authData = this.head(opts.userVerified ?? true, 0, counter);
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, opts.origin);
    const signed = Buffer.concat([authData, createHash('sha256').update(Buffer.from(clientDataJSON, 'base64url')).digest()]);
    return {
      id: credentialId,
      rawId: credentialId,
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON,
        authenticatorData: authData.toString('base64url'),
        signature: sign('sha256', signed, known.key).toString('base64url'),
        ...(known.userHandle !== undefined ? { userHandle: known.userHandle } : {}),
      },
    };
  }

  /** rpIdHash, flags (UP, UV when verified, plus `extra`), signature counter. */
  private head(userVerified: boolean, extra: number, counter: number): Buffer {
    const counterBytes = Buffer.alloc(4);
    counterBytes.writeUInt32BE(counter);
    return Buffer.concat([createHash('sha256').update(rpId).digest(), Buffer.from([0x01 | (userVerified ? 0x04 : 0) | extra]), counterBytes]);
  }

  private clientData(type: string, challenge: string, from = origin): string {
    return Buffer.from(JSON.stringify({ type, challenge, origin: from, crossOrigin: false })).toString('base64url');
  }
}

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ PUBLIC_URL: publicUrl });
});
afterAll(async () => {
  await t?.close();
});

const json = (res: LightMyRequestResponse) => res.json<Record<string, unknown>>();
const codeOf = (res: LightMyRequestResponse) => json(res).code;
const get = (url: string, cookie?: string) => t.app.inject({ url, headers: { ...(cookie ? { cookie } : {}) } });
/** Why the last refused ceremony was refused, from the log (the answer never says). */
const lastRefusal = () => t.logs.findLast((l) => l.passkeyRefusal !== undefined)?.passkeyRefusal;
const del = (url: string, cookie?: string) => t.app.inject({ method: 'DELETE', url, headers: { ...(cookie ? { cookie } : {}) } });

async function registrationOptions(cookie: string): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const res = await post(t, '/api/v1/auth/passkeys/registration/options', {}, cookie);
  expect(res.statusCode, res.body).toBe(200);
  return json(res).options as PublicKeyCredentialCreationOptionsJSON;
}

async function signInOptions(): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const res = await post(t, '/api/v1/auth/passkeys/sign-in/options', {});
  expect(res.statusCode, res.body).toBe(200);
  return json(res).options as PublicKeyCredentialRequestOptionsJSON;
}

/** A signed-in account with one passkey; returns its cookie, the authenticator and the credential id. */
async function accountWithPasskey(name = 'Work laptop') {
  const email = await createVerifiedAccount(t, newEmail('passkey'));
  const cookie = await signIn(t, email);
  const authenticator = new SoftAuthenticator();
  const response = authenticator.register(await registrationOptions(cookie));
  const res = await post(t, '/api/v1/auth/passkeys/registration/verify', { name, response }, cookie);
  expect(res.statusCode, res.body).toBe(201);
  return { email, cookie, authenticator, credentialId: response.id };
}

const passkeysOf = async (cookie: string) => (json(await get('/api/v1/me/passkeys', cookie)).items as { id: string; name: string; lastUsedAt: string | null }[]);

describe('adding a passkey', () => {
  it('offers options for a discoverable, user-verified passkey of this site, without attestation', async () => {
    const email = await createVerifiedAccount(t, newEmail('passkey'));
    const options = await registrationOptions(await signIn(t, email));
    expect(options.rp).toEqual({ id: rpId, name: t.config.shop.name });
    expect(options.user.name).toBe(email);
    expect(options.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' });
    expect(options.attestation).toBe('none');
    expect(options.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(options.excludeCredentials).toEqual([]);
  });

  it('stores the passkey under its name, lists it, and mails the owner', async () => {
    const { email, cookie, credentialId } = await accountWithPasskey('  Work   laptop ');
    expect(await passkeysOf(cookie)).toMatchObject([{ id: credentialId, name: 'Work laptop', lastUsedAt: null }]);
    const [mail] = await mailsTo(t, email);
    expect(mail?.subject).toContain('A passkey was added');
    expect(mail?.text).toContain('"Work laptop"');
    // The authenticator already holding a passkey is excluded from the next registration.
    expect((await registrationOptions(cookie)).excludeCredentials).toMatchObject([{ id: credentialId }]);
  });

  it('needs a signed-in session: options and verification answer 401 without one', async () => {
    const options = await post(t, '/api/v1/auth/passkeys/registration/options', {});
    expect(options.statusCode).toBe(401);
    expect(codeOf(options)).toBe('AUTH_SIGN_IN_REQUIRED');
    const { cookie } = await accountWithPasskey();
    const response = new SoftAuthenticator().register(await registrationOptions(cookie));
    const verify = await post(t, '/api/v1/auth/passkeys/registration/verify', { name: 'Phone', response });
    expect(verify.statusCode).toBe(401);
    expect(codeOf(verify)).toBe('AUTH_SIGN_IN_REQUIRED');
  });

  it('refuses a registration made for another origin, and stores nothing', async () => {
    const email = await createVerifiedAccount(t, newEmail('passkey'));
    const cookie = await signIn(t, email);
    const response = new SoftAuthenticator().register(await registrationOptions(cookie), { origin: 'https://evil.example' });
    const res = await post(t, '/api/v1/auth/passkeys/registration/verify', { name: 'Phone', response }, cookie);
    expect(res.statusCode).toBe(400);
    expect(codeOf(res)).toBe('AUTH_PASSKEY_NOT_ADDED');
    expect(await passkeysOf(cookie)).toEqual([]);
    expect(lastRefusal()).toBe('verification_failed');
  });

  it('refuses a registration without user verification (a passkey must be two factors)', async () => {
    const email = await createVerifiedAccount(t, newEmail('passkey'));
    const cookie = await signIn(t, email);
    const response = new SoftAuthenticator().register(await registrationOptions(cookie), { userVerified: false });
    const res = await post(t, '/api/v1/auth/passkeys/registration/verify', { name: 'Key', response }, cookie);
    expect(codeOf(res)).toBe('AUTH_PASSKEY_NOT_ADDED');
    expect(lastRefusal()).toBe('verification_failed');
  });

  it('uses a registration challenge once, and only for the account that asked for it', async () => {
    const email = await createVerifiedAccount(t, newEmail('passkey'));
    const cookie = await signIn(t, email);
    const authenticator = new SoftAuthenticator();
    const response = authenticator.register(await registrationOptions(cookie));
    expect((await post(t, '/api/v1/auth/passkeys/registration/verify', { name: 'Phone', response }, cookie)).statusCode).toBe(201);
    const again = await post(t, '/api/v1/auth/passkeys/registration/verify', { name: 'Phone', response }, cookie);
    expect(codeOf(again)).toBe('AUTH_PASSKEY_NOT_ADDED');
    expect(lastRefusal()).toBe('challenge_unknown');

    const other = await signIn(t, await createVerifiedAccount(t, newEmail('passkey')));
    const stolen = authenticator.register(await registrationOptions(cookie));
    const res = await post(t, '/api/v1/auth/passkeys/registration/verify', { name: 'Not mine', response: stolen }, other);
    expect(codeOf(res)).toBe('AUTH_PASSKEY_NOT_ADDED');
    expect(lastRefusal()).toBe('challenge_other_account');
    expect(await passkeysOf(other)).toEqual([]);
  });

  it('refuses an expired registration challenge', async () => {
    const email = await createVerifiedAccount(t, newEmail('passkey'));
    const cookie = await signIn(t, email);
    const response = new SoftAuthenticator().register(await registrationOptions(cookie));
    t.clock.advance(5 * 60_000 + 1_000);
    // The session lives 30 minutes idle, so it is still good; the challenge is not.
    const res = await post(t, '/api/v1/auth/passkeys/registration/verify', { name: 'Phone', response }, cookie);
    expect(codeOf(res)).toBe('AUTH_PASSKEY_NOT_ADDED');
    expect(lastRefusal()).toBe('challenge_expired');
    expect(await passkeysOf(cookie)).toEqual([]);
  });

  it('asks for a name, and a refused name does not use the challenge up', async () => {
    const email = await createVerifiedAccount(t, newEmail('passkey'));
    const cookie = await signIn(t, email);
    const response = new SoftAuthenticator().register(await registrationOptions(cookie));
    const blank = await post(t, '/api/v1/auth/passkeys/registration/verify', { name: ' \t ', response }, cookie);
    expect(blank.statusCode).toBe(400);
    expect(codeOf(blank)).toBe('AUTH_PASSKEY_NAME_INVALID');
    const long = await post(t, '/api/v1/auth/passkeys/registration/verify', { name: 'x'.repeat(61), response }, cookie);
    expect(codeOf(long)).toBe('AUTH_PASSKEY_NAME_INVALID');
    expect((await post(t, '/api/v1/auth/passkeys/registration/verify', { name: 'Phone', response }, cookie)).statusCode).toBe(201);
  });

  it('allows at most ten passkeys, checked again when the eleventh is verified', async () => {
    const email = await createVerifiedAccount(t, newEmail('passkey'));
    const cookie = await signIn(t, email);
    const authenticator = new SoftAuthenticator();
    let early: RegistrationResponseJSON | undefined;
    for (let i = 1; i <= 10; i++) {
      // Options taken while there is still room, used once the account is full.
      if (i === 10) early = authenticator.register(await registrationOptions(cookie));
      const response = authenticator.register(await registrationOptions(cookie));
      expect((await post(t, '/api/v1/auth/passkeys/registration/verify', { name: `Key ${i}`, response }, cookie)).statusCode).toBe(201);
    }
    const options = await post(t, '/api/v1/auth/passkeys/registration/options', {}, cookie);
    expect(options.statusCode).toBe(409);
    expect(codeOf(options)).toBe('AUTH_PASSKEY_LIMIT_REACHED');
    const late = await post(t, '/api/v1/auth/passkeys/registration/verify', { name: 'Key 11', response: early }, cookie);
    expect(late.statusCode).toBe(409);
    expect(codeOf(late)).toBe('AUTH_PASSKEY_LIMIT_REACHED');
    expect(await passkeysOf(cookie)).toHaveLength(10);
  });

  it('needs the second factor first when the account has TOTP on', async () => {
    const { email, cookie, authenticator, credentialId } = await accountWithPasskey();
    const { secret } = json(await post(t, '/api/v1/auth/mfa/enrol', {}, cookie)) as { secret: string };
    expect((await post(t, '/api/v1/auth/mfa/confirm', { code: await totp(t, secret) }, cookie)).statusCode).toBe(200);
    const pending = await signIn(t, email);
    const res = await post(t, '/api/v1/auth/passkeys/registration/options', {}, pending);
    expect(res.statusCode).toBe(401);
    expect(codeOf(res)).toBe('AUTH_MFA_REQUIRED');
    // The passkey itself is two factors: signing in with it skips the TOTP step.
    const signedIn = await post(t, '/api/v1/auth/passkeys/sign-in/verify', { response: authenticator.assert(await signInOptions(), credentialId) });
    expect((await get('/api/v1/me', sessionCookie(signedIn))).statusCode).toBe(200);
  });

  it('refuses fields it does not know (mass assignment), anywhere in the body', async () => {
    const email = await createVerifiedAccount(t, newEmail('passkey'));
    const cookie = await signIn(t, email);
    const response = new SoftAuthenticator().register(await registrationOptions(cookie));
    const cases = [
      { name: 'Phone', response, userId: '00000000-0000-0000-0000-000000000000' },
      { name: 'Phone', response: { ...response, counter: 0 } },
      { name: 'Phone', response: { ...response, response: { ...response.response, publicKey: undefined, credentialPublicKey: 'AAAA' } } },
    ];
    for (const body of cases) {
      const res = await post(t, '/api/v1/auth/passkeys/registration/verify', body, cookie);
      expect(res.statusCode).toBe(400);
      expect(codeOf(res)).toBe('VALIDATION_FAILED');
    }
    const options = await post(t, '/api/v1/auth/passkeys/registration/options', { userVerification: 'discouraged' }, cookie);
    expect(codeOf(options)).toBe('VALIDATION_FAILED');
    expect(await passkeysOf(cookie)).toEqual([]);
    // Nothing was used up: the untouched response still registers.
    expect((await post(t, '/api/v1/auth/passkeys/registration/verify', { name: 'Phone', response }, cookie)).statusCode).toBe(201);
  });
});

describe('signing in with a passkey', () => {
  it('starts a full session (no TOTP step), ends the one the request carried, and records the use', async () => {
    const { cookie, authenticator, credentialId } = await accountWithPasskey();
    const planted = await signIn(t, await createVerifiedAccount(t, newEmail('other')));
    const options = await signInOptions();
    expect(options.rpId).toBe(rpId);
    expect(options.userVerification).toBe('required');
    expect(options.allowCredentials ?? []).toEqual([]);
    const res = await post(t, '/api/v1/auth/passkeys/sign-in/verify', { response: authenticator.assert(options, credentialId) }, planted);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    const fresh = sessionCookie(res)!;
    expect(fresh).toMatch(/^session=[A-Za-z0-9_-]{43}$/);
    expect((await get('/api/v1/me', fresh)).statusCode).toBe(200);
    expect((await get('/api/v1/me', planted)).statusCode).toBe(401);
    expect((await passkeysOf(cookie))[0]!.lastUsedAt).not.toBeNull();
    expect(t.logs.some((l) => l.authEvent === 'auth.passkey_sign_in')).toBe(true);
  });

  it('lets exactly one of two sign-ins with the same counter value through', async () => {
    const { authenticator, credentialId } = await accountWithPasskey();
    const [a, b] = await Promise.all([signInOptions(), signInOptions()]);
    const results = await Promise.all([
      post(t, '/api/v1/auth/passkeys/sign-in/verify', { response: authenticator.assert(a, credentialId, { counter: 7 }) }),
      post(t, '/api/v1/auth/passkeys/sign-in/verify', { response: authenticator.assert(b, credentialId, { counter: 7 }) }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 401]);
  });

  it('logs no address, challenge or credential material', async () => {
    const { email, authenticator, credentialId } = await accountWithPasskey();
    const response = authenticator.assert(await signInOptions(), credentialId);
    await post(t, '/api/v1/auth/passkeys/sign-in/verify', { response });
    await post(t, '/api/v1/auth/passkeys/sign-in/verify', { response });
    const logged = JSON.stringify(t.logs);
    expect(logged).not.toContain(email);
    expect(logged).not.toContain(response.response.signature);
    expect(logged).not.toContain(response.response.clientDataJSON);
    expect(logged).not.toContain(credentialId);
  });

  it('refuses a credential it does not know, with the one generic code', async () => {
    const res = await post(t, '/api/v1/auth/passkeys/sign-in/verify', { response: new SoftAuthenticator().assert(await signInOptions(), randomBytes(32).toString('base64url')) });
    expect(res.statusCode).toBe(401);
    expect(codeOf(res)).toBe('AUTH_PASSKEY_INVALID');
    expect(lastRefusal()).toBe('credential_unknown');
    expect(sessionCookie(res)).toBeUndefined();
  });

  it('uses a challenge once: the same response replayed is refused', async () => {
    const { authenticator, credentialId } = await accountWithPasskey();
    const response = authenticator.assert(await signInOptions(), credentialId);
    expect((await post(t, '/api/v1/auth/passkeys/sign-in/verify', { response })).statusCode).toBe(200);
    const replay = await post(t, '/api/v1/auth/passkeys/sign-in/verify', { response });
    expect(replay.statusCode).toBe(401);
    expect(codeOf(replay)).toBe('AUTH_PASSKEY_INVALID');
    expect(lastRefusal()).toBe('challenge_unknown');
    expect(sessionCookie(replay)).toBeUndefined();
  });

  it('refuses a challenge older than five minutes and changes nothing', async () => {
    const { cookie, authenticator, credentialId } = await accountWithPasskey();
    const options = await signInOptions();
    t.clock.advance(5 * 60_000 + 1_000);
    const res = await post(t, '/api/v1/auth/passkeys/sign-in/verify', { response: authenticator.assert(options, credentialId) });
    expect(codeOf(res)).toBe('AUTH_PASSKEY_INVALID');
    expect(lastRefusal()).toBe('challenge_expired');
    expect(sessionCookie(res)).toBeUndefined();
    expect((await passkeysOf(cookie))[0]!.lastUsedAt).toBeNull();
  });

  it('refuses an assertion made for another origin', async () => {
    const { cookie, authenticator, credentialId } = await accountWithPasskey();
    const res = await post(t, '/api/v1/auth/passkeys/sign-in/verify', {
      response: authenticator.assert(await signInOptions(), credentialId, { origin: 'https://bastion.example.evil' }),
    });
    expect(res.statusCode).toBe(401);
    expect(codeOf(res)).toBe('AUTH_PASSKEY_INVALID');
    expect(lastRefusal()).toBe('verification_failed');
    expect((await passkeysOf(cookie))[0]!.lastUsedAt).toBeNull();
  });

  it('refuses an assertion without user verification', async () => {
    const { authenticator, credentialId } = await accountWithPasskey();
    const res = await post(t, '/api/v1/auth/passkeys/sign-in/verify', { response: authenticator.assert(await signInOptions(), credentialId, { userVerified: false }) });
    expect(codeOf(res)).toBe('AUTH_PASSKEY_INVALID');
    expect(lastRefusal()).toBe('verification_failed');
  });

  it('refuses a signature counter that goes backwards (a cloned authenticator)', async () => {
    const { authenticator, credentialId } = await accountWithPasskey();
    expect((await post(t, '/api/v1/auth/passkeys/sign-in/verify', { response: authenticator.assert(await signInOptions(), credentialId, { counter: 5 }) })).statusCode).toBe(200);
    const back = await post(t, '/api/v1/auth/passkeys/sign-in/verify', { response: authenticator.assert(await signInOptions(), credentialId, { counter: 3 }) });
    expect(codeOf(back)).toBe('AUTH_PASSKEY_INVALID');
    expect(lastRefusal()).toBe('verification_failed');
    const same = await post(t, '/api/v1/auth/passkeys/sign-in/verify', { response: authenticator.assert(await signInOptions(), credentialId, { counter: 5 }) });
    expect(codeOf(same)).toBe('AUTH_PASSKEY_INVALID');
    expect((await post(t, '/api/v1/auth/passkeys/sign-in/verify', { response: authenticator.assert(await signInOptions(), credentialId, { counter: 6 }) })).statusCode).toBe(200);
  });

  it('refuses a registration response sent to sign in (challenges have a purpose)', async () => {
    const { cookie } = await accountWithPasskey();
    const authenticator = new SoftAuthenticator();
    const registration = authenticator.register(await registrationOptions(cookie));
    const { challenge } = JSON.parse(Buffer.from(registration.response.clientDataJSON, 'base64url').toString()) as { challenge: string };
    const options = { challenge } as PublicKeyCredentialRequestOptionsJSON;
    const res = await post(t, '/api/v1/auth/passkeys/sign-in/verify', { response: authenticator.assert(options, registration.id) });
    expect(codeOf(res)).toBe('AUTH_PASSKEY_INVALID');
    expect(lastRefusal()).toBe('challenge_unknown');
  });

  it('needs a confirmed e-mail address, like a password sign-in, and sends a new link', async () => {
    const { email, authenticator, credentialId } = await accountWithPasskey();
    const me = json(await get('/api/v1/me', await signIn(t, email))) as { id: string };
    await t.database.db.updateTable('user_account').set({ email_verified_at: null }).where('id', '=', me.id).execute();
    const before = (await mailsTo(t, email)).length;
    const res = await post(t, '/api/v1/auth/passkeys/sign-in/verify', { response: authenticator.assert(await signInOptions(), credentialId) });
    expect(res.statusCode).toBe(403);
    expect(codeOf(res)).toBe('AUTH_EMAIL_NOT_VERIFIED');
    expect(sessionCookie(res)).toBeUndefined();
    expect((await mailsTo(t, email)).length).toBe(before + 1);
  });

  it('refuses unknown fields in the sign-in body', async () => {
    const { authenticator, credentialId } = await accountWithPasskey();
    const response = authenticator.assert(await signInOptions(), credentialId);
    const res = await post(t, '/api/v1/auth/passkeys/sign-in/verify', { response, userId: 'someone-else', mfaVerified: true });
    expect(res.statusCode).toBe(400);
    expect(codeOf(res)).toBe('VALIDATION_FAILED');
    expect((await post(t, '/api/v1/auth/passkeys/sign-in/verify', { response })).statusCode).toBe(200);
  });
});

describe('removing a passkey', () => {
  it('removes one of the caller’s own passkeys, mails the owner, and it signs in no more', async () => {
    const { email, cookie, authenticator, credentialId } = await accountWithPasskey('Old phone');
    const res = await del(`/api/v1/me/passkeys/${credentialId}`, cookie);
    expect(res.statusCode).toBe(204);
    expect(await passkeysOf(cookie)).toEqual([]);
    expect((await mailsTo(t, email))[0]?.subject).toContain('A passkey was removed');
    const signInRes = await post(t, '/api/v1/auth/passkeys/sign-in/verify', { response: authenticator.assert(await signInOptions(), credentialId) });
    expect(codeOf(signInRes)).toBe('AUTH_PASSKEY_INVALID');
  });

  it('answers 404 for another account’s passkey, which stays', async () => {
    const owner = await accountWithPasskey();
    const intruder = await signIn(t, await createVerifiedAccount(t, newEmail('intruder')));
    const res = await del(`/api/v1/me/passkeys/${owner.credentialId}`, intruder);
    expect(res.statusCode).toBe(404);
    expect(codeOf(res)).toBe('AUTH_PASSKEY_NOT_FOUND');
    expect(await passkeysOf(owner.cookie)).toHaveLength(1);
    expect((await del(`/api/v1/me/passkeys/${owner.credentialId}`)).statusCode).toBe(401);
  });
});

describe('passkeys and recent re-authentication', () => {
  const eleven = 11 * 60_000;
  const patch = (url: string, payload: unknown, cookie?: string) =>
    t.app.inject({ method: 'PATCH', url, payload: payload as Record<string, unknown>, headers: { ...(cookie ? { cookie } : {}) } });

  it('a stolen, non-recent session can neither add nor remove a passkey; nothing changes', async () => {
    const { cookie, credentialId } = await accountWithPasskey('Laptop');
    t.clock.advance(eleven);
    const options = await post(t, '/api/v1/auth/passkeys/registration/options', {}, cookie);
    expect(options.statusCode).toBe(403);
    expect(codeOf(options)).toBe('AUTH_REAUTH_REQUIRED');
    const removed = await del(`/api/v1/me/passkeys/${credentialId}`, cookie);
    expect(removed.statusCode).toBe(403);
    expect(codeOf(removed)).toBe('AUTH_REAUTH_REQUIRED');
    expect((await passkeysOf(cookie)).map((p) => p.id)).toEqual([credentialId]);
  });

  it('a user-verified passkey of the account re-authenticates the session; another account’s passkey does not', async () => {
    const { cookie, authenticator, credentialId } = await accountWithPasskey('Laptop');
    const other = await accountWithPasskey('Other');
    t.clock.advance(eleven);
    const optionsOf = async (c: string) => json(await post(t, '/api/v1/auth/passkeys/reauthenticate/options', {}, c)).options as PublicKeyCredentialRequestOptionsJSON;
    const foreign = await post(t, '/api/v1/auth/passkeys/reauthenticate/verify', { response: other.authenticator.assert(await optionsOf(cookie), other.credentialId) }, cookie);
    expect(foreign.statusCode).toBe(401);
    expect(codeOf(foreign)).toBe('AUTH_PASSKEY_INVALID');
    const options = await optionsOf(cookie);
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([credentialId]);
    const ok = await post(t, '/api/v1/auth/passkeys/reauthenticate/verify', { response: authenticator.assert(options, credentialId) }, cookie);
    expect(ok.statusCode, ok.body).toBe(200);
    const fresh = sessionCookie(ok)!;
    expect((await post(t, '/api/v1/auth/passkeys/registration/options', {}, fresh)).statusCode).toBe(200);
  });

  it('removing a passkey ends the sessions it started, the current one included', async () => {
    const { cookie, authenticator, credentialId } = await accountWithPasskey('Lost phone');
    const viaPasskey = sessionCookie(await post(t, '/api/v1/auth/passkeys/sign-in/verify', { response: authenticator.assert(await signInOptions(), credentialId) }))!;
    const res = await del(`/api/v1/me/passkeys/${credentialId}`, viaPasskey);
    expect(res.statusCode).toBe(204);
    expect(String(res.headers['set-cookie'])).toMatch(/session=; Path=\/; Max-Age=0/);
    expect((await get('/api/v1/me', viaPasskey)).statusCode).toBe(401);
    expect((await get('/api/v1/me', cookie)).statusCode).toBe(401);
  });

  it('renames a passkey of one’s own (API and page); another account’s is 404 and keeps its name', async () => {
    const { cookie, credentialId } = await accountWithPasskey('Laptop');
    const renamed = await patch(`/api/v1/me/passkeys/${credentialId}`, { name: '  Work   laptop ' }, cookie);
    expect(renamed.statusCode).toBe(200);
    expect(json(renamed)).toMatchObject({ id: credentialId, name: 'Work laptop' });
    const empty = await patch(`/api/v1/me/passkeys/${credentialId}`, { name: '   ' }, cookie);
    expect(empty.statusCode).toBe(400);
    expect(codeOf(empty)).toBe('AUTH_PASSKEY_NAME_INVALID');
    const intruder = await signIn(t, await createVerifiedAccount(t, newEmail('intruder')));
    const theirs = await patch(`/api/v1/me/passkeys/${credentialId}`, { name: 'Mine now' }, intruder);
    expect(theirs.statusCode).toBe(404);
    expect(codeOf(theirs)).toBe('AUTH_PASSKEY_NOT_FOUND');
    expect((await passkeysOf(cookie))[0]!.name).toBe('Work laptop');

    const b = new FormBrowser(t.app);
    b.cookies.set('session', cookie.split('=')[1]!);
    const page = await b.get(`/account/security/passkeys/${credentialId}/rename`);
    expect(page.statusCode).toBe(200);
    const saved = await b.post(`/account/security/passkeys/${credentialId}/rename`, { name: 'Desk' });
    expect(saved.statusCode).toBe(303);
    expect((await passkeysOf(cookie))[0]!.name).toBe('Desk');
  });
});

describe('the passkey pages', () => {
  /** GET with the session cookie; returns the page, its CSRF form token and the CSRF cookie it set. */
  async function page(url: string, cookie: string) {
    const res = await t.app.inject({ url, headers: { accept: 'text/html', cookie } });
    const csrfCookie = [res.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('csrf='))?.split(';')[0];
    return { res, token: /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1], csrfCookie };
  }

  it('the sign-in page offers a passkey button through our own hashed scripts, with no inline script', async () => {
    const res = await t.app.inject({ url: '/account/sign-in', headers: { accept: 'text/html' } });
    expect(res.body).toContain('Sign in with a passkey');
    expect(res.body).toContain('<noscript>');
    const scripts = [...res.body.matchAll(/<script([^>]*)>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(2);
    for (const attrs of scripts) expect(attrs).toMatch(/src="\/assets\/(webauthn|passkeys)\.[0-9a-f]{12}\.js"/);
    for (const src of scripts.map((a) => /src="([^"]+)"/.exec(a)![1]!)) {
      const js = await t.app.inject({ url: src, headers: { 'accept-encoding': 'identity' } });
      expect(js.statusCode).toBe(200);
      expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(js.headers['cache-control']).toContain('immutable');
    }
  });

  it('lists passkeys by name and removes one behind a confirmation page, without JavaScript', async () => {
    const { cookie, credentialId } = await accountWithPasskey('Kitchen tablet');
    const list = await page('/account/security/passkeys', cookie);
    expect(list.res.statusCode).toBe(200);
    expect(list.res.body).toContain('Kitchen tablet');
    expect(list.res.body).toContain('Adding a passkey needs JavaScript');
    const confirm = await page(`/account/security/passkeys/${credentialId}/remove`, cookie);
    expect(confirm.res.body).toContain('Remove the passkey “Kitchen tablet”?');
    const removed = await t.app.inject({
      method: 'POST',
      url: `/account/security/passkeys/${credentialId}/remove`,
      payload: new URLSearchParams({ _csrf: confirm.token! }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', cookie: [cookie, confirm.csrfCookie].filter(Boolean).join('; ') },
    });
    expect(removed.statusCode, removed.body).toBe(303);
    expect(removed.headers.location).toBe('/account/security/passkeys?done=removed');
    const after = await page('/account/security/passkeys?done=removed', cookie);
    expect(after.res.body).toContain('The passkey is removed.');
    expect(after.res.body).toContain('You have not added a passkey yet.');
  });

  it('sends a visitor without a session to sign in, and shows 404 for a passkey that is not theirs', async () => {
    const anonymous = await t.app.inject({ url: '/account/security/passkeys', headers: { accept: 'text/html' } });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe('/account/sign-in');
    const owner = await accountWithPasskey();
    const intruder = await signIn(t, await createVerifiedAccount(t, newEmail('intruder')));
    expect((await page(`/account/security/passkeys/${owner.credentialId}/remove`, intruder)).res.statusCode).toBe(404);
  });

  it('links to the passkeys from the account page', async () => {
    const { cookie } = await accountWithPasskey();
    expect((await page('/account', cookie)).res.body).toContain('href="/account/security/passkeys"');
  });
});
