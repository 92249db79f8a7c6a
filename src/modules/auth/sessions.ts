/**
 * Sessions, as the Copenhagen Book's "Sessions" chapter lays them out.
 *
 * - The cookie holds an opaque 256-bit token (tokens.ts); the database holds only its SHA-256, so a copy
 *   of the session table cannot be used to sign in.
 * - Two expiries: idle (SESSION_IDLE_MINUTES since the last request) and absolute (SESSION_ABSOLUTE_HOURS
 *   since sign-in), NIST SP 800-63B AAL2 by default. `last_seen_at` is written at most once a minute.
 * - A new token at sign-in and at every privilege change (MFA passed, MFA turned on or off): the old row is
 *   deleted, so a token planted before sign-in (session fixation) is worthless afterwards.
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
import { generateToken, hashToken, isWellFormedToken } from './tokens.js';

export interface Session {
  id: string;
  userId: string;
  /** True once the second factor was passed (or the account has none). */
  mfaVerified: boolean;
  createdAt: Date;
  expiresAt: Date;
}

export interface SessionOptions {
  idleMinutes: number;
  absoluteHours: number;
}

export interface Sessions {
  /** Starts a session and returns its token, for the cookie only. */
  create(userId: string, options: { mfaVerified: boolean }): Promise<{ token: string; session: Session }>;
  /** The live session for a token, sliding its idle expiry; undefined (and deleted) when expired. */
  validate(token: string): Promise<Session | undefined>;
  /** Ends `old` and starts a new session for the same user: the token changes with the privilege. */
  rotate(old: Session, options: { mfaVerified: boolean }): Promise<{ token: string; session: Session }>;
  end(sessionId: string): Promise<void>;
  /** Ends every session of the user (except one, when given); returns how many ended. */
  endAllOf(userId: string, exceptSessionId?: string): Promise<number>;
  /** The user's live sessions, most recently used first (expired ones are left out). */
  listOf(userId: string): Promise<(Session & { lastSeenAt: Date })[]>;
  /** Ends one of the user's sessions; false when no such session is theirs. */
  endOneOf(userId: string, sessionId: string): Promise<boolean>;
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
  });

  const create: Sessions['create'] = async (userId, options) => {
    const token = generateToken();
    const at = now();
    const row = await repo.insertSession(db, {
      tokenHash: hashToken(token),
      userId,
      mfaVerified: options.mfaVerified,
      now: at,
      expiresAt: new Date(at.getTime() + absoluteMs),
    });
    return { token, session: toSession(row) };
  };

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
      return create(old.userId, options);
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
