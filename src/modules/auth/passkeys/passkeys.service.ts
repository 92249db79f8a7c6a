/**
 * Passkeys (WebAuthn), as the Copenhagen Book's "WebAuthn" chapter lays them out, with
 * @simplewebauthn/server doing the parsing and the signature checks.
 *
 * - Relying party: PUBLIC_URL's hostname is the RP ID and its origin the only accepted origin, so a
 *   passkey made here signs for nothing else and a response made on another site is refused.
 * - User verification is required at registration and at sign-in (fingerprint, face or device PIN), so a
 *   passkey is two factors in one (the device, and what unlocks it): a passkey sign-in is a full
 *   session, with no TOTP step after it. Discoverable credentials (resident keys) are required, so
 *   sign-in needs no address first; attestation is 'none' (no device metadata is collected).
 * - Challenges are 256-bit tokens (tokens.ts), valid five minutes, stored as SHA-256 and used up by one
 *   `DELETE … RETURNING` before the response is checked: each challenge gets exactly one try, a replayed
 *   response finds nothing, and a refused attempt cannot be retried. A registration challenge belongs to
 *   the account that asked for it. The challenge travels inside the signed clientDataJSON, so no cookie
 *   or server-side session has to carry it and the API is the same for the storefront and the back office.
 * - The signature counter is stored and must move forward (unless the authenticator keeps none, when it
 *   stays 0); the update is conditional, so a cloned authenticator replaying an old counter is refused.
 * - Every refusal is one generic error (AUTH_PASSKEY_INVALID for sign-in, AUTH_PASSKEY_NOT_ADDED for
 *   registration) whose logged `reason` says what failed; nothing else changes.
 * - At most ten passkeys per account; adding or removing one mails the owner.
 */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Db } from '../../../db/database.js';
import type { FieldEncryption } from '../../encryption/index.js';
import type { MailQueue } from '../../outbox/index.js';
import { createAccounts } from '../accounts.js';
import { emailNotVerified, signInRequired } from '../auth.errors.js';
import type { MailBrand } from '../auth.mails.js';
import { createEmailVerification } from '../email-verification.js';
import type { Session, Sessions } from '../sessions.js';
import { generateToken, hashToken, isWellFormedToken } from '../tokens.js';
import { passkeyAddedMail, passkeyRemovedMail } from './passkeys.mails.js';
import { passkeyInvalid, passkeyLimitReached, passkeyNameInvalid, passkeyNotAdded, passkeyNotFound } from './passkeys.errors.js';
import * as repo from './passkeys.repository.js';

export const passkeyLimit = 10;
export const passkeyNameMax = 60;
export const challengeMinutes = 5;
/** Longest credential id kept (base64url characters): it is part of URLs, and resident keys use 16–64 bytes. */
export const credentialIdMax = 200;

export interface RelyingParty {
  /** PUBLIC_URL's hostname, e.g. shop.example. */
  id: string;
  /** PUBLIC_URL's origin, e.g. https://shop.example: the only origin a response may come from. */
  origin: string;
  /** Shown by the browser and the authenticator: SHOP_NAME. */
  name: string;
}

/** The relying party of a deployment, from PUBLIC_URL and SHOP_NAME. */
export function relyingPartyOf(publicUrl: string, shopName: string): RelyingParty {
  const url = new URL(publicUrl);
  return { id: url.hostname, origin: url.origin, name: shopName };
}

export interface Passkey {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  /** 'multiDevice' when the passkey syncs between devices (a password manager), else 'singleDevice'. */
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
}

export interface PasskeyDeps {
  db: Db;
  now: () => Date;
  fieldEncryption: FieldEncryption;
  /** The auth service's sessions and its full-session check. */
  auth: { sessions: Sessions; requireFull(session: Session | undefined): Session };
  mail: MailQueue;
  brand: MailBrand;
  relyingParty: RelyingParty;
}

export interface PasskeyService {
  /** Options for navigator.credentials.create(); needs a full session and room for another passkey. */
  registrationOptions(session: Session | undefined): Promise<PublicKeyCredentialCreationOptionsJSON>;
  /** Checks the browser's registration response against its challenge and stores the passkey under `name`. */
  register(session: Session | undefined, input: { name: string; response: RegistrationResponseJSON }): Promise<Passkey>;
  /** Options for navigator.credentials.get(), for any passkey of this site (no address needed). */
  signInOptions(): Promise<PublicKeyCredentialRequestOptionsJSON>;
  /** Checks an assertion and starts a full session; `previous` (the request's session, if any) is ended. */
  signIn(response: AuthenticationResponseJSON, previous: Session | undefined): Promise<{ token: string; session: Session }>;
  /** The account's passkeys, in the order they were added. */
  list(session: Session | undefined): Promise<Passkey[]>;
  /** Removes one of the account’s passkeys and ends its other sessions; AUTH_PASSKEY_NOT_FOUND for any other id. */
  remove(session: Session | undefined, id: string): Promise<void>;
}

/** The WebAuthn user handle of an account: its UUID's 16 bytes (no personal data, stable, unique). */
const userHandleOf = (userId: string): Uint8Array<ArrayBuffer> => new Uint8Array(Buffer.from(userId.replaceAll('-', ''), 'hex'));

/** The challenge inside a response's clientDataJSON, if it has the shape of one of ours. */
function challengeOf(clientDataJSON: unknown): string | undefined {
  if (typeof clientDataJSON !== 'string') return undefined;
  try {
    const data = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof data.challenge === 'string' && isWellFormedToken(data.challenge) ? data.challenge : undefined;
  } catch {
    return undefined;
  }
}

/** Trimmed, NFC, one space between words, no control characters; AUTH_PASSKEY_NAME_INVALID if empty or too long. */
export function normalisePasskeyName(name: string): string {
  const value = name
    .normalize('NFC')
    .replace(/\p{Cc}/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
  if (value === '' || [...value].length > passkeyNameMax) throw passkeyNameInvalid(passkeyNameMax);
  return value;
}

const toPasskey = (row: repo.PasskeyRow): Passkey => ({
  id: row.id,
  name: row.name,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  deviceType: row.device_type,
  backedUp: row.backed_up,
});

export function createPasskeyService(deps: PasskeyDeps): PasskeyService {
  const { db, now, auth, mail, brand, relyingParty: rp } = deps;
  const accounts = createAccounts({ db, fieldEncryption: deps.fieldEncryption, now });
  const verification = createEmailVerification({ db, now, mail, brand });
  const timeoutMs = challengeMinutes * 60_000;

  /** A new challenge for `purpose`, stored hashed; returned as the bytes the options carry. */
  const newChallenge = async (purpose: repo.ChallengePurpose, userId: string | null): Promise<Uint8Array<ArrayBuffer>> => {
    const challenge = generateToken();
    const at = now();
    await repo.insertChallenge(db, { challengeHash: hashToken(challenge), purpose, userId, now: at, expiresAt: new Date(at.getTime() + timeoutMs) });
    return new Uint8Array(Buffer.from(challenge, 'base64url'));
  };

  /** Uses up the challenge a response answers; the refusal reason when it is unknown, used or expired. */
  const useChallenge = async (
    clientDataJSON: unknown,
    purpose: repo.ChallengePurpose,
  ): Promise<{ challenge: string; userId: string | null } | { refused: 'malformed' | 'challenge_unknown' | 'challenge_expired' }> => {
    const challenge = challengeOf(clientDataJSON);
    if (challenge === undefined) return { refused: 'malformed' };
    const row = await repo.consumeChallenge(db, hashToken(challenge), purpose);
    if (row === undefined) return { refused: 'challenge_unknown' };
    if (row.expires_at <= now()) return { refused: 'challenge_expired' };
    return { challenge, userId: row.user_id };
  };

  const requireAccount = async (session: Session | undefined) => {
    const full = auth.requireFull(session);
    const account = await accounts.findById(full.userId);
    if (account === undefined) throw signInRequired();
    return account;
  };

  return {
    async registrationOptions(session) {
      const account = await requireAccount(session);
      const existing = await repo.findPasskeysOfUser(db, account.id);
      if (existing.length >= passkeyLimit) throw passkeyLimitReached(passkeyLimit);
      return generateRegistrationOptions({
        rpName: rp.name,
        rpID: rp.id,
        userName: account.email,
        userDisplayName: account.email,
        userID: userHandleOf(account.id),
        challenge: await newChallenge('registration', account.id),
        timeout: timeoutMs,
        attestationType: 'none',
        // The same authenticator cannot be registered twice (it would overwrite its own resident key).
        excludeCredentials: existing.map((p) => ({ id: p.id, transports: p.transports })),
        authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
      });
    },

    async register(session, input) {
      const account = await requireAccount(session);
      // Checked before the challenge is used, so a refused name can be corrected and sent again.
      const name = normalisePasskeyName(input.name);
      const used = await useChallenge(input.response.response.clientDataJSON, 'registration');
      if ('refused' in used) throw passkeyNotAdded(used.refused);
      if (used.userId !== account.id) throw passkeyNotAdded('challenge_other_account');
      let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
      try {
        verified = await verifyRegistrationResponse({
          response: input.response,
          expectedChallenge: used.challenge,
          expectedOrigin: rp.origin,
          expectedRPID: rp.id,
          requireUserPresence: true,
          requireUserVerification: true,
        });
      } catch {
        throw passkeyNotAdded('verification_failed');
      }
      if (!verified.verified) throw passkeyNotAdded('verification_failed');
      const info = verified.registrationInfo;
      if (info.credential.id.length > credentialIdMax) throw passkeyNotAdded('credential_id_too_long');
      const row = {
        id: info.credential.id,
        user_id: account.id,
        public_key: info.credential.publicKey,
        counter: info.credential.counter,
        transports: info.credential.transports ?? [],
        device_type: info.credentialDeviceType,
        backed_up: info.credentialBackedUp,
        name,
        created_at: now(),
      };
      const outcome = await repo.insertPasskeyWithinLimit(db, row, passkeyLimit, (trx) => mail.enqueue(trx, passkeyAddedMail(brand, account.email, name)));
      if (outcome === 'limit') throw passkeyLimitReached(passkeyLimit);
      if (outcome === 'no_account') throw signInRequired();
      if (outcome === 'taken') throw passkeyNotAdded('credential_taken');
      return toPasskey({ ...row, counter: String(row.counter), last_used_at: null });
    },

    async signInOptions() {
      return generateAuthenticationOptions({
        rpID: rp.id,
        challenge: await newChallenge('authentication', null),
        timeout: timeoutMs,
        userVerification: 'required',
        // Empty: the browser offers every passkey it holds for this site (discoverable credentials).
        allowCredentials: [],
      });
    },

    async signIn(response, previous) {
      const used = await useChallenge(response.response.clientDataJSON, 'authentication');
      if ('refused' in used) throw passkeyInvalid(used.refused);
      if (response.id !== response.rawId) throw passkeyInvalid('malformed');
      const passkey = await repo.findPasskey(db, response.id);
      if (passkey === undefined) throw passkeyInvalid('credential_unknown');
      const handle = response.response.userHandle;
      if (handle !== undefined && handle !== Buffer.from(userHandleOf(passkey.user_id)).toString('base64url')) throw passkeyInvalid('user_handle_mismatch');
      let verified: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
      try {
        verified = await verifyAuthenticationResponse({
          response,
          expectedChallenge: used.challenge,
          expectedOrigin: rp.origin,
          expectedRPID: rp.id,
          credential: { id: passkey.id, publicKey: new Uint8Array(passkey.public_key), counter: Number(passkey.counter), transports: passkey.transports },
          requireUserVerification: true,
        });
      } catch {
        // Includes a counter that did not move forward (a possible clone): the library refuses it.
        throw passkeyInvalid('verification_failed');
      }
      if (!verified.verified) throw passkeyInvalid('verification_failed');
      const account = await accounts.findById(passkey.user_id);
      if (account === undefined) throw passkeyInvalid('account_gone');
      // The same rule as a password sign-in: an address that was never confirmed gets a new link.
      if (account.emailVerifiedAt === null) {
        await verification.send(account);
        throw emailNotVerified();
      }
      const info = verified.authenticationInfo;
      if (!(await repo.advancePasskeyCounter(db, passkey.id, info.newCounter, info.credentialBackedUp, now()))) throw passkeyInvalid('counter_not_advanced');
      // A session the request already had (signed in as anyone, or planted by an attacker) ends here.
      if (previous !== undefined) await auth.sessions.end(previous.id);
      return auth.sessions.create(account.id, { mfaVerified: true });
    },

    async list(session) {
      const full = auth.requireFull(session);
      return (await repo.findPasskeysOfUser(db, full.userId)).map(toPasskey);
    },

    async remove(session, id) {
      const account = await requireAccount(session);
      await db.transaction().execute(async (trx) => {
        const name = await repo.deletePasskeyOfUser(trx, account.id, id);
        if (name === undefined) throw passkeyNotFound();
        await mail.enqueue(trx, passkeyRemovedMail(brand, account.email, name));
      });
      // A removed passkey is often a lost device: whatever it signed in elsewhere ends with it.
      await auth.sessions.endAllOf(account.id, auth.requireFull(session).id);
    },
  };
}
