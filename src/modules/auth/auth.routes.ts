import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clientAddressKey, type RateLimiter } from '../../http/rate-limit.js';
import { storeNothing } from '../../http/answers.js';
import { requestContext } from '../../kernel/request-context.js';
import { signInRequired } from './auth.errors.js';
import { logAuthEvent, logAuthFailures } from './auth.events.js';
import * as S from './auth.schemas.js';
import type { AuthService, SecondFactor } from './auth.service.js';
import { readDeviceCookie, setDeviceCookie } from './devices.js';
import { clearSessionCookie, reauthMinutes, setSessionCookie, type Session } from './sessions.js';

export interface AuthRouteDeps {
  auth: AuthService;
  rateLimiter: RateLimiter;
  /** SESSION_ABSOLUTE_HOURS in seconds: the cookie's Max-Age. */
  cookieMaxAgeSeconds: number;
  sessionOf: (request: FastifyRequest) => Promise<Session | undefined>;
}

const tags = ['auth'];
const sameAnswer = {
  signUp: { status: 'check_your_email', message: 'Check your inbox: we have sent a mail to finish creating your account.' },
  reset: { status: 'check_your_email', message: 'If an account uses that address, we have sent it a link to reset the password.' },
  emailChange: { status: 'check_your_email', message: 'We have sent a link to the new address. The address changes when you open it.' },
};

/**
 * The customer account API under /api/v1 (docs/auth.md): sign-up, e-mail verification, sign-in and out,
 * password reset, /me and MFA. Routes read the session, call the service and set or clear the cookie.
 */
export function registerAuthRoutes(app: FastifyInstance, deps: AuthRouteDeps): void {
  const { auth, rateLimiter } = deps;
  const sessionOf = deps.sessionOf;
  const fullSession = async (request: FastifyRequest) => auth.requireFull(await sessionOf(request));
  const startSession = (request: FastifyRequest, reply: FastifyReply, token: string) => setSessionCookie(request, reply, token, deps.cookieMaxAgeSeconds);
  /** Counts the request against the auth rules for this account too, so many addresses cannot share one account's budget. */
  const limitAccount = (request: FastifyRequest, reply: FastifyReply, accountId: string) => rateLimiter.check(request, reply, { ip: request.ip, accountId });

  logAuthFailures(app, sessionOf);

  // Nothing an auth endpoint answers may be stored by a browser or proxy.
  storeNothing(app);

  app.post<{ Body: { email: string; password: string } }>(
    '/api/v1/auth/sign-up',
    { schema: { tags, body: S.SignUpBody, response: { 202: S.Accepted } } },
    async (request, reply) => {
      // Each purpose has its own per-account budget, so a flood of one (wrong sign-ins) never blocks another (a reset).
      await limitAccount(request, reply, `${await auth.accountKey(request.body.email)}:sign-up`);
      await auth.signUp(request.body);
      logAuthEvent(request.log, 'auth.sign_up', { clientIp: request.ip });
      return reply.code(202).send(sameAnswer.signUp);
    },
  );

  app.post<{ Body: { token: string } }>(
    '/api/v1/auth/verify-email',
    { schema: { tags, body: S.TokenBody, response: { 200: S.Accepted } } },
    async (request) => {
      await auth.verifyEmail(request.body.token);
      logAuthEvent(request.log, 'auth.email_verified');
      return { status: 'verified', message: 'Your e-mail address is confirmed. You can sign in now.' };
    },
  );

  app.post<{ Body: { email: string; password: string } }>(
    '/api/v1/auth/sign-in',
    { schema: { tags, body: S.SignInBody, response: { 200: S.SignInResult } } },
    async (request, reply) => {
      const device = readDeviceCookie(request);
      await limitAccount(request, reply, await auth.signInLimitKey(request.body.email, device));
      const result = await auth.signIn(request.body, await sessionOf(request), { address: clientAddressKey(request.ip), device });
      startSession(request, reply, result.token);
      setDeviceCookie(request, reply, result.device);
      logAuthEvent(request.log, 'auth.sign_in', { userId: result.session.userId, clientIp: request.ip });
      return { status: result.mfaRequired ? 'mfa_required' : 'signed_in', mfaRequired: result.mfaRequired };
    },
  );

  app.post('/api/v1/auth/sign-out', { schema: { tags, body: S.EmptyBody, response: { 200: S.Accepted } } }, async (request, reply) => {
    const session = await sessionOf(request);
    if (session !== undefined) {
      await auth.signOut(session);
      logAuthEvent(request.log, 'auth.sign_out', { userId: session.userId });
    }
    clearSessionCookie(request, reply);
    return { status: 'signed_out', message: 'You are signed out on this device.' };
  });

  app.post('/api/v1/auth/sign-out-everywhere', { schema: { tags, body: S.EmptyBody, response: { 200: S.SessionsEnded } } }, async (request, reply) => {
    const session = await fullSession(request);
    const sessionsEnded = await auth.signOutEverywhere(session);
    logAuthEvent(request.log, 'auth.sign_out_everywhere', { userId: session.userId, clientIp: request.ip });
    clearSessionCookie(request, reply);
    return { status: 'signed_out', sessionsEnded };
  });

  app.post<{ Body: { email: string } }>(
    '/api/v1/auth/password-reset/request',
    { schema: { tags, body: S.ResetRequestBody, response: { 202: S.Accepted } } },
    async (request, reply) => {
      await limitAccount(request, reply, `${await auth.accountKey(request.body.email)}:reset`);
      await auth.requestPasswordReset(request.body.email);
      logAuthEvent(request.log, 'auth.password_reset_requested', { clientIp: request.ip });
      return reply.code(202).send(sameAnswer.reset);
    },
  );

  app.post<{ Body: { token: string; password: string } }>(
    '/api/v1/auth/password-reset/confirm',
    { schema: { tags, body: S.ResetConfirmBody, response: { 200: S.Accepted } } },
    async (request, reply) => {
      await auth.confirmPasswordReset(request.body.token, request.body.password);
      logAuthEvent(request.log, 'auth.password_reset', { clientIp: request.ip });
      clearSessionCookie(request, reply);
      return { status: 'password_changed', message: 'Your password is changed and every device is signed out. Sign in with the new password.' };
    },
  );

  app.post<{ Body: { currentPassword: string; newPassword: string } }>(
    '/api/v1/auth/password',
    { schema: { tags, body: S.ChangePasswordBody, response: { 200: S.Accepted } } },
    async (request, reply) => {
      const session = await fullSession(request);
      await limitAccount(request, reply, `user:${session.userId}`);
      const result = await auth.changePassword(session, request.body);
      logAuthEvent(request.log, 'auth.password_changed', { userId: session.userId, clientIp: request.ip });
      startSession(request, reply, result.token);
      return { status: 'password_changed', message: 'Your password is changed, and every other device is signed out.' };
    },
  );

  app.post<{ Body: { password: string; newEmail: string } }>(
    '/api/v1/auth/email',
    { schema: { tags, body: S.EmailChangeBody, response: { 202: S.Accepted } } },
    async (request, reply) => {
      const session = await fullSession(request);
      await limitAccount(request, reply, `user:${session.userId}`);
      await auth.requestEmailChange(session, request.body);
      logAuthEvent(request.log, 'auth.email_change_requested', { userId: session.userId, clientIp: request.ip });
      return reply.code(202).send(sameAnswer.emailChange);
    },
  );

  app.post<{ Body: { token: string } }>(
    '/api/v1/auth/email/confirm',
    { schema: { tags, body: S.TokenBody, response: { 200: S.Accepted } } },
    async (request) => {
      const userId = await auth.confirmEmailChange(request.body.token, await sessionOf(request), requestContext(request));
      logAuthEvent(request.log, 'auth.email_changed', { userId, clientIp: request.ip });
      return { status: 'email_changed', message: 'Your e-mail address is changed, and every other device is signed out.' };
    },
  );

  app.post<{ Body: { token: string } }>(
    '/api/v1/auth/email/cancel',
    { schema: { tags, body: S.TokenBody, response: { 200: S.Accepted } } },
    async (request, reply) => {
      const userId = await auth.cancelEmailChange(request.body.token, requestContext(request));
      logAuthEvent(request.log, 'auth.email_change_cancelled', { userId, clientIp: request.ip });
      clearSessionCookie(request, reply);
      return {
        status: 'email_change_cancelled',
        message: 'The change of address is cancelled and every device is signed out. We have sent you a link to choose a new password.',
      };
    },
  );

  app.post<{ Body: { password: string; code?: string; recoveryCode?: string } }>(
    '/api/v1/auth/reauthenticate',
    { schema: { tags, body: S.ReauthenticateBody, response: { 200: S.Reauthenticated } } },
    async (request, reply) => {
      const session = await fullSession(request);
      await limitAccount(request, reply, `user:${session.userId}`);
      const result = await auth.reauthenticate(session, request.body);
      logAuthEvent(request.log, 'auth.reauthenticated', { userId: session.userId, clientIp: request.ip });
      startSession(request, reply, result.token);
      return { status: 'reauthenticated', validForMinutes: reauthMinutes };
    },
  );

  app.post('/api/v1/auth/mfa/recovery-codes', { schema: { tags, body: S.EmptyBody, response: { 200: S.RecoveryCodes } } }, async (request) => {
    const session = await fullSession(request);
    const recoveryCodes = await auth.regenerateRecoveryCodes(session);
    logAuthEvent(request.log, 'auth.recovery_codes_regenerated', { userId: session.userId, clientIp: request.ip });
    return { status: 'recovery_codes_regenerated', recoveryCodes };
  });

  app.get('/api/v1/me', { schema: { tags, response: { 200: S.Me } } }, async (request) => {
    const me = await auth.me(await fullSession(request));
    return { ...me, createdAt: me.createdAt.toISOString() };
  });

  app.get('/api/v1/me/sessions', { schema: { tags, response: { 200: S.SessionList } } }, async (request) => {
    const items = await auth.listSessions(await fullSession(request));
    return { items: items.map((s) => ({ ...s, createdAt: s.createdAt.toISOString(), lastSeenAt: s.lastSeenAt.toISOString() })) };
  });

  app.delete<{ Params: { id: string } }>('/api/v1/me/sessions/:id', { schema: { tags, params: S.SessionParams } }, async (request, reply) => {
    const session = await fullSession(request);
    await auth.endSession(session, request.params.id);
    logAuthEvent(request.log, 'auth.sign_out', { userId: session.userId });
    if (request.params.id === session.id) clearSessionCookie(request, reply);
    return reply.code(204).send();
  });

  app.post('/api/v1/auth/mfa/enrol', { schema: { tags, body: S.EmptyBody, response: { 200: S.Enrolment } } }, async (request) =>
    auth.mfaEnrol(await fullSession(request)),
  );

  app.post<{ Body: { code: string } }>(
    '/api/v1/auth/mfa/confirm',
    { schema: { tags, body: S.MfaCodeBody, response: { 200: S.RecoveryCodes } } },
    async (request, reply) => {
      const result = await auth.mfaConfirm(await fullSession(request), request.body.code);
      logAuthEvent(request.log, 'auth.mfa_enabled', { userId: result.session.userId, clientIp: request.ip });
      startSession(request, reply, result.token);
      return { status: 'mfa_enabled', recoveryCodes: result.recoveryCodes };
    },
  );

  app.post<{ Body: SecondFactor }>(
    '/api/v1/auth/mfa/verify',
    { schema: { tags, body: S.SecondFactorBody, response: { 200: S.MfaVerified } } },
    async (request, reply) => {
      const session = await sessionOf(request);
      if (session === undefined) throw signInRequired();
      await limitAccount(request, reply, `user:${session.userId}`);
      const result = await auth.mfaVerify(session, request.body);
      logAuthEvent(request.log, 'auth.mfa_passed', { userId: session.userId, clientIp: request.ip });
      if (result.token !== undefined) startSession(request, reply, result.token);
      return { status: 'signed_in', recoveryCodesLeft: result.recoveryCodesLeft };
    },
  );

  app.post<{ Body: { password: string } & SecondFactor }>(
    '/api/v1/auth/mfa/disable',
    { schema: { tags, body: S.MfaDisableBody, response: { 200: S.Accepted } } },
    async (request, reply) => {
      const result = await auth.mfaDisable(await fullSession(request), request.body);
      logAuthEvent(request.log, 'auth.mfa_disabled', { userId: result.session.userId, clientIp: request.ip });
      startSession(request, reply, result.token);
      return { status: 'mfa_disabled', message: 'Two-step verification is off.' };
    },
  );
}
