/**
 * Sessions, as the Copenhagen Book's "Sessions" chapter lays them out.
 *
 * - The cookie holds an opaque 256-bit token (tokens.ts); the database holds only its SHA-256, so a copy
 *   of the session table cannot be used to sign in.
 * - Two expiries: idle (SESSION_IDLE_MINUTES since the last request) and absolute (SESSION_ABSOLUTE_HOURS
 *   since sign-in), NIST SP 800-63B AAL2 by default. `last_seen_at` is written at most once a minute.
 * - A new token at sign-in and at every privilege change (MFA passed, MFA turned on or off): the old row is
 *   deleted, so a token planted before sign-in (session fixation) is worthless afterwards.
 * - Recent re-authentication: a session records when its holder last gave the password and the second
 *   factor (sign-in itself, the MFA step, a re-check, or a user-verified passkey). Adding or removing a
 *   factor, changing the address or password and deleting the account need that within
 *   `reauthMinutes`, so a stolen cookie alone cannot change how the account is signed in to.
 * - A session started with a passkey records which; removing the passkey deletes it (foreign key cascade).
 * - Sign-out ends this session; "sign out everywhere", a password reset and a password change end all.
 * - The database decides on every request: the session is one indexed read of `user_session`, so a row
 *   deleted by any path (sign-out, password change, role change, account deletion) is refused at once on
 *   every instance. No copy is kept in Redis or in process: a cache that could answer without the database
 *   could also revive a revoked session after an outage (docs/security.md, "Revocation").
 * - The cookie: `__Host-session` over HTTPS (Secure, Path=/, no Domain: no sibling subdomain can set or
 *   read it), `session` over plain HTTP in development; always HttpOnly and SameSite=Lax.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../db/database.js';
import { readCookie } from '../../http/csrf.js';
import { isSecureRequest } from '../../http/proxy-trust.js';
import * as repo from './auth.repository.js';
import { describeDevice } from './device-names.js';
import { generateToken, hashToken, isWellFormedToken } from './tokens.js';

export interface Session {
  id: string;
  userId: string;
  /** True once the second factor was passed (or the account has none). */
  mfaVerified: boolean;
  createdAt: Date;
  expiresAt: Date;
  /** When the holder last gave the password and second factor, or a user-verified passkey; null if never. */
  reauthenticatedAt: Date | null;
  /** The passkey the session was started with, if any. */
  passkeyId: string | null;
  /** "Firefox on Linux" (device-names.ts), once the browser holding the session has made a request. */
  device: string | null;
}

/** How long a re-authentication counts as recent: long enough for one task, short enough that a cookie taken later is not enough. */
export const reauthMinutes = 10;

/** True when the session's holder re-authenticated within `reauthMinutes` of `at`. */
export function isRecentlyAuthenticated(session: Session, at: Date): boolean {
  return session.reauthenticatedAt !== null && at.getTime() - session.reauthenticatedAt.getTime() <= reauthMinutes * 60_000;
}

/** How a new session is started: `reauthenticated` when the holder has just proved every factor. */
export interface StartOptions {
  mfaVerified: boolean;
  reauthenticated?: boolean;
  passkeyId?: string;
}

export interface SessionOptions {
  idleMinutes: number;
  absoluteHours: number;
}

export interface Sessions {
  /** Starts a session and returns its token, for the cookie only. */
  create(userId: string, options: StartOptions): Promise<{ token: string; session: Session }>;
  /** The live session for a token, sliding its idle expiry; undefined (and deleted) when expired. */
  validate(token: string): Promise<Session | undefined>;
  /**
   * Ends `old` and starts a new session for the same user: the token changes with the privilege. The new
   * one keeps the old one's re-authentication time and passkey unless `reauthenticated` says it is now.
   */
  rotate(old: Session, options: { mfaVerified: boolean; reauthenticated?: boolean }): Promise<{ token: string; session: Session }>;
  end(sessionId: string): Promise<void>;
  /** Ends every session of the user (except one, when given); returns how many ended. */
  endAllOf(userId: string, exceptSessionId?: string): Promise<number>;
  /** The user's live sessions, most recently used first (expired ones are left out). */
  listOf(userId: string): Promise<(Session & { lastSeenAt: Date })[]>;
  /** Ends one of the user's sessions; false when no such session is theirs. */
  endOneOf(userId: string, sessionId: string): Promise<boolean>;
  /** Names the session's device from the User-Agent of the first request that carries it (device-names.ts). */
  recordDevice(session: Session, userAgent: string | undefined): Promise<void>;
}

const touchEveryMs = 60_000;

export function createSessions(deps: { db: Db; now: () => Date; options: SessionOptions }): Sessions {
  const { db, now } = deps;
  const idleMs = deps.options.idleMinutes * 60_000;
  const absoluteMs = deps.options.absoluteHours * 3_600_000;

  const toSession = (row: repo.SessionRow): Session => ({
    id: row.id,
    userId: row.user_id,
    mfaVerified: row.mfa_verified,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    reauthenticatedAt: row.reauthenticated_at,
    passkeyId: row.passkey_id,
    device: row.device,
  });

  const insert = async (userId: string, options: { mfaVerified: boolean; reauthenticatedAt: Date | null; passkeyId: string | null; device?: string | null }) => {
    const token = generateToken();
    const at = now();
    const row = await repo.insertSession(db, {
      tokenHash: hashToken(token),
      userId,
      mfaVerified: options.mfaVerified,
      now: at,
      expiresAt: new Date(at.getTime() + absoluteMs),
      reauthenticatedAt: options.reauthenticatedAt,
      passkeyId: options.passkeyId,
      device: options.device ?? null,
    });
    return { token, session: toSession(row) };
  };

  const create: Sessions['create'] = (userId, options) =>
    insert(userId, { mfaVerified: options.mfaVerified, reauthenticatedAt: options.reauthenticated ? now() : null, passkeyId: options.passkeyId ?? null });

  return {
    create,
    async validate(token) {
      if (!isWellFormedToken(token)) return undefined;
      const row = await repo.findSessionByTokenHash(db, hashToken(token));
      if (row === undefined) return undefined;
      const at = now();
      if (at >= row.expires_at || at.getTime() - row.last_seen_at.getTime() >= idleMs) {
        await repo.deleteSession(db, row.id);
        return undefined;
      }
      if (at.getTime() - row.last_seen_at.getTime() >= touchEveryMs) await repo.touchSession(db, row.id, at);
      return toSession(row);
    },
    async rotate(old, options) {
      await repo.deleteSession(db, old.id);
      return insert(old.userId, {
        mfaVerified: options.mfaVerified,
        reauthenticatedAt: options.reauthenticated ? now() : old.reauthenticatedAt,
        passkeyId: old.passkeyId,
        device: old.device,
      });
    },
    async end(sessionId) {
      await repo.deleteSession(db, sessionId);
    },
    async endAllOf(userId, exceptSessionId) {
      return (await repo.deleteSessionsOfUser(db, userId, exceptSessionId)).length;
    },
    async listOf(userId) {
      const at = now().getTime();
      const rows = await repo.findSessionsOfUser(db, userId);
      return rows
        .filter((r) => r.expires_at.getTime() > at && at - r.last_seen_at.getTime() < idleMs)
        .map((r) => ({ ...toSession(r), lastSeenAt: r.last_seen_at }));
    },
    async endOneOf(userId, sessionId) {
      return (await repo.deleteSessionOfUser(db, userId, sessionId)).length > 0;
    },
    async recordDevice(session, userAgent) {
      if (session.device !== null) return;
      const device = describeDevice(userAgent);
      await repo.recordSessionDevice(db, session.id, device);
      session.device = device;
    },
  };
}

/** The session cookie's name for this request: `__Host-` needs Secure, which needs HTTPS. */
export function sessionCookieName(request: FastifyRequest): string {
  return isSecureRequest(request) ? '__Host-session' : 'session';
}

/** The token the request carries, if any. */
export function readSessionToken(request: FastifyRequest): string | undefined {
  return readCookie(request.headers.cookie, sessionCookieName(request));
}

/**
 * A key of the request's session cookie (first 128 bits of its SHA-256), without a database call: CSRF
 * form tokens are bound to it (a token minted for one session is refused in another) and rate limits
 * count it beside the IP. Undefined when the cookie is absent or malformed.
 */
export function sessionKeyOf(request: FastifyRequest): string | undefined {
  const token = readSessionToken(request);
  return token !== undefined && isWellFormedToken(token) ? hashToken(token).toString('hex').slice(0, 32) : undefined;
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, maxAgeSeconds: number): void {
  const secure = isSecureRequest(request);
  reply.header(
    'set-cookie',
    `${sessionCookieName(request)}=${token}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`,
  );
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  const secure = isSecureRequest(request);
  reply.header('set-cookie', `${sessionCookieName(request)}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`);
}
