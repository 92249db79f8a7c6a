/**
 * The customer flows of the built-in accounts, built on the primitives beside this file (tokens,
 * passwords, sessions, email-verification, password-reset, mfa, throttle). docs/auth.md describes each
 * flow, its lifetimes and its answers.
 *
 * No user enumeration: sign-up, sign-in and reset answer with the same status and message whether or
 * not the address has an account, and do the same expensive work either way (one argon2id hash or
 * verification, one sealing); mails are outbox jobs, written with the change and sent off the request path.
 */
import type { Db } from '../../db/database.js';
import type { AuditService } from '../audit/index.js';
import type { FieldEncryption } from '../encryption/index.js';
import { newId } from '../../kernel/ids.js';
import type { MailQueue, OutboxService } from '../outbox/index.js';
import { createAccountDirectory, type AccountDirectory } from './account-directory.js';
import { createAccounts, normaliseEmail, type Accounts } from './accounts.js';
import {
  emailNotVerified,
  invalidCredentials,
  mfaCodeInvalid,
  mfaCodeNeeded,
  mfaNotEnabled,
  mfaRequired,
  reauthRequired,
  reauthUnavailable,
  sessionNotFound,
  signInRequired,
} from './auth.errors.js';
import { accountExistsMail, mfaChangedMail, passwordChangedMail, recoveryCodesChangedMail, type MailBrand } from './auth.mails.js';
import * as repo from './auth.repository.js';
import { createEmailChange, type RequestFacts } from './email-change.js';
import { createEmailVerification, type EmailVerification } from './email-verification.js';
import { createMfa, type Enrolment, type Mfa } from './mfa.js';
import { createPasswordReset, type PasswordReset } from './password-reset.js';
import * as passkeyRepo from './passkeys/passkeys.repository.js';
import { cancelPendingChanges } from './recovery.js';
import { assertAcceptablePassword, type PasswordHasher } from './passwords.js';
import { createSessions, isRecentlyAuthenticated, reauthMinutes, type Session, type SessionOptions, type Sessions } from './sessions.js';
import { createKnownDevices, type KnownDevices } from './devices.js';
import { createThrottle, defaultThrottlePolicy, type Throttle, type ThrottlePolicy } from './throttle.js';

/**
 * The budget every client without a device cookie shares for one account: generous, and its lock never
 * passes a minute, so a distributed guesser is slowed to about one guess a minute while the owner is
 * never locked out for long (and not at all from a known device).
 */
const unknownClientsPolicy: ThrottlePolicy = { free: 20, maxLockMs: 60_000 };

/** The outbox job of a password-reset request: `{ email }`, normalised. */
export const resetJobType = 'auth.password_reset_requested';

export interface AuthDeps {
  db: Db;
  fieldEncryption: FieldEncryption;
  passwords: PasswordHasher;
  mail: MailQueue;
  /** Outbox jobs: a reset request is one, so known and unknown addresses cost the request the same. */
  jobs: Pick<OutboxService, 'enqueue' | 'handle'>;
  brand: MailBrand;
  sessionOptions: SessionOptions;
  /** The audit trail: a confirmed change of e-mail is recorded in its transaction. */
  audit: AuditService;
  now?: () => Date;
}

/** A signed-in session's owner, as /api/v1/me shows it. */
export interface Me {
  id: string;
  email: string;
  emailVerified: boolean;
  mfaEnabled: boolean;
  createdAt: Date;
}

export interface SignedIn {
  token: string;
  session: Session;
  /** True when the account has MFA on: the session is good only for the MFA step until a code is given. */
  mfaRequired: boolean;
  /** The device cookie this client keeps for the account (devices.ts): the one it sent if valid, else a new one. */
  device: string;
}

/** Who is signing in, as far as the throttle cares: the client's address key and its device cookie. */
export interface SignInClient {
  /** The client address, IPv6 per /64 (the rate limiter's `clientAddressKey`). */
  address: string;
  device?: string | undefined;
}

/** A second factor: a current TOTP code or one recovery code. */
export type SecondFactor = { code: string } | { recoveryCode: string };

export interface AuthService {
  sessions: Sessions;
  /** Account facts for other modules (the staff module's invitations). */
  directory: AccountDirectory;
  /** The throttle key (and per-account rate-limit identity) of an address, whether or not it has an account. */
  accountKey(email: string): Promise<string>;
  signUp(input: { email: string; password: string }): Promise<void>;
  verifyEmail(token: string): Promise<void>;
  /**
   * Checks the password and starts a new session; `previous` (the request's session, if any) is ended.
   * Failures are throttled per account and client: a client with this account's device cookie has a
   * budget of its own; any other client has one per address, and all of them together share a
   * per-account budget that slows (at most a minute's lock) rather than locks. A completed reset clears them.
   */
  signIn(input: { email: string; password: string }, previous: Session | undefined, client?: SignInClient): Promise<SignedIn>;
  /**
   * The per-account rate-limit identity of a sign-in: the known device (its own count) when `device` is
   * this account's device cookie, else the account. So floods from other clients never 429 the owner.
   */
  signInLimitKey(email: string, device: string | undefined): Promise<string>;
  signOut(session: Session): Promise<void>;
  signOutEverywhere(session: Session): Promise<number>;
  /**
   * Changes the password after checking the current one: every other session ends, this one gets a new
   * token, and the owner is told by mail.
   */
  changePassword(session: Session, input: { currentPassword: string; newPassword: string }): Promise<{ token: string; session: Session }>;
  requestPasswordReset(email: string): Promise<void>;
  confirmPasswordReset(token: string, password: string): Promise<void>;
  me(session: Session): Promise<Me>;
  /** The account's signed-in devices, this one marked. */
  listSessions(session: Session): Promise<{ id: string; createdAt: Date; lastSeenAt: Date; current: boolean; device: string | null }[]>;
  /** Signs out one of the account's own sessions; AUTH_SESSION_NOT_FOUND for any other id. */
  endSession(session: Session, sessionId: string): Promise<void>;
  /** The session of a token when it is fully signed in; AUTH_SIGN_IN_REQUIRED / AUTH_MFA_REQUIRED otherwise. */
  requireFull(session: Session | undefined): Session;
  /**
   * A full session whose holder re-authenticated within `reauthMinutes` (sessions.ts); AUTH_REAUTH_REQUIRED
   * (403) otherwise. Asked before every change of factors, of address or password, and before deletion.
   */
  requireRecent(session: Session | undefined): Session;
  /** True when the session's holder re-authenticated within `reauthMinutes`. */
  isRecent(session: Session): boolean;
  /**
   * Re-authenticates a signed-in session with the password and, when MFA is on, a second factor; the
   * session gets a new token and counts as recent. Accounts without a password use a passkey instead.
   */
  reauthenticate(session: Session | undefined, input: { password: string; code?: string | undefined; recoveryCode?: string | undefined }): Promise<{ token: string; session: Session }>;
  /** What a re-authentication of this account can use: its password, whether a code is asked, its passkeys. */
  reauthOptions(session: Session): Promise<{ password: boolean; mfa: boolean; passkeys: number; federated: boolean }>;
  /** Replaces the recovery codes (recent re-authentication needed); the owner is told by mail. */
  regenerateRecoveryCodes(session: Session | undefined): Promise<string[]>;
  mfaEnrol(session: Session): Promise<Enrolment>;
  /** The enrolment awaiting its first code, if one was started. */
  mfaPendingEnrolment(session: Session): Promise<Enrolment | undefined>;
  /** Turns MFA on with a first code; returns the recovery codes and a new session token. */
  mfaConfirm(session: Session, code: string): Promise<{ recoveryCodes: string[]; token: string; session: Session }>;
  /** Passes the second factor after a password sign-in; returns a new, fully signed-in session. */
  mfaVerify(session: Session, factor: SecondFactor): Promise<{ token: string | undefined; session: Session; recoveryCodesLeft: number }>;
  /** Turns MFA off after the password and a second factor: every other session ends; returns a new session token. */
  mfaDisable(session: Session, input: { password: string } & SecondFactor): Promise<{ token: string; session: Session }>;
  /** Asks to change the address after the password (email-change.ts): a link to the new one, a notice to the old. */
  requestEmailChange(session: Session, input: { password: string; newEmail: string }): Promise<void>;
  /** Uses a change-of-e-mail link and returns the account id; `current` stays signed in when it is that account's. */
  confirmEmailChange(token: string, current: Session | undefined, facts: RequestFacts): Promise<string>;
  /**
   * Uses the "this was not me" link of the notice to the old address: cancels the change and every link,
   * ends every session, and mails a reset link to the account's (unchanged) address. Returns the account id.
   */
  cancelEmailChange(token: string, facts: RequestFacts): Promise<string>;
  /**
   * Re-checks who is at the keyboard before something irreversible (deleting the account): a recent
   * re-authentication of the session, or else the password and a second factor when MFA is on
   * (AUTH_MFA_CODE_REQUIRED when none was given), throttled per account. With neither, AUTH_REAUTH_REQUIRED:
   * an account without a password re-authenticates with a passkey or a fresh sign-in first.
   */
  confirmIdentity(session: Session, input: { password?: string | undefined; code?: string | undefined; recoveryCode?: string | undefined }): Promise<void>;
  /**
   * Deletes the account inside the caller's transaction: its sessions, tokens, MFA, pending e-mail change
   * and the account row. Returns the ended sessions' token hashes; once the transaction commits, none of
   * them is accepted on any instance (sessions are read from the database on every request).
   */
  eraseAccount(trx: Db, userId: string): Promise<{ endedSessions: Uint8Array[] }>;
}

export function createAuthService(deps: AuthDeps): AuthService {
  const { db, passwords, mail, brand } = deps;
  const now = deps.now ?? (() => new Date());
  const accounts: Accounts = createAccounts({ db, fieldEncryption: deps.fieldEncryption, now });
  const sessions = createSessions({ db, now, options: deps.sessionOptions });
  const throttle: Throttle = createThrottle({ db, now });
  const verification: EmailVerification = createEmailVerification({ db, now, mail, brand });
  const devices: KnownDevices = createKnownDevices(deps.fieldEncryption);
  const reset: PasswordReset = createPasswordReset({
    db, now, accounts, passwords, sessions, mail, brand,
    clearThrottles: async (trx, account) => {
      await repo.clearThrottleTree(trx, await accountKey(account.email));
      await repo.clearThrottle(trx, `password:${account.id}`);
    },
  });
  const mfa: Mfa = createMfa({ db, now, fieldEncryption: deps.fieldEncryption, issuer: brand.shopName });
  const emailChange = createEmailChange({ db, now, fieldEncryption: deps.fieldEncryption, accounts, sessions, audit: deps.audit, mail, brand });

  deps.jobs.handle<{ email: string }>(resetJobType, async ({ email }) => reset.request(email));

  const accountKey = async (email: string) => `email:${(await accounts.indexOf(email)).toString('hex').slice(0, 32)}`;
  const mfaKey = (userId: string) => `mfa:${userId}`;

  const requireAccount = async (session: Session) => {
    const account = await accounts.findById(session.userId);
    if (account === undefined) throw signInRequired();
    return account;
  };

  /** Checks the password of a signed-in account, throttled per account (shared by every re-check). */
  const checkPassword = async (account: { id: string; passwordHash: string | null }, password: string): Promise<void> => {
    const key = `password:${account.id}`;
    await throttle.assertOpen(key);
    // An account without a password (signed up another way) is refused after the same work.
    const ok = account.passwordHash ? await passwords.verify(account.passwordHash, password) : await passwords.verifyAgainstDummy(password).then(() => false);
    if (!ok) {
      await throttle.fail(key);
      throw invalidCredentials();
    }
    await throttle.succeed(key);
  };

  /** Checks a second factor under the MFA throttle; throws AUTH_MFA_CODE_INVALID when wrong. */
  const checkSecondFactor = async (userId: string, factor: SecondFactor): Promise<void> => {
    await throttle.assertOpen(mfaKey(userId));
    const ok = 'code' in factor ? await mfa.verifyCode(userId, factor.code) : await mfa.useRecoveryCode(userId, factor.recoveryCode);
    if (!ok) {
      await throttle.fail(mfaKey(userId));
      throw mfaCodeInvalid();
    }
    await throttle.succeed(mfaKey(userId));
  };

  /** The password and, when MFA is on, a second factor; shared by re-authentication and deletion. */
  const checkEveryFactor = async (
    account: { id: string; passwordHash: string | null },
    input: { password: string; code?: string | undefined; recoveryCode?: string | undefined },
  ): Promise<void> => {
    await checkPassword(account, input.password);
    if (!(await mfa.isEnabled(account.id))) return;
    if (input.code !== undefined && input.code !== '') await checkSecondFactor(account.id, { code: input.code });
    else if (input.recoveryCode !== undefined && input.recoveryCode !== '') await checkSecondFactor(account.id, { recoveryCode: input.recoveryCode });
    else throw mfaCodeNeeded();
  };

  const service: AuthService = {
    sessions,
    directory: createAccountDirectory({ db, now, accounts, passwords, throttle, mfa, accountKey }),
    accountKey,

    async signUp({ email, password }) {
      const address = normaliseEmail(email);
      assertAcceptablePassword(password);
      const passwordHash = await passwords.hash(password);
      const existing = await accounts.findByEmail(address);
      if (existing !== undefined) {
        await accounts.sealThrowaway(address);
        if (await mail.claimCooldown(db, existing.email)) await mail.enqueue(db, accountExistsMail(brand, existing.email));
        return;
      }
      // The account, its verification link and the mail carrying it commit together, or not at all.
      await db.transaction().execute(async (trx) => {
        const created = await accounts.create(address, passwordHash, { trx });
        // undefined: a concurrent sign-up took the address a moment ago; its owner gets the notice.
        if (created === undefined) {
          if (await mail.claimCooldown(trx, address)) await mail.enqueue(trx, accountExistsMail(brand, address));
        }
        else await verification.send(created, trx);
      });
    },

    async verifyEmail(token) {
      await verification.confirm(token);
    },

    async signIn({ email, password }, previous, client = { address: 'unknown' }) {
      const key = await accountKey(email);
      const account = await accounts.findByEmail(email);
      // An unknown address never has a valid device cookie, so it takes the unknown-client path: same keys, same work.
      const nonce = account === undefined ? undefined : await devices.recognise(client.device, account.id);
      const budgets =
        nonce !== undefined
          ? [{ key: `${key}:device:${nonce}`, policy: defaultThrottlePolicy }]
          : [{ key: `${key}:client:${client.address}`, policy: defaultThrottlePolicy }, { key, policy: unknownClientsPolicy }];
      for (const b of budgets) await throttle.assertOpen(b.key);
      let ok = false;
      // No account, or one without a password (it signs in through Cognito): the same work, the same answer.
      if (account === undefined || account.passwordHash === null) await passwords.verifyAgainstDummy(password);
      else ok = await passwords.verify(account.passwordHash, password);
      if (!ok || account === undefined || account.passwordHash === null) {
        for (const b of budgets) await throttle.fail(b.key, b.policy);
        throw invalidCredentials();
      }
      // Success proves the password, not the client: only this client's own budget starts again.
      await throttle.succeed(budgets[0]!.key);
      if (passwords.needsRehash(account.passwordHash)) await repo.updatePasswordHash(db, account.id, await passwords.hash(password), now());
      if (account.emailVerifiedAt === null) {
        await verification.send(account);
        throw emailNotVerified();
      }
      // A session the request already had (signed in as anyone, or planted by an attacker) ends here.
      if (previous !== undefined) await sessions.end(previous.id);
      const mfaRequired = await mfa.isEnabled(account.id);
      // Without MFA the password was every factor, so the session starts recently authenticated.
      const { token, session } = await sessions.create(account.id, { mfaVerified: !mfaRequired, reauthenticated: !mfaRequired });
      const device = nonce !== undefined && client.device !== undefined ? client.device : await devices.issue(account.id);
      return { token, session, mfaRequired, device };
    },

    async signInLimitKey(email, device) {
      const key = await accountKey(email);
      if (device === undefined) return key;
      const account = await accounts.findByEmail(email);
      const nonce = account === undefined ? undefined : await devices.recognise(device, account.id);
      return nonce === undefined ? key : `${key}:device:${nonce}`;
    },

    signOut: (session) => sessions.end(session.id),
    async signOutEverywhere(session) {
      return db.transaction().execute(async (trx) => {
        await cancelPendingChanges(trx, session.userId);
        return (await repo.deleteSessionsOfUser(trx, session.userId)).length;
      });
    },

    async changePassword(session, { currentPassword, newPassword }) {
      const account = await requireAccount(service.requireRecent(session));
      const key = `password:${account.id}`;
      await throttle.assertOpen(key);
      if (account.passwordHash === null || !(await passwords.verify(account.passwordHash, currentPassword))) {
        await throttle.fail(key);
        throw invalidCredentials();
      }
      await throttle.succeed(key);
      assertAcceptablePassword(newPassword);
      const passwordHash = await passwords.hash(newPassword);
      await db.transaction().execute(async (trx) => {
        await repo.updatePasswordHash(trx, account.id, passwordHash, now());
        await cancelPendingChanges(trx, account.id);
        await mail.enqueue(trx, passwordChangedMail(brand, account.email, 'every other device'));
        await repo.deleteSessionsOfUser(trx, account.id, session.id);
      });
      return sessions.rotate(session, { mfaVerified: true });
    },

    // The request only writes a job with the address; the worker looks the account up and mails it. So the
    // answer costs the same work (one sealed insert) whether or not an account has the address.
    async requestPasswordReset(email) {
      await deps.jobs.enqueue(db, { type: resetJobType, key: `reset:${newId()}`, payload: { email: normaliseEmail(email) } });
    },
    confirmPasswordReset: (token, password) => reset.confirm(token, password),

    async me(session) {
      const account = await requireAccount(session);
      return {
        id: account.id,
        email: account.email,
        emailVerified: account.emailVerifiedAt !== null,
        mfaEnabled: await mfa.isEnabled(account.id),
        createdAt: account.createdAt,
      };
    },

    async listSessions(session) {
      service.requireFull(session);
      const all = await sessions.listOf(session.userId);
      return all.map((s) => ({ id: s.id, createdAt: s.createdAt, lastSeenAt: s.lastSeenAt, current: s.id === session.id, device: s.device }));
    },

    async endSession(session, sessionId) {
      service.requireFull(session);
      if (!(await sessions.endOneOf(session.userId, sessionId))) throw sessionNotFound();
    },

    requireFull(session) {
      if (session === undefined) throw signInRequired();
      if (!session.mfaVerified) throw mfaRequired();
      return session;
    },

    requireRecent(session) {
      const full = service.requireFull(session);
      if (!isRecentlyAuthenticated(full, now())) throw reauthRequired(reauthMinutes);
      return full;
    },

    isRecent: (session) => isRecentlyAuthenticated(session, now()),

    async reauthenticate(session, input) {
      const account = await requireAccount(service.requireFull(session));
      if (account.passwordHash === null) throw reauthUnavailable();
      await checkEveryFactor(account, input);
      return sessions.rotate(session!, { mfaVerified: true, reauthenticated: true });
    },

    async reauthOptions(session) {
      const account = await requireAccount(service.requireFull(session));
      const [mfaOn, keys, federated] = await Promise.all([mfa.isEnabled(account.id), passkeyRepo.findPasskeysOfUser(db, account.id), repo.hasExternalIdentity(db, account.id)]);
      return { password: account.passwordHash !== null, mfa: mfaOn, passkeys: keys.length, federated };
    },

    async regenerateRecoveryCodes(session) {
      const account = await requireAccount(service.requireRecent(session));
      return mfa.regenerateRecoveryCodes(account.id, async (trx) => {
        await cancelPendingChanges(trx, account.id);
        await mail.enqueue(trx, recoveryCodesChangedMail(brand, account.email));
      });
    },

    async mfaEnrol(session) {
      const account = await requireAccount(service.requireRecent(session));
      return mfa.enrol(account.id, account.email);
    },

    async mfaPendingEnrolment(session) {
      const account = await requireAccount(service.requireFull(session));
      return mfa.pending(account.id, account.email);
    },

    async mfaConfirm(session, code) {
      const account = await requireAccount(service.requireRecent(session));
      await throttle.assertOpen(mfaKey(account.id));
      const recoveryCodes = await mfa.confirm(account.id, code, async (trx) => {
        await cancelPendingChanges(trx, account.id);
        await mail.enqueue(trx, mfaChangedMail(brand, account.email, true));
      });
      if (recoveryCodes === undefined) {
        await throttle.fail(mfaKey(account.id));
        throw mfaCodeInvalid();
      }
      await throttle.succeed(mfaKey(account.id));
      const rotated = await sessions.rotate(session, { mfaVerified: true });
      return { recoveryCodes, ...rotated };
    },

    async mfaVerify(session, factor) {
      // Already past the second factor: nothing to do, and no new token.
      if (session.mfaVerified) return { token: undefined, session, recoveryCodesLeft: await mfa.remainingRecoveryCodes(session.userId) };
      await checkSecondFactor(session.userId, factor);
      // The code completes a sign-in; it counts as re-authentication only while the password is fresh too
      // (a session left at the code step for hours must not become "recent" with a code alone).
      const passwordIsRecent = now().getTime() - session.createdAt.getTime() <= reauthMinutes * 60_000;
      const rotated = await sessions.rotate(session, { mfaVerified: true, reauthenticated: passwordIsRecent });
      return { ...rotated, recoveryCodesLeft: await mfa.remainingRecoveryCodes(session.userId) };
    },

    async mfaDisable(session, input) {
      const account = await requireAccount(service.requireRecent(session));
      if (!(await mfa.isEnabled(account.id))) throw mfaNotEnabled();
      await throttle.assertOpen(mfaKey(account.id));
      if (account.passwordHash === null || !(await passwords.verify(account.passwordHash, input.password))) {
        await throttle.fail(mfaKey(account.id));
        throw invalidCredentials();
      }
      await checkSecondFactor(account.id, input);
      await mfa.disable(account.id, async (trx) => {
        await cancelPendingChanges(trx, account.id);
        // A weaker sign-in from now on: sessions begun under the second factor elsewhere end, as with a password change.
        await repo.deleteSessionsOfUser(trx, account.id, session.id);
        await mail.enqueue(trx, mfaChangedMail(brand, account.email, false));
      });
      return sessions.rotate(session, { mfaVerified: true });
    },

    async requestEmailChange(session, { password, newEmail }) {
      const account = await requireAccount(service.requireRecent(session));
      await checkPassword(account, password);
      await emailChange.request(account, newEmail);
    },

    confirmEmailChange: (token, current, facts) => emailChange.confirm(token, current, facts),

    async cancelEmailChange(token, facts) {
      const { userId, email } = await emailChange.cancel(token, facts);
      await reset.request(email, { bypassCooldown: true });
      return userId;
    },

    async confirmIdentity(session, input) {
      const account = await requireAccount(service.requireFull(session));
      // Given, the password and second factor are a re-authentication on the spot; without them only a recent one will do.
      if (input.password !== undefined && input.password !== '') return checkEveryFactor(account, { ...input, password: input.password });
      service.requireRecent(session);
    },

    async eraseAccount(trx, userId) {
      const endedSessions = await repo.deleteSessionsOfUser(trx, userId);
      await repo.clearThrottle(trx, mfaKey(userId));
      await repo.clearThrottle(trx, `password:${userId}`);
      await repo.deleteUser(trx, userId);
      return { endedSessions };
    },
  };
  return service;
}
