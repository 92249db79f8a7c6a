import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { AppError, type ErrorCategory } from '../../../kernel/errors.js';
import { renderPage } from '../../../web/render.js';
import type { Session } from '../sessions.js';
import type { FormError } from './forms.js';

/**
 * What every account and back-office form page does with a reply: send a private page, turn a refused
 * request into form errors, and send a visitor who is not fully signed in to where they must go first.
 */

/** Pages with personal data or form tokens: never stored by a browser or a proxy. */
export function sendPrivatePage(reply: FastifyReply, page: VNode): FastifyReply {
  return reply.header('cache-control', 'private, no-store').type('text/html; charset=utf-8').send(renderPage(page));
}

const formStatus: Partial<Record<ErrorCategory, number>> = { invalid_data: 400, unauthorized: 401, forbidden: 403, not_found: 404, conflict: 409, rate_limited: 429 };

/**
 * A refused request (a 4xx AppError) as the form's errors: the status (and Retry-After) is set on the
 * reply, and the message goes to the field `fieldFor` names, or to the summary only. Anything else is
 * rethrown for the error handler.
 */
export function formErrorsOf(err: unknown, reply: FastifyReply, fieldFor: (code: string) => string | undefined = () => undefined): FormError[] {
  const status = err instanceof AppError ? formStatus[err.category] : undefined;
  if (!(err instanceof AppError) || status === undefined) throw err;
  reply.code(status);
  const retryAfter = err.details?.retryAfterSeconds;
  if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  const field = fieldFor(err.code);
  return [{ message: err.message, ...(field ? { field } : {}) }];
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
