import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { AuthTokenPurpose } from './auth.tables.js';

/** Every query of the auth module's tables. Plain functions taking `db` (or a transaction) first. */

export interface UserRow {
  id: string;
  email_encrypted: Uint8Array;
  /** Null for an account that signs in only through an identity provider (AUTH_PROVIDER=cognito). */
  password_hash: string | null;
  email_verified_at: Date | null;
  created_at: Date;
}

const userColumns = ['id', 'email_encrypted', 'password_hash', 'email_verified_at', 'created_at'] as const;

export async function insertUser(
  db: Db,
  user: { id: string; emailEncrypted: Uint8Array; emailIndex: Uint8Array; passwordHash: string | null; now: Date; emailVerified?: boolean },
): Promise<boolean> {
  // ON CONFLICT DO NOTHING: two sign-ups racing for one address leave one account and no error to leak.
  const result = await db
    .insertInto('user_account')
    .values({
      id: user.id,
      email_encrypted: user.emailEncrypted,
      email_index: user.emailIndex,
      password_hash: user.passwordHash,
      ...(user.emailVerified ? { email_verified_at: user.now } : {}),
      created_at: user.now,
      updated_at: user.now,
    })
    .onConflict((oc) => oc.column('email_index').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export function findUserByEmailIndex(db: Db, emailIndex: Uint8Array): Promise<UserRow | undefined> {
  return db.selectFrom('user_account').select(userColumns).where('email_index', '=', emailIndex).executeTakeFirst();
}

export function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('user_account').select(userColumns).where('id', '=', id).executeTakeFirst();
}

export async function updatePasswordHash(db: Db, userId: string, passwordHash: string, now: Date): Promise<void> {
  await db.updateTable('user_account').set({ password_hash: passwordHash, updated_at: now }).where('id', '=', userId).execute();
}

export async function markEmailVerified(db: Db, userId: string, now: Date): Promise<void> {
  await db
    .updateTable('user_account')
    .set({ email_verified_at: sql<Date>`coalesce(email_verified_at, ${now})`, updated_at: now })
    .where('id', '=', userId)
    .execute();
}

// --- sessions -------------------------------------------------------------------------------------

export interface SessionRow {
  id: string;
  user_id: string;
  mfa_verified: boolean;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  reauthenticated_at: Date | null;
  passkey_id: string | null;
  device: string | null;
}

const sessionColumns = ['id', 'user_id', 'mfa_verified', 'created_at', 'last_seen_at', 'expires_at', 'reauthenticated_at', 'passkey_id', 'device'] as const;

export function insertSession(
  db: Db,
  session: {
    tokenHash: Uint8Array;
    userId: string;
    mfaVerified: boolean;
    now: Date;
    expiresAt: Date;
    reauthenticatedAt?: Date | null;
    passkeyId?: string | null;
    device?: string | null;
  },
): Promise<SessionRow> {
  return db
    .insertInto('user_session')
    .values({
      token_hash: session.tokenHash,
      user_id: session.userId,
      mfa_verified: session.mfaVerified,
      created_at: session.now,
      last_seen_at: session.now,
      expires_at: session.expiresAt,
      reauthenticated_at: session.reauthenticatedAt ?? null,
      passkey_id: session.passkeyId ?? null,
      device: session.device ?? null,
    })
    .returning(sessionColumns)
    .executeTakeFirstOrThrow();
}

export function findSessionByTokenHash(db: Db, tokenHash: Uint8Array): Promise<SessionRow | undefined> {
  return db.selectFrom('user_session').select(sessionColumns).where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function touchSession(db: Db, id: string, now: Date): Promise<void> {
  await db.updateTable('user_session').set({ last_seen_at: now }).where('id', '=', id).where('last_seen_at', '<', now).execute();
}

/** Names the device of a session once (the first request that carries it); later requests change nothing. */
export async function recordSessionDevice(db: Db, id: string, device: string): Promise<void> {
  await db.updateTable('user_session').set({ device }).where('id', '=', id).where('device', 'is', null).execute();
}

/** Deletes a session; returns its token hash (for the cache) when it existed. */
export async function deleteSession(db: Db, id: string): Promise<Uint8Array[]> {
  const rows = await db.deleteFrom('user_session').where('id', '=', id).returning('token_hash').execute();
  return rows.map((r) => r.token_hash);
}

/** Deletes every session of the user except, optionally, one; returns the token hashes that ended. */
export async function deleteSessionsOfUser(db: Db, userId: string, exceptId?: string): Promise<Uint8Array[]> {
  let query = db.deleteFrom('user_session').where('user_id', '=', userId);
  if (exceptId !== undefined) query = query.where('id', '<>', exceptId);
  const rows = await query.returning('token_hash').execute();
  return rows.map((r) => r.token_hash);
}

/** The user's sessions, newest activity first. */
export function findSessionsOfUser(db: Db, userId: string): Promise<SessionRow[]> {
  return db.selectFrom('user_session').select(sessionColumns).where('user_id', '=', userId).orderBy('last_seen_at', 'desc').execute();
}

/** Deletes one session only if it belongs to the user (object-level check in the statement itself). */
export async function deleteSessionOfUser(db: Db, userId: string, id: string): Promise<Uint8Array[]> {
  const rows = await db.deleteFrom('user_session').where('id', '=', id).where('user_id', '=', userId).returning('token_hash').execute();
  return rows.map((r) => r.token_hash);
}

export function countSessionsOfUser(db: Db, userId: string): Promise<number> {
  return db
    .selectFrom('user_session')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));
}

// --- single-use tokens ----------------------------------------------------------------------------

export async function insertToken(
  db: Db,
  token: { tokenHash: Uint8Array; purpose: AuthTokenPurpose; userId: string; now: Date; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('auth_token')
    .values({ token_hash: token.tokenHash, purpose: token.purpose, user_id: token.userId, created_at: token.now, expires_at: token.expiresAt })
    .execute();
}

/** Issues a user's token for `purpose`, replacing any earlier one in the same transaction (one live link each). */
export async function replaceUserToken(
  db: Db,
  token: { tokenHash: Uint8Array; purpose: AuthTokenPurpose; userId: string; now: Date; expiresAt: Date },
): Promise<void> {
  const replace = async (trx: Db): Promise<void> => {
    await deleteTokensOfUser(trx, token.userId, token.purpose);
    await insertToken(trx, token);
  };
  await (db.isTransaction ? replace(db) : db.transaction().execute(replace));
}

/** Reads and deletes a token in one statement: of two concurrent uses, exactly one gets the row. */
export function consumeToken(db: Db, tokenHash: Uint8Array, purpose: AuthTokenPurpose): Promise<{ user_id: string; expires_at: Date } | undefined> {
  return db
    .deleteFrom('auth_token')
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .returning(['user_id', 'expires_at'])
    .executeTakeFirst();
}

export async function deleteTokensOfUser(db: Db, userId: string, purpose: AuthTokenPurpose): Promise<void> {
  await db.deleteFrom('auth_token').where('user_id', '=', userId).where('purpose', '=', purpose).execute();
}

/** Deletes every single-use link of the user, whatever its purpose; returns how many there were. */
export async function deleteAllTokensOfUser(db: Db, userId: string): Promise<number> {
  const rows = await db.deleteFrom('auth_token').where('user_id', '=', userId).returning('purpose').execute();
  return rows.length;
}

// --- MFA ------------------------------------------------------------------------------------------

export interface TotpRow {
  user_id: string;
  secret_encrypted: Uint8Array;
  confirmed_at: Date | null;
  last_time_step: string | null;
}

export function findTotp(db: Db, userId: string): Promise<TotpRow | undefined> {
  return db
    .selectFrom('mfa_totp')
    .select(['user_id', 'secret_encrypted', 'confirmed_at', 'last_time_step'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/** Starts (or restarts) an enrolment; never replaces a confirmed secret. */
export async function upsertPendingTotp(db: Db, userId: string, secretEncrypted: Uint8Array, now: Date): Promise<boolean> {
  const result = await db
    .insertInto('mfa_totp')
    .values({ user_id: userId, secret_encrypted: secretEncrypted, created_at: now })
    .onConflict((oc) =>
      oc
        .column('user_id')
        .doUpdateSet({ secret_encrypted: secretEncrypted, created_at: now, last_time_step: null })
        .where('mfa_totp.confirmed_at', 'is', null),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/**
 * Accepts time step `step` for the user only if it is later than the last accepted one, in one
 * conditional update: the same code (or an earlier one) can never be accepted twice, even concurrently.
 */
export async function advanceTimeStep(db: Db, userId: string, step: number, confirmAt?: Date): Promise<boolean> {
  const result = await db
    .updateTable('mfa_totp')
    .set({ last_time_step: step, ...(confirmAt ? { confirmed_at: confirmAt } : {}) })
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('last_time_step', 'is', null), eb('last_time_step', '<', String(step))]))
    .where('confirmed_at', confirmAt ? 'is' : 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteTotp(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('mfa_totp').where('user_id', '=', userId).execute();
}

export async function replaceRecoveryCodes(db: Db, userId: string, codeHashes: Uint8Array[], now: Date): Promise<void> {
  await db.deleteFrom('mfa_recovery_code').where('user_id', '=', userId).execute();
  if (codeHashes.length === 0) return;
  await db
    .insertInto('mfa_recovery_code')
    .values(codeHashes.map((h) => ({ code_hash: h, user_id: userId, created_at: now })))
    .execute();
}

/** Uses up one recovery code (read-and-delete); false when it is unknown or already used. */
export async function consumeRecoveryCode(db: Db, userId: string, codeHash: Uint8Array): Promise<boolean> {
  const result = await db.deleteFrom('mfa_recovery_code').where('user_id', '=', userId).where('code_hash', '=', codeHash).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export function countRecoveryCodes(db: Db, userId: string): Promise<number> {
  return db
    .selectFrom('mfa_recovery_code')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));
}

// --- throttle -------------------------------------------------------------------------------------

export function findThrottle(db: Db, key: string): Promise<{ failures: number; locked_until: Date | null } | undefined> {
  return db.selectFrom('auth_throttle').select(['failures', 'locked_until']).where('key', '=', key).executeTakeFirst();
}

/** Counts one failure and sets the lock computed from the new count, atomically. */
export async function recordFailure(db: Db, key: string, now: Date, lockFor: (failures: number) => number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('auth_throttle')
      .values({ key, failures: 1, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ failures: sql`auth_throttle.failures + 1`, updated_at: now }))
      .returning(['failures'])
      .executeTakeFirstOrThrow();
    const ms = lockFor(row.failures);
    await trx
      .updateTable('auth_throttle')
      .set({ locked_until: ms > 0 ? new Date(now.getTime() + ms) : null })
      .where('key', '=', key)
      .execute();
    return row.failures;
  });
}

export async function clearThrottle(db: Db, key: string): Promise<void> {
  await db.deleteFrom('auth_throttle').where('key', '=', key).execute();
}

/** Clears `key` and every key below it (`key:...`). Keys are hex and fixed words, so no LIKE wildcard occurs in them. */
export async function clearThrottleTree(db: Db, key: string): Promise<void> {
  await db.deleteFrom('auth_throttle').where((eb) => eb.or([eb('key', '=', key), eb('key', 'like', `${key}:%`)])).execute();
}

// --- account deletion -----------------------------------------------------------------------------

/**
 * Deletes an account row; its tokens, MFA secret, recovery codes and pending e-mail change go with it
 * (foreign keys ON DELETE CASCADE). End its sessions through `Sessions` first, for the cache.
 */
export async function deleteUser(db: Db, userId: string): Promise<boolean> {
  const result = await db.deleteFrom('user_account').where('id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

// --- identity providers (AUTH_PROVIDER=cognito) ----------------------------------------------------

/** The shoppers' user pool, and the staff pool when one is configured (its users are other subjects). */
export type IdentityProviderName = 'cognito' | 'cognito-staff';
export type LoginFlow = 'account' | 'admin';

/** True when the account signs in through an identity provider (it has at least one linked subject). */
export async function hasExternalIdentity(db: Db, userId: string): Promise<boolean> {
  const row = await db.selectFrom('external_identity').select('subject').where('user_id', '=', userId).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** The pools an account is linked to: none for an account of the built-in provider alone. */
export async function identityProvidersOf(db: Db, userId: string): Promise<IdentityProviderName[]> {
  const rows = await db.selectFrom('external_identity').select('provider').distinct().where('user_id', '=', userId).execute();
  return rows.map((row) => row.provider);
}

export function findUserIdByExternalIdentity(db: Db, provider: IdentityProviderName, subject: string): Promise<string | undefined> {
  return db
    .selectFrom('external_identity')
    .select('user_id')
    .where('provider', '=', provider)
    .where('subject', '=', subject)
    .executeTakeFirst()
    .then((r) => r?.user_id);
}

/**
 * Links a provider subject to an account. ON CONFLICT DO NOTHING, then read back: of two first sign-ins
 * racing for one subject, both end with the same (winning) account id.
 */
export async function insertExternalIdentity(
  db: Db,
  identity: { provider: IdentityProviderName; subject: string; userId: string; now: Date },
): Promise<string> {
  await db
    .insertInto('external_identity')
    .values({ provider: identity.provider, subject: identity.subject, user_id: identity.userId, created_at: identity.now })
    .onConflict((oc) => oc.columns(['provider', 'subject']).doNothing())
    .execute();
  const linked = await findUserIdByExternalIdentity(db, identity.provider, identity.subject);
  if (linked === undefined) throw new Error('external identity vanished after insert');
  return linked;
}

export interface LoginAttemptRow {
  flow: LoginFlow;
  state: string;
  nonce: string;
  code_verifier: string;
  expires_at: Date;
}

/** Stores a sign-in in progress, clearing expired ones on the way so the table stays small. */
export async function insertLoginAttempt(
  db: Db,
  attempt: { tokenHash: Uint8Array; flow: LoginFlow; state: string; nonce: string; codeVerifier: string; now: Date; expiresAt: Date },
): Promise<void> {
  await db.deleteFrom('oidc_login_attempt').where('expires_at', '<', attempt.now).execute();
  await db
    .insertInto('oidc_login_attempt')
    .values({
      token_hash: attempt.tokenHash,
      flow: attempt.flow,
      state: attempt.state,
      nonce: attempt.nonce,
      code_verifier: attempt.codeVerifier,
      created_at: attempt.now,
      expires_at: attempt.expiresAt,
    })
    .execute();
}

/**
 * Marks a never-verified account verified and drops its password: the identity provider has proved the
 * mailbox, and the password was set by whoever typed the address. No-op for a verified account.
 */
export async function adoptUnverifiedAccount(db: Db, userId: string, now: Date): Promise<void> {
  await db
    .updateTable('user_account')
    .set({ password_hash: null, email_verified_at: now, updated_at: now })
    .where('id', '=', userId)
    .where('email_verified_at', 'is', null)
    .execute();
}

/** Reads and deletes a sign-in in progress in one statement: a callback can use it once, even concurrently. */
export function consumeLoginAttempt(db: Db, tokenHash: Uint8Array): Promise<LoginAttemptRow | undefined> {
  return db
    .deleteFrom('oidc_login_attempt')
    .where('token_hash', '=', tokenHash)
    .returning(['flow', 'state', 'nonce', 'code_verifier', 'expires_at'])
    .executeTakeFirst();
}
