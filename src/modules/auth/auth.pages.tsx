import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../../kernel/errors.js';
import type { Csrf } from '../../http/csrf.js';
import { clientAddressKey, type RateLimiter } from '../../http/rate-limit.js';
import type { PageContextOf } from '../../web/page-context.js';
import { requestContext } from '../../kernel/request-context.js';
import { logAuthEvent } from './auth.events.js';
import type { AuthService } from './auth.service.js';
import type { FormError } from '../../web/forms/fields.js';
import { formErrorsOf } from '../../web/forms/page-replies.js';
import { sendPrivatePage } from '../../web/html-reply.js';
import { fullSessionOr as fullSessionOrRedirect, recentSessionOr as recentSessionOrRedirect, safeNext } from './auth.http.js';
import {
  AccountPage,
  ChangePasswordPage,
  CheckInboxPage,
  MessagePage,
  MfaDisablePage,
  MfaEnrolPage,
  MfaVerifyPage,
  RecoveryCodesPage,
  ResetConfirmPage,
  ResetRequestPage,
  SignInPage,
  SignUpPage,
  VerifyEmailPage,
} from './pages/account-pages.js';
import { CancelEmailChangePage, ChangeEmailPage, ConfirmEmailChangePage } from './pages/email-change-pages.js';
import { ReauthPage } from './pages/reauth-page.js';
import { readDeviceCookie, setDeviceCookie } from './devices.js';
import { clearSessionCookie, reauthMinutes, setSessionCookie, type Session } from './sessions.js';

export interface AuthPageDeps {
  auth: AuthService;
  rateLimiter: RateLimiter;
  csrf: Csrf;
  pageContext: PageContextOf;
  sessionOf: (request: FastifyRequest) => Promise<Session | undefined>;
  cookieMaxAgeSeconds: number;
}

/** Which form field each error code is about; the rest show in the summary only. */
const fieldOf: Record<string, string> = {
  AUTH_EMAIL_INVALID: 'email',
  AUTH_INVALID_CREDENTIALS: 'email',
  AUTH_PASSWORD_TOO_SHORT: 'password',
  AUTH_PASSWORD_TOO_LONG: 'password',
  AUTH_PASSWORD_TOO_COMMON: 'password',
  AUTH_MFA_CODE_INVALID: 'code',
};

/** A refused request as form errors; a refused auth decision is logged with its code (never the secret tried). */
function formErrors(err: unknown, reply: FastifyReply, fieldFor: (code: string) => string | undefined = (c) => fieldOf[c]): FormError[] {
  const errors = formErrorsOf(err, reply, fieldFor);
  if (err instanceof AppError && err.code.startsWith('AUTH_')) logAuthEvent(reply.request.log, 'auth.failure', { code: err.code, clientIp: reply.request.ip });
  return errors;
}

const required = (value: string | undefined, field: string, message: string): FormError[] => (value === undefined || value.trim() === '' ? [{ field, message }] : []);

// Form bodies: every field optional (an empty form is shown again with its errors), no unknown fields.
const text = (max: number) => Type.Optional(Type.String({ maxLength: max }));
const strict = { additionalProperties: false } as const;
const EmailPasswordForm = Type.Object({ email: text(320), password: text(1024) }, strict);
const EmailForm = Type.Object({ email: text(320) }, strict);
const TokenForm = Type.Object({ token: text(128) }, strict);
const TokenPasswordForm = Type.Object({ token: text(128), password: text(1024) }, strict);
const CodeForm = Type.Object({ code: text(16), recoveryCode: text(64) }, strict);
const PasswordCodeForm = Type.Object({ password: text(1024), code: text(16) }, strict);
const EmptyForm = Type.Union([Type.Null(), Type.Undefined(), Type.Object({}, strict)]);

/**
 * The account pages (GOV.UK-style forms that work without JavaScript): sign-in, sign-up, e-mail
 * verification, password reset, the MFA step, the account page with sign-out, and MFA set-up and removal.
 * Each form posts back (CSRF token checked by src/http/csrf.ts); success redirects (303), failure shows the
 * form again with an error summary, inline errors and the values kept (never a password).
 */
export function registerAuthPages(app: FastifyInstance, deps: AuthPageDeps): void {
  const { auth, csrf, pageContext, sessionOf } = deps;
  const hide = { hide: true };

  /** Account pages hold personal data and form tokens: private, never stored. */
  const send = sendPrivatePage;
  const ctxOf = (request: FastifyRequest) => pageContext(request.url, request);
  const limitAccount = (request: FastifyRequest, reply: FastifyReply, accountId: string) => deps.rateLimiter.check(request, reply, { ip: request.ip, accountId });
  const startSession = (request: FastifyRequest, reply: FastifyReply, token: string) => setSessionCookie(request, reply, token, deps.cookieMaxAgeSeconds);
  const fullSessionOr = fullSessionOrRedirect(sessionOf);
  const recentSessionOr = recentSessionOrRedirect(sessionOf, auth);

  // --- sign-in ---------------------------------------------------------------------------------------
  app.get<{ Querystring: { done?: string } }>(
    '/account/sign-in',
    { schema: { ...hide, querystring: Type.Object({ done: Type.Optional(Type.String({ maxLength: 20 })) }) } },
    async (request, reply) => {
      const session = await sessionOf(request);
      if (session?.mfaVerified) return reply.redirect('/account', 303);
      const notices: Record<string, string> = {
        reset: 'Your password is changed. Sign in with the new one.',
        verified: 'Your e-mail address is confirmed. You can sign in now.',
        'passkey-removed': 'The passkey is removed. This device had signed in with it, so it is signed out too.',
      };
      const notice = request.query.done === undefined ? undefined : notices[request.query.done];
      return send(reply, <SignInPage ctx={await ctxOf(request)} csrf={csrf.token(request)} {...(notice ? { notice } : {})} />);
    },
  );

  app.post<{ Body: { email?: string; password?: string } }>('/account/sign-in', { schema: { ...hide, body: EmailPasswordForm } }, async (request, reply) => {
    const { email = '', password = '' } = request.body;
    let errors = [...required(email, 'email', 'Enter your e-mail address'), ...required(password, 'password', 'Enter your password')];
    if (errors.length === 0) {
      try {
        const device = readDeviceCookie(request);
        await limitAccount(request, reply, await auth.signInLimitKey(email, device));
        const result = await auth.signIn({ email, password }, await sessionOf(request), { address: clientAddressKey(request.ip), device });
        logAuthEvent(request.log, 'auth.sign_in', { userId: result.session.userId, clientIp: request.ip });
        startSession(request, reply, result.token);
        setDeviceCookie(request, reply, result.device);
        return reply.redirect(result.mfaRequired ? '/account/mfa' : '/account', 303);
      } catch (err) {
        errors = formErrors(err, reply);
      }
    } else reply.code(400);
    return send(reply, <SignInPage ctx={await ctxOf(request)} csrf={csrf.token(request)} email={email} errors={errors} />);
  });

  // --- sign-up and e-mail verification ---------------------------------------------------------------
  app.get('/account/sign-up', { schema: hide }, async (request, reply) =>
    send(reply, <SignUpPage ctx={await ctxOf(request)} csrf={csrf.token(request)} />),
  );

  app.post<{ Body: { email?: string; password?: string } }>('/account/sign-up', { schema: { ...hide, body: EmailPasswordForm } }, async (request, reply) => {
    const { email = '', password = '' } = request.body;
    let errors = [...required(email, 'email', 'Enter your e-mail address'), ...required(password, 'password', 'Create a password')];
    if (errors.length === 0) {
      try {
        // Each purpose has its own per-account budget, so a flood of one (wrong sign-ins) never blocks another (a reset).
        await limitAccount(request, reply, `${await auth.accountKey(email)}:sign-up`);
        await auth.signUp({ email, password });
        logAuthEvent(request.log, 'auth.sign_up', { clientIp: request.ip });
        return send(reply, <CheckInboxPage ctx={await ctxOf(request)} title="Check your inbox" message="We have sent you a mail with a link to finish creating your account." />);
      } catch (err) {
        errors = formErrors(err, reply);
      }
    } else reply.code(400);
    return send(reply, <SignUpPage ctx={await ctxOf(request)} csrf={csrf.token(request)} email={email} errors={errors} />);
  });

  // The link in the mail opens a page with a button: a GET never uses the token up (mail scanners follow links).
  app.get<{ Querystring: { token?: string } }>(
    '/account/verify-email',
    { schema: { ...hide, querystring: Type.Object({ token: Type.Optional(Type.String({ maxLength: 128 })) }) } },
    async (request, reply) => {
      return send(reply, <VerifyEmailPage ctx={await ctxOf(request)} csrf={csrf.token(request)} token={request.query.token ?? ''} />);
    },
  );

  app.post<{ Body: { token?: string } }>('/account/verify-email', { schema: { ...hide, body: TokenForm } }, async (request, reply) => {
    try {
      await auth.verifyEmail(request.body.token ?? '');
      logAuthEvent(request.log, 'auth.email_verified');
      return reply.redirect('/account/sign-in?done=verified', 303);
    } catch (err) {
      const [error] = formErrors(err, reply);
      return send(reply, <MessagePage ctx={await ctxOf(request)} title="This link cannot be used" message={error!.message} link={{ href: '/account/sign-in', label: 'Sign in' }} />);
    }
  });

  // --- password reset --------------------------------------------------------------------------------
  app.get<{ Querystring: { token?: string } }>(
    '/account/reset',
    { schema: { ...hide, querystring: Type.Object({ token: Type.Optional(Type.String({ maxLength: 128 })) }) } },
    async (request, reply) => {
      const ctx = await ctxOf(request);
      if (request.query.token === undefined) return send(reply, <ResetRequestPage ctx={ctx} csrf={csrf.token(request)} />);
      return send(reply, <ResetConfirmPage ctx={ctx} csrf={csrf.token(request)} token={request.query.token} />);
    },
  );

  app.post<{ Body: { email?: string } }>('/account/reset', { schema: { ...hide, body: EmailForm } }, async (request, reply) => {
    const { email = '' } = request.body;
    let errors = required(email, 'email', 'Enter your e-mail address');
    if (errors.length === 0) {
      try {
        await limitAccount(request, reply, `${await auth.accountKey(email)}:reset`);
        await auth.requestPasswordReset(email);
        logAuthEvent(request.log, 'auth.password_reset_requested', { clientIp: request.ip });
        return send(
          reply,
          <CheckInboxPage ctx={await ctxOf(request)} title="Check your inbox" message="If an account uses that address, we have sent it a link to choose a new password. The link works for one hour." />,
        );
      } catch (err) {
        errors = formErrors(err, reply);
      }
    } else reply.code(400);
    return send(reply, <ResetRequestPage ctx={await ctxOf(request)} csrf={csrf.token(request)} email={email} errors={errors} />);
  });

  app.post<{ Body: { token?: string; password?: string } }>('/account/reset/confirm', { schema: { ...hide, body: TokenPasswordForm } }, async (request, reply) => {
    const { token = '', password = '' } = request.body;
    let errors = required(password, 'password', 'Enter a new password');
    if (errors.length === 0) {
      try {
        await auth.confirmPasswordReset(token, password);
        logAuthEvent(request.log, 'auth.password_reset', { clientIp: request.ip });
        clearSessionCookie(request, reply);
        return reply.redirect('/account/sign-in?done=reset', 303);
      } catch (err) {
        if (err instanceof AppError && (err.code === 'AUTH_TOKEN_INVALID' || err.code === 'AUTH_TOKEN_EXPIRED')) {
          reply.code(400);
          return send(reply, <MessagePage ctx={await ctxOf(request)} title="This link cannot be used" message={err.message} link={{ href: '/account/reset', label: 'Ask for a new link' }} />);
        }
        errors = formErrors(err, reply);
      }
    } else reply.code(400);
    return send(reply, <ResetConfirmPage ctx={await ctxOf(request)} csrf={csrf.token(request)} token={token} errors={errors} />);
  });

  // --- the MFA step after the password ---------------------------------------------------------------
  app.get<{ Querystring: { recovery?: string } }>(
    '/account/mfa',
    { schema: { ...hide, querystring: Type.Object({ recovery: Type.Optional(Type.String({ maxLength: 5 })) }) } },
    async (request, reply) => {
      const session = await sessionOf(request);
      if (session === undefined) return reply.redirect('/account/sign-in', 303);
      if (session.mfaVerified) return reply.redirect('/account', 303);
      return send(reply, <MfaVerifyPage ctx={await ctxOf(request)} csrf={csrf.token(request)} recovery={request.query.recovery === '1'} />);
    },
  );

  app.post<{ Body: { code?: string; recoveryCode?: string } }>('/account/mfa', { schema: { ...hide, body: CodeForm } }, async (request, reply) => {
    const session = await sessionOf(request);
    if (session === undefined) return reply.redirect('/account/sign-in', 303);
    const recovery = request.body.recoveryCode !== undefined;
    const value = (recovery ? request.body.recoveryCode : request.body.code) ?? '';
    const field = recovery ? 'recoveryCode' : 'code';
    let errors = required(value, field, recovery ? 'Enter a recovery code' : 'Enter the code from your authenticator app');
    if (errors.length === 0) {
      try {
        await limitAccount(request, reply, `user:${session.userId}`);
        const result = await auth.mfaVerify(session, recovery ? { recoveryCode: value } : { code: value.replace(/\s/g, '') });
        logAuthEvent(request.log, 'auth.mfa_passed', { userId: session.userId, clientIp: request.ip });
        if (result.token !== undefined) startSession(request, reply, result.token);
        return reply.redirect('/account', 303);
      } catch (err) {
        errors = formErrors(err, reply, (code) => (code === 'AUTH_MFA_CODE_INVALID' ? field : undefined));
      }
    } else reply.code(400);
    return send(reply, <MfaVerifyPage ctx={await ctxOf(request)} csrf={csrf.token(request)} recovery={recovery} errors={errors} />);
  });

  // --- the account page and sign-out -----------------------------------------------------------------
  app.get<{ Querystring: { done?: string } }>(
    '/account',
    { schema: { ...hide, querystring: Type.Object({ done: Type.Optional(Type.String({ maxLength: 20 })) }) } },
    async (request, reply) => {
      const session = await fullSessionOr(request, reply);
      if (session === undefined) return reply;
      const [ctx, me, devices] = await Promise.all([ctxOf(request), auth.me(session), auth.listSessions(session)]);
      const notices: Record<string, string> = {
        password: 'Your password is changed, and every other device is signed out.',
        device: 'That device is signed out.',
      };
      const notice = request.query.done === undefined ? undefined : notices[request.query.done];
      return send(reply, <AccountPage ctx={ctx} csrf={csrf.token(request)} me={me} devices={devices} notice={notice} />);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/account/sessions/:id/sign-out',
    { schema: { ...hide, params: Type.Object({ id: Type.String({ format: 'uuid' }) }), body: EmptyForm } },
    async (request, reply) => {
      const session = await fullSessionOr(request, reply);
      if (session === undefined) return reply;
      await auth.endSession(session, request.params.id);
      logAuthEvent(request.log, 'auth.sign_out', { userId: session.userId });
      return reply.redirect('/account?done=device', 303);
    },
  );

  // --- password change -------------------------------------------------------------------------------
  app.get('/account/security/password', { schema: hide }, async (request, reply) => {
    const session = await recentSessionOr(request, reply, '/account/security/password');
    if (session === undefined) return reply;
    return send(reply, <ChangePasswordPage ctx={await ctxOf(request)} csrf={csrf.token(request)} />);
  });

  app.post<{ Body: { currentPassword?: string; newPassword?: string } }>(
    '/account/security/password',
    { schema: { ...hide, body: Type.Object({ currentPassword: text(1024), newPassword: text(1024) }, strict) } },
    async (request, reply) => {
      const session = await recentSessionOr(request, reply, '/account/security/password');
      if (session === undefined) return reply;
      const { currentPassword = '', newPassword = '' } = request.body;
      let errors = [...required(currentPassword, 'currentPassword', 'Enter your current password'), ...required(newPassword, 'newPassword', 'Enter a new password')];
      if (errors.length === 0) {
        try {
          await limitAccount(request, reply, `user:${session.userId}`);
          const result = await auth.changePassword(session, { currentPassword, newPassword });
          logAuthEvent(request.log, 'auth.password_changed', { userId: session.userId, clientIp: request.ip });
          startSession(request, reply, result.token);
          return reply.redirect('/account?done=password', 303);
        } catch (err) {
          errors = formErrors(err, reply, (c) => (c === 'AUTH_INVALID_CREDENTIALS' ? 'currentPassword' : c.startsWith('AUTH_PASSWORD_') ? 'newPassword' : undefined));
          // Signed in, the address is known: say plainly which password was wrong.
          if (err instanceof AppError && err.code === 'AUTH_INVALID_CREDENTIALS') errors = [{ field: 'currentPassword', message: 'Your current password is not right' }];
        }
      } else reply.code(400);
      return send(reply, <ChangePasswordPage ctx={await ctxOf(request)} csrf={csrf.token(request)} errors={errors} />);
    },
  );

  app.post('/account/sign-out', { schema: { ...hide, body: EmptyForm } }, async (request, reply) => {
    const session = await sessionOf(request);
    if (session !== undefined) {
      await auth.signOut(session);
      logAuthEvent(request.log, 'auth.sign_out', { userId: session.userId });
    }
    clearSessionCookie(request, reply);
    return reply.redirect('/', 303);
  });

  app.post('/account/sign-out-everywhere', { schema: { ...hide, body: EmptyForm } }, async (request, reply) => {
    const session = await fullSessionOr(request, reply);
    if (session === undefined) return reply;
    await auth.signOutEverywhere(session);
    logAuthEvent(request.log, 'auth.sign_out_everywhere', { userId: session.userId, clientIp: request.ip });
    clearSessionCookie(request, reply);
    return reply.redirect('/', 303);
  });

  // --- change of e-mail (email-change.ts) ------------------------------------------------------------
  app.get('/account/security/email', { schema: hide }, async (request, reply) => {
    const session = await recentSessionOr(request, reply, '/account/security/email');
    if (session === undefined) return reply;
    const me = await auth.me(session);
    return send(reply, <ChangeEmailPage ctx={await ctxOf(request)} csrf={csrf.token(request)} currentEmail={me.email} />);
  });

  app.post<{ Body: { newEmail?: string; password?: string } }>(
    '/account/security/email',
    { schema: { ...hide, body: Type.Object({ newEmail: text(320), password: text(1024) }, strict) } },
    async (request, reply) => {
      const session = await recentSessionOr(request, reply, '/account/security/email');
      if (session === undefined) return reply;
      const { newEmail = '', password = '' } = request.body;
      let errors = [...required(newEmail, 'newEmail', 'Enter the new e-mail address'), ...required(password, 'password', 'Enter your password')];
      if (errors.length === 0) {
        try {
          await limitAccount(request, reply, `user:${session.userId}`);
          await auth.requestEmailChange(session, { password, newEmail });
          logAuthEvent(request.log, 'auth.email_change_requested', { userId: session.userId, clientIp: request.ip });
          // The same page whether or not the new address already has an account.
          return send(
            reply,
            <CheckInboxPage ctx={await ctxOf(request)} title="Check your new inbox" message="We have sent a link to the new address. Your address changes when you open it; the link works for 24 hours." />,
          );
        } catch (err) {
          errors = formErrors(err, reply, (c) => (c === 'AUTH_EMAIL_INVALID' ? 'newEmail' : undefined));
          // Signed in, the address is known: say plainly that the password was wrong.
          if (err instanceof AppError && err.code === 'AUTH_INVALID_CREDENTIALS') errors = [{ field: 'password', message: 'Your password is not right' }];
        }
      } else reply.code(400);
      const me = await auth.me(session);
      return send(reply, <ChangeEmailPage ctx={await ctxOf(request)} csrf={csrf.token(request)} currentEmail={me.email} newEmail={newEmail} errors={errors} />);
    },
  );

  // The mailed link opens a page with a button: a GET never uses the token up (mail scanners follow links).
  app.get<{ Querystring: { token?: string } }>(
    '/account/email/confirm',
    { schema: { ...hide, querystring: Type.Object({ token: Type.Optional(Type.String({ maxLength: 128 })) }) } },
    async (request, reply) => send(reply, <ConfirmEmailChangePage ctx={await ctxOf(request)} csrf={csrf.token(request)} token={request.query.token ?? ''} />),
  );

  app.post<{ Body: { token?: string } }>('/account/email/confirm', { schema: { ...hide, body: TokenForm } }, async (request, reply) => {
    const current = await sessionOf(request);
    try {
      const userId = await auth.confirmEmailChange(request.body.token ?? '', current, requestContext(request));
      logAuthEvent(request.log, 'auth.email_changed', { userId, clientIp: request.ip });
      const signedIn = current?.userId === userId && current.mfaVerified;
      const link = signedIn ? { href: '/account', label: 'Go to your account' } : { href: '/account/sign-in', label: 'Sign in' };
      return send(reply, <MessagePage ctx={await ctxOf(request)} title="Your e-mail address is changed" message="Use the new address to sign in from now on. Every other device is signed out." link={link} />);
    } catch (err) {
      const [error] = formErrors(err, reply);
      return send(reply, <MessagePage ctx={await ctxOf(request)} title="This link cannot be used" message={error!.message} link={{ href: '/account/security/email', label: 'Ask for a new link' }} />);
    }
  });

  // The "this was not me" link: a page with a button, like the confirm link.
  app.get<{ Querystring: { token?: string } }>(
    '/account/email/cancel',
    { schema: { ...hide, querystring: Type.Object({ token: Type.Optional(Type.String({ maxLength: 128 })) }) } },
    async (request, reply) => send(reply, <CancelEmailChangePage ctx={await ctxOf(request)} csrf={csrf.token(request)} token={request.query.token ?? ''} />),
  );

  app.post<{ Body: { token?: string } }>('/account/email/cancel', { schema: { ...hide, body: TokenForm } }, async (request, reply) => {
    try {
      const userId = await auth.cancelEmailChange(request.body.token ?? '', requestContext(request));
      logAuthEvent(request.log, 'auth.email_change_cancelled', { userId, clientIp: request.ip });
      clearSessionCookie(request, reply);
      return send(
        reply,
        <MessagePage
          ctx={await ctxOf(request)}
          title="The change is cancelled"
          message="Every device is signed out. We have sent you a link to choose a new password: use it before you sign in again."
          link={{ href: '/account/sign-in', label: 'Sign in' }}
        />,
      );
    } catch (err) {
      const [error] = formErrors(err, reply);
      return send(reply, <MessagePage ctx={await ctxOf(request)} title="This link cannot be used" message={error!.message} link={{ href: '/account/reset', label: 'Reset your password' }} />);
    }
  });

  // --- re-authentication -----------------------------------------------------------------------------
  app.get<{ Querystring: { next?: string } }>(
    '/account/security/confirm',
    { schema: { ...hide, querystring: Type.Object({ next: Type.Optional(Type.String({ maxLength: 200 })) }) } },
    async (request, reply) => {
      const session = await fullSessionOr(request, reply);
      if (session === undefined) return reply;
      const options = await auth.reauthOptions(session);
      return send(reply, <ReauthPage ctx={await ctxOf(request)} csrf={csrf.token(request)} next={safeNext(request.query.next)} minutes={reauthMinutes} {...options} />);
    },
  );

  app.post<{ Body: { next?: string; password?: string; code?: string; recoveryCode?: string } }>(
    '/account/security/confirm',
    { schema: { ...hide, body: Type.Object({ next: text(200), password: text(1024), code: text(16), recoveryCode: text(64) }, strict) } },
    async (request, reply) => {
      const session = await fullSessionOr(request, reply);
      if (session === undefined) return reply;
      const next = safeNext(request.body.next);
      const options = await auth.reauthOptions(session);
      const { password = '', code = '', recoveryCode = '' } = request.body;
      let errors = [
        ...required(password, 'password', 'Enter your password'),
        ...(options.mfa && code.trim() === '' && recoveryCode.trim() === '' ? [{ field: 'code', message: 'Enter the code from your authenticator app' }] : []),
      ];
      if (errors.length === 0) {
        try {
          await limitAccount(request, reply, `user:${session.userId}`);
          const result = await auth.reauthenticate(session, { password, code: code.replace(/\s/g, ''), recoveryCode });
          logAuthEvent(request.log, 'auth.reauthenticated', { userId: session.userId, clientIp: request.ip });
          startSession(request, reply, result.token);
          return reply.redirect(next, 303);
        } catch (err) {
          errors = formErrors(err, reply, (c) => (c === 'AUTH_INVALID_CREDENTIALS' ? 'password' : c.startsWith('AUTH_MFA_') ? 'code' : undefined));
          if (err instanceof AppError && err.code === 'AUTH_INVALID_CREDENTIALS') errors = [{ field: 'password', message: 'Your password is not right' }];
        }
      } else reply.code(400);
      return send(reply, <ReauthPage ctx={await ctxOf(request)} csrf={csrf.token(request)} next={next} minutes={reauthMinutes} {...options} errors={errors} />);
    },
  );

  // --- MFA set-up and removal ------------------------------------------------------------------------
  app.post('/account/security/mfa', { schema: { ...hide, body: EmptyForm } }, async (request, reply) => {
    const session = await recentSessionOr(request, reply, '/account');
    if (session === undefined) return reply;
    const enrolment = await auth.mfaEnrol(session);
    return send(reply, <MfaEnrolPage ctx={await ctxOf(request)} csrf={csrf.token(request)} enrolment={enrolment} />);
  });

  app.post<{ Body: { code?: string } }>(
    '/account/security/mfa/confirm',
    { schema: { ...hide, body: Type.Object({ code: text(16) }, strict) } },
    async (request, reply) => {
      const session = await recentSessionOr(request, reply, '/account');
      if (session === undefined) return reply;
      const code = (request.body.code ?? '').replace(/\s/g, '');
      let errors = required(code, 'code', 'Enter the code from your authenticator app');
      if (errors.length === 0) {
        try {
          const result = await auth.mfaConfirm(session, code);
          logAuthEvent(request.log, 'auth.mfa_enabled', { userId: session.userId, clientIp: request.ip });
          startSession(request, reply, result.token);
          return send(reply, <RecoveryCodesPage ctx={await ctxOf(request)} codes={result.recoveryCodes} />);
        } catch (err) {
          errors = formErrors(err, reply);
        }
      } else reply.code(400);
      const enrolment = await auth.mfaPendingEnrolment(session);
      if (enrolment === undefined) return reply.redirect('/account', 303);
      return send(reply, <MfaEnrolPage ctx={await ctxOf(request)} csrf={csrf.token(request)} enrolment={enrolment} errors={errors} />);
    },
  );

  app.get('/account/security/mfa/disable', { schema: hide }, async (request, reply) => {
    const session = await recentSessionOr(request, reply, '/account/security/mfa/disable');
    if (session === undefined) return reply;
    return send(reply, <MfaDisablePage ctx={await ctxOf(request)} csrf={csrf.token(request)} />);
  });

  app.post<{ Body: { password?: string; code?: string } }>(
    '/account/security/mfa/disable',
    { schema: { ...hide, body: PasswordCodeForm } },
    async (request, reply) => {
      const session = await recentSessionOr(request, reply, '/account/security/mfa/disable');
      if (session === undefined) return reply;
      const { password = '', code = '' } = request.body;
      let errors = [...required(password, 'password', 'Enter your password'), ...required(code, 'code', 'Enter the code from your authenticator app')];
      if (errors.length === 0) {
        try {
          const result = await auth.mfaDisable(session, { password, code: code.replace(/\s/g, '') });
          logAuthEvent(request.log, 'auth.mfa_disabled', { userId: session.userId, clientIp: request.ip });
          startSession(request, reply, result.token);
          return reply.redirect('/account', 303);
        } catch (err) {
          errors = formErrors(err, reply, (c) => (c === 'AUTH_INVALID_CREDENTIALS' ? 'password' : fieldOf[c]));
        }
      } else reply.code(400);
      return send(reply, <MfaDisablePage ctx={await ctxOf(request)} csrf={csrf.token(request)} errors={errors} />);
    },
  );
}
