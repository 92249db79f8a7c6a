import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../kernel/errors.js';

/**
 * Security events of the auth flows, as log lines (OWASP ASVS V7.2: every authentication decision is
 * logged). They carry the account id when known and the stable error code, never an e-mail address, a
 * password, a code or a token; the request id and client IP come from the request's logger.
 */
export type AuthEvent =
  | 'auth.sign_up'
  | 'auth.email_verified'
  | 'auth.sign_in'
  | 'auth.mfa_passed'
  | 'auth.sign_out'
  | 'auth.sign_out_everywhere'
  | 'auth.password_reset_requested'
  | 'auth.password_reset'
  | 'auth.password_changed'
  | 'auth.email_change_requested'
  | 'auth.email_changed'
  | 'auth.email_change_cancelled'
  | 'auth.reauthenticated'
  | 'auth.recovery_codes_regenerated'
  | 'auth.passkey_renamed'
  | 'auth.account_deleted'
  | 'auth.mfa_enabled'
  | 'auth.mfa_disabled'
  | 'auth.passkey_added'
  | 'auth.passkey_removed'
  | 'auth.passkey_sign_in'
  | 'auth.sign_in_federated'
  | 'auth.federated_account_linked'
  | 'auth.federated_account_created'
  | 'auth.failure';

export function logAuthEvent(
  log: FastifyBaseLogger,
  event: AuthEvent,
  facts: { userId?: string | undefined; code?: string; clientIp?: string } = {},
): void {
  const line = { authEvent: event, ...(facts.userId ? { userId: facts.userId } : {}), ...(facts.code ? { code: facts.code } : {}), ...(facts.clientIp ? { clientIp: facts.clientIp } : {}) };
  if (event === 'auth.failure') log.warn(line, 'auth failure');
  else log.info(line, 'auth event');
}

/**
 * Logs every refused auth decision of a scope's routes with its code (never the address or the secret
 * that was tried). Every scope whose routes check a password, a code or a session calls it, so a guess
 * through any of them shows up (the failed sign-in alarms count these lines).
 */
export function logAuthFailures(scope: FastifyInstance, sessionOf: (request: FastifyRequest) => Promise<{ userId: string } | undefined>): void {
  scope.addHook('onError', async (request, _reply, error) => {
    if (error instanceof AppError && error.code.startsWith('AUTH_') && error.code !== 'AUTH_SIGN_IN_REQUIRED') {
      logAuthEvent(request.log, 'auth.failure', { code: error.code, clientIp: request.ip, userId: (await sessionOf(request))?.userId });
    }
  });
}
