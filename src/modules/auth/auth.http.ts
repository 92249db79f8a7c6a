import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthService } from './auth.service.js';
import { readSessionToken, type Session } from './sessions.js';

/** Reads the request's live session from its cookie, once per request (API routes and pages share it). */
export function createSessionReader(auth: AuthService): (request: FastifyRequest) => Promise<Session | undefined> {
  const resolved = new WeakMap<FastifyRequest, Promise<Session | undefined>>();
  return (request) => {
    let found = resolved.get(request);
    if (found === undefined) {
      const token = readSessionToken(request);
      found = token === undefined ? Promise.resolve(undefined) : auth.sessions.validate(token);
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
