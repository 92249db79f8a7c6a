import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../../kernel/errors.js';
import type { Csrf } from '../../http/csrf.js';
import { clientAddressKey, type RateLimiter } from '../../http/rate-limit.js';
import { requestContext } from '../../kernel/request-context.js';
import type { FormError } from '../../web/forms/fields.js';
import { formErrorsOf } from '../../web/forms/page-replies.js';
import { clearSessionCookie, logAuthEvent, readDeviceCookie, setDeviceCookie, setSessionCookie, type AuthService, type Session } from '../auth/index.js';
import { isStaffRole, staffRoles, type StaffRole } from '../../kernel/permissions.js';
import { AdminMfaPage, AdminMfaSetupPage, AdminRecoveryCodesPage, AdminSignInPage, InvitationPage } from './pages/admin-auth-pages.js';
import { RemoveStaffPage, StaffPage } from './pages/staff-pages.js';
import { GateMessagePage, sendAdminPage, type AdminShell } from '../../backoffice/index.js';
import type { StaffPrincipal } from '../../kernel/permissions.js';
import type { StaffService } from './staff.service.js';

export interface StaffPageDeps {
  auth: AuthService;
  staff: StaffService;
  csrf: Csrf;
  rateLimiter: RateLimiter;
  shopName: string;
  stylesheet: string;
  cookieMaxAgeSeconds: number;
  sessionOf: (request: FastifyRequest) => Promise<Session | undefined>;
  /** Hashed URLs of the passkey scripts: the sign-in page offers a passkey beside the password. */
  passkeyScripts?: readonly string[];
  /** Cognito mode: sign-in and MFA belong to the user pool, and its groups set the roles. */
  identityProvider: 'local' | 'cognito';
}

/** A refused request as form errors; a refused auth decision is logged with its code. */
function formErrors(err: unknown, reply: FastifyReply, field?: (code: string) => string | undefined): FormError[] {
  const errors = formErrorsOf(err, reply, field);
  if (err instanceof AppError && err.code.startsWith('AUTH_')) logAuthEvent(reply.request.log, 'auth.failure', { code: err.code, clientIp: reply.request.ip });
  return errors;
}

const text = (max: number) => Type.Optional(Type.String({ maxLength: max }));
const strict = { additionalProperties: false } as const;
const hide = { hide: true };
const UserParams = Type.Object({ userId: Type.String({ format: 'uuid' }) });
const InvitationParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const Empty = Type.Union([Type.Null(), Type.Undefined(), Type.Object({}, strict)]);
const DoneQuery = Type.Object({ done: Type.Optional(Type.String({ maxLength: 30 })) });

const notices: Record<string, string> = {
  invited: 'Invitation sent. The link works once, for 72 hours.',
  role: 'Role changed. They have been signed out and sign in again under the new role.',
  'signed-out': 'They have been signed out on every device.',
  removed: 'Access removed. They have been signed out on every device.',
  withdrawn: 'Invitation withdrawn: its link no longer works.',
};

/**
 * The back office's pages: staff sign-in (password, then the second factor, and enrolment first for
 * staff without one), the invitation link, the home page and the staff page. Every page under /admin is
 * checked by the staff guard on the server: no session → sign-in; MFA pending → the code step; no MFA →
 * enrolment; no role or not the page's permission → 403.
 */
export function registerStaffPages(app: FastifyInstance, shell: AdminShell, deps: StaffPageDeps): void {
  const { auth, staff, csrf } = deps;
  const { guard } = shell;
  const local = deps.identityProvider === 'local';
  const send = sendAdminPage;
  const gate = (request: FastifyRequest) => ({ shopName: deps.shopName, stylesheet: deps.stylesheet, csrf: csrf.token(request) });
  const passkeys = deps.passkeyScripts ? { passkeyScripts: deps.passkeyScripts } : {};
  const startSession = (request: FastifyRequest, reply: FastifyReply, token: string) => setSessionCookie(request, reply, token, deps.cookieMaxAgeSeconds);
  const limitAccount = (request: FastifyRequest, reply: FastifyReply, accountId: string) => deps.rateLimiter.check(request, reply, { ip: request.ip, accountId });

  const { contextOf, staffOr } = shell.pages;

  // --- sign-in, the second factor and enrolment ------------------------------------------------------
  if (local) {
    app.get<{ Querystring: { done?: string } }>('/admin/sign-in', { schema: { ...hide, querystring: DoneQuery } }, async (request, reply) => {
      const standing = await guard.standing(request);
      if (standing.kind === 'staff') return reply.redirect('/admin', 303);
      const notice = request.query.done === 'signed-out' ? 'You are signed out.' : request.query.done === 'joined' ? 'Welcome aboard. Sign in to continue.' : undefined;
      return send(reply, <AdminSignInPage {...gate(request)} {...passkeys} {...(notice ? { notice } : {})} />);
    });

    app.post<{ Body: { email?: string; password?: string } }>(
      '/admin/sign-in',
      { schema: { ...hide, body: Type.Object({ email: text(320), password: text(1024) }, strict) } },
      async (request, reply) => {
        const { email = '', password = '' } = request.body;
        let errors: FormError[] = [];
        if (email.trim() === '') errors.push({ field: 'email', message: 'Enter your e-mail address' });
        if (password === '') errors.push({ field: 'password', message: 'Enter your password' });
        if (errors.length === 0) {
          try {
            const device = readDeviceCookie(request);
            await limitAccount(request, reply, await auth.signInLimitKey(email, device));
            const result = await auth.signIn({ email, password }, await deps.sessionOf(request), { address: clientAddressKey(request.ip), device });
            // The password was right: this browser is a known client of the account from now on.
            setDeviceCookie(request, reply, result.device);
            if ((await staff.roleOf(result.session.userId)) === undefined) {
              // The password was right, so saying "not staff" tells the caller nothing they could not know.
              await auth.signOut(result.session);
              reply.code(403);
              errors = [{ message: 'This account has no access to the back office.' }];
            } else {
              logAuthEvent(request.log, 'auth.sign_in', { userId: result.session.userId, clientIp: request.ip });
              startSession(request, reply, result.token);
              return reply.redirect(result.mfaRequired ? '/admin/mfa' : '/admin', 303);
            }
          } catch (err) {
            errors = formErrors(err, reply, (code) => (code === 'AUTH_INVALID_CREDENTIALS' || code === 'AUTH_EMAIL_INVALID' ? 'email' : undefined));
          }
        } else reply.code(400);
        return send(reply, <AdminSignInPage {...gate(request)} {...passkeys} email={email} errors={errors} />);
      },
    );

    app.get<{ Querystring: { recovery?: string } }>(
      '/admin/mfa',
      { schema: { ...hide, querystring: Type.Object({ recovery: Type.Optional(Type.String({ maxLength: 5 })) }) } },
      async (request, reply) => {
        const session = await deps.sessionOf(request);
        if (session === undefined) return reply.redirect('/admin/sign-in', 303);
        if (session.mfaVerified) return reply.redirect('/admin', 303);
        return send(reply, <AdminMfaPage {...gate(request)} recovery={request.query.recovery === '1'} />);
      },
    );

    app.post<{ Body: { code?: string; recoveryCode?: string } }>(
      '/admin/mfa',
      { schema: { ...hide, body: Type.Object({ code: text(16), recoveryCode: text(64) }, strict) } },
      async (request, reply) => {
        const session = await deps.sessionOf(request);
        if (session === undefined) return reply.redirect('/admin/sign-in', 303);
        const recovery = request.body.recoveryCode !== undefined;
        const value = ((recovery ? request.body.recoveryCode : request.body.code) ?? '').replace(/\s/g, '');
        const field = recovery ? 'recoveryCode' : 'code';
        let errors: FormError[] = value === '' ? [{ field, message: recovery ? 'Enter a recovery code' : 'Enter the code from your authenticator app' }] : [];
        if (errors.length === 0) {
          try {
            await limitAccount(request, reply, `user:${session.userId}`);
            const result = await auth.mfaVerify(session, recovery ? { recoveryCode: value } : { code: value });
            logAuthEvent(request.log, 'auth.mfa_passed', { userId: session.userId, clientIp: request.ip });
            if (result.token !== undefined) startSession(request, reply, result.token);
            return reply.redirect('/admin', 303);
          } catch (err) {
            errors = formErrors(err, reply, (code) => (code === 'AUTH_MFA_CODE_INVALID' ? field : undefined));
          }
        } else reply.code(400);
        return send(reply, <AdminMfaPage {...gate(request)} recovery={recovery} errors={errors} />);
      },
    );

    /** Only a staff member who still needs a second factor comes here; everyone else is sent on. */
    const enrollingSession = async (request: FastifyRequest, reply: FastifyReply): Promise<Session | undefined> => {
      const standing = await guard.standing(request);
      if (standing.kind === 'mfa_enrolment_required') return deps.sessionOf(request);
      await reply.redirect(standing.kind === 'staff' ? '/admin' : standing.kind === 'mfa_pending' ? '/admin/mfa' : '/admin/sign-in', 303);
      return undefined;
    };

    app.get('/admin/mfa-setup', { schema: hide }, async (request, reply) => {
      const session = await enrollingSession(request, reply);
      if (session === undefined) return reply;
      const enrolment = await auth.mfaPendingEnrolment(session);
      return send(reply, <AdminMfaSetupPage {...gate(request)} {...(enrolment ? { enrolment } : {})} />);
    });

    app.post('/admin/mfa-setup', { schema: { ...hide, body: Type.Union([Empty, Type.Object({}, strict)]) } }, async (request, reply) => {
      const session = await enrollingSession(request, reply);
      if (session === undefined) return reply;
      return send(reply, <AdminMfaSetupPage {...gate(request)} enrolment={await auth.mfaEnrol(session)} />);
    });

    app.post<{ Body: { code?: string } }>('/admin/mfa-setup/confirm', { schema: { ...hide, body: Type.Object({ code: text(16) }, strict) } }, async (request, reply) => {
      const session = await enrollingSession(request, reply);
      if (session === undefined) return reply;
      const code = (request.body.code ?? '').replace(/\s/g, '');
      let errors: FormError[] = code === '' ? [{ field: 'code', message: 'Enter the code from your authenticator app' }] : [];
      if (errors.length === 0) {
        try {
          const result = await auth.mfaConfirm(session, code);
          logAuthEvent(request.log, 'auth.mfa_enabled', { userId: session.userId, clientIp: request.ip });
          startSession(request, reply, result.token);
          return send(reply, <AdminRecoveryCodesPage shopName={deps.shopName} stylesheet={deps.stylesheet} codes={result.recoveryCodes} />);
        } catch (err) {
          errors = formErrors(err, reply, (c) => (c === 'AUTH_MFA_CODE_INVALID' ? 'code' : undefined));
        }
      } else reply.code(400);
      const enrolment = await auth.mfaPendingEnrolment(session);
      return send(reply, <AdminMfaSetupPage {...gate(request)} {...(enrolment ? { enrolment } : {})} errors={errors} />);
    });

    // --- the invitation link ------------------------------------------------------------------------
    const invitationError = async (request: FastifyRequest, reply: FastifyReply, err: unknown) => {
      if (!(err instanceof AppError) || !err.code.startsWith('STAFF_INVITATION_')) throw err;
      reply.code(400);
      return send(reply, <GateMessagePage shopName={deps.shopName} stylesheet={deps.stylesheet} title="This invitation cannot be used" message={err.message} link={{ href: '/admin/sign-in', label: 'Go to sign-in' }} />);
    };

    // Opening the link never uses it up (mail scanners follow links); the form's POST does.
    app.get<{ Querystring: { token?: string } }>(
      '/admin/invitations/accept',
      { schema: { ...hide, querystring: Type.Object({ token: Type.Optional(Type.String({ maxLength: 128 })) }) } },
      async (request, reply) => {
        const token = request.query.token ?? '';
        try {
          const invitation = await staff.describeInvitation(token);
          return send(reply, <InvitationPage {...gate(request)} token={token} {...invitation} />);
        } catch (err) {
          return invitationError(request, reply, err);
        }
      },
    );

    app.post<{ Body: { token?: string; password?: string } }>(
      '/admin/invitations/accept',
      { schema: { ...hide, body: Type.Object({ token: text(128), password: text(1024) }, strict) } },
      async (request, reply) => {
        const { token = '', password = '' } = request.body;
        let invitation;
        try {
          invitation = await staff.describeInvitation(token);
        } catch (err) {
          return invitationError(request, reply, err);
        }
        let errors: FormError[] = password === '' ? [{ field: 'password', message: 'Enter a password' }] : [];
        if (errors.length === 0) {
          try {
            const { userId } = await staff.acceptInvitation(token, password, requestContext(request));
            // Every session of the account ended when it joined; this one, just proved by the password, takes their place.
            const previous = await deps.sessionOf(request);
            if (previous !== undefined) await auth.signOut(previous);
            const mfaOn = await auth.directory.mfaEnabled(userId);
            const { token: sessionToken } = await auth.sessions.create(userId, { mfaVerified: !mfaOn, reauthenticated: !mfaOn });
            logAuthEvent(request.log, 'auth.sign_in', { userId, clientIp: request.ip });
            startSession(request, reply, sessionToken);
            return reply.redirect(mfaOn ? '/admin/mfa' : '/admin/mfa-setup', 303);
          } catch (err) {
            if (err instanceof AppError && err.code.startsWith('STAFF_INVITATION_')) return invitationError(request, reply, err);
            errors = formErrors(err, reply, (code) => (code.startsWith('AUTH_PASSWORD_') || code === 'AUTH_INVALID_CREDENTIALS' ? 'password' : undefined));
          }
        } else reply.code(400);
        return send(reply, <InvitationPage {...gate(request)} token={token} {...invitation} errors={errors} />);
      },
    );
  }

  app.post('/admin/sign-out', { schema: { ...hide, body: Empty } }, async (request, reply) => {
    const session = await deps.sessionOf(request);
    if (session !== undefined) {
      await auth.signOut(session);
      logAuthEvent(request.log, 'auth.sign_out', { userId: session.userId, clientIp: request.ip });
    }
    clearSessionCookie(request, reply);
    return reply.redirect('/admin/sign-in?done=signed-out', 303);
  });

  // --- the staff page --------------------------------------------------------------------------------
  const renderStaffPage = async (request: FastifyRequest, reply: FastifyReply, principal: StaffPrincipal, extra: { notice?: string; errors?: FormError[]; invite?: { email?: string; role?: StaffRole } } = {}) => {
    const { members, invitations } = await staff.list(principal);
    return send(reply, <StaffPage ctx={await contextOf(request, principal)} members={members} invitations={invitations} rolesFromIdentityProvider={!local} {...extra} />);
  };

  app.get<{ Querystring: { done?: string } }>('/admin/staff', { schema: { ...hide, querystring: DoneQuery } }, async (request, reply) => {
    const principal = await staffOr(request, reply, 'staff.read');
    if (principal === undefined) return reply;
    return renderStaffPage(request, reply, principal, { ...(request.query.done ? { notice: notices[request.query.done] } : {}) });
  });

  /** Runs a staff change for a form; a refused change shows the staff page again with the reason. */
  const change = async (request: FastifyRequest, reply: FastifyReply, done: string, run: (principal: StaffPrincipal) => Promise<unknown>, form?: { email?: string; role?: StaffRole }) => {
    const principal = await staffOr(request, reply, 'staff.write');
    if (principal === undefined) return reply;
    try {
      await run(principal);
      return reply.redirect(`/admin/staff?done=${done}`, 303);
    } catch (err) {
      const errors = formErrors(err, reply, (code) => (code === 'AUTH_EMAIL_INVALID' || code === 'STAFF_ALREADY_MEMBER' ? 'email' : undefined));
      return renderStaffPage(request, reply, principal, { errors, ...(form ? { invite: form } : {}) });
    }
  };

  app.post<{ Body: { email?: string; role?: string } }>(
    '/admin/staff/invitations',
    { schema: { ...hide, body: Type.Object({ email: text(320), role: text(40) }, strict) } },
    async (request, reply) => {
      const email = request.body.email ?? '';
      const role = request.body.role;
      return change(
        request,
        reply,
        'invited',
        (principal) => {
          if (!isStaffRole(role)) throw new AppError('STAFF_ROLE_INVALID', 'invalid_data', `Choose a role: ${staffRoles.join(', ')}.`);
          return staff.invite(principal, { email, role }, requestContext(request));
        },
        { email, ...(isStaffRole(role) ? { role } : {}) },
      );
    },
  );

  app.post<{ Params: { id: string } }>('/admin/staff/invitations/:id/revoke', { schema: { ...hide, params: InvitationParams, body: Empty } }, (request, reply) =>
    change(request, reply, 'withdrawn', (principal) => staff.revokeInvitation(principal, request.params.id, requestContext(request))),
  );

  app.post<{ Params: { userId: string }; Body: { role?: string } }>(
    '/admin/staff/:userId/role',
    { schema: { ...hide, params: UserParams, body: Type.Object({ role: text(40) }, strict) } },
    (request, reply) =>
      change(request, reply, 'role', (principal) => {
        const role = request.body.role;
        if (!isStaffRole(role)) throw new AppError('STAFF_ROLE_INVALID', 'invalid_data', `Choose a role: ${staffRoles.join(', ')}.`);
        return staff.changeRole(principal, request.params.userId, role, requestContext(request));
      }),
  );

  app.post<{ Params: { userId: string } }>('/admin/staff/:userId/sign-out', { schema: { ...hide, params: UserParams, body: Empty } }, (request, reply) =>
    change(request, reply, 'signed-out', (principal) => staff.forceSignOut(principal, request.params.userId, requestContext(request))),
  );

  // Removing someone is destructive: a confirmation page first, then the POST.
  app.get<{ Params: { userId: string } }>('/admin/staff/:userId/remove', { schema: { ...hide, params: UserParams } }, async (request, reply) => {
    const principal = await staffOr(request, reply, 'staff.write');
    if (principal === undefined) return reply;
    const member = (await staff.list(principal)).members.find((m) => m.userId === request.params.userId);
    if (member === undefined) return reply.callNotFound();
    return send(reply, <RemoveStaffPage ctx={await contextOf(request, principal)} member={member} />);
  });

  app.post<{ Params: { userId: string } }>('/admin/staff/:userId/remove', { schema: { ...hide, params: UserParams, body: Empty } }, (request, reply) =>
    change(request, reply, 'removed', (principal) => staff.revoke(principal, request.params.userId, requestContext(request))),
  );
}
