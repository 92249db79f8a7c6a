import type { FastifyRequest } from 'fastify';
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
