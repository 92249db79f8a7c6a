import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../kernel/errors.js';
import type { AuthService } from './auth.service.js';
import { readSessionToken, type Session } from './sessions.js';

/** Reads the request's live session from its cookie, once per request (API routes and pages share it). */
export function createSessionReader(auth: AuthService): (request: FastifyRequest) => Promise<Session | undefined> {
  const resolved = new WeakMap<FastifyRequest, Promise<Session | undefined>>();
  return (request) => {
    let found = resolved.get(request);
    if (found === undefined) {
      const token = readSessionToken(request);
      found =
        token === undefined
          ? Promise.resolve(undefined)
          : auth.sessions.validate(token).then(async (session) => {
              // The first request made with a session names its device for the session list (once).
              if (session !== undefined && session.device === null) await auth.sessions.recordDevice(session, request.headers['user-agent']);
              return session;
            });
      resolved.set(request, found);
    }
    return found;
  };
}

/** The fully signed-in session of an account page, or undefined after a redirect to sign-in or the MFA step. */
export function fullSessionOr(sessionOf: (request: FastifyRequest) => Promise<Session | undefined>) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<Session | undefined> => {
    const session = await sessionOf(request);
    if (session === undefined) void reply.redirect('/account/sign-in', 303);
    else if (!session.mfaVerified) void reply.redirect('/account/mfa', 303);
    else return session;
    return undefined;
  };
}

/** A local account path to come back to after re-authenticating; anything else goes to the account page. */
export function safeNext(next: string | undefined): string {
  return next !== undefined && /^\/account(\/[A-Za-z0-9_-]+)*$/.test(next) ? next : '/account';
}

/**
 * The recently re-authenticated session of a page that changes factors, address or password, or deletes
 * the account; otherwise undefined after a redirect (sign-in, the MFA step, or the re-authentication page,
 * which comes back to `next`).
 */
export function recentSessionOr(sessionOf: (request: FastifyRequest) => Promise<Session | undefined>, auth: Pick<AuthService, 'requireRecent'>) {
  const full = fullSessionOr(sessionOf);
  return async (request: FastifyRequest, reply: FastifyReply, next: string): Promise<Session | undefined> => {
    const session = await full(request, reply);
    if (session === undefined) return undefined;
    try {
      return auth.requireRecent(session);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'AUTH_REAUTH_REQUIRED') throw err;
      void reply.redirect(`/account/security/confirm?next=${encodeURIComponent(safeNext(next))}`, 303);
      return undefined;
    }
  };
}
