/**
 * Who may use the back office, decided on every request on the server: a fully signed-in session, an
 * account with a staff role (read from the database each request, so a role change or removal takes
 * effect at once), a second factor enrolled, and the permission the route names. Refusals are logged and
 * permission refusals are written to the audit trail (outcome "denied"), so probing shows up.
 */
import type { FastifyRequest } from 'fastify';
import { can, type Permission, type StaffPrincipal, type StaffRole } from '../kernel/permissions.js';
import { requestContext, type Actor, type RequestContext } from '../kernel/request-context.js';
import { mfaRequired, signInRequired } from '../kernel/errors.js';
import { staffAccessDenied, staffMfaEnrolmentRequired } from './backoffice.errors.js';

/** What the guard reads of the request's session (the auth module's Session has these and more). */
export interface SessionFacts {
  id: string;
  userId: string;
  mfaVerified: boolean;
}

type Session = SessionFacts;

/** Where a request stands with the back office. */
export type StaffStanding =
  | { kind: 'signed_out' }
  | { kind: 'mfa_pending'; session: Session }
  | { kind: 'not_staff'; session: Session }
  | { kind: 'mfa_enrolment_required'; session: Session; role: StaffRole }
  | { kind: 'staff'; principal: StaffPrincipal };

export interface StaffGuard {
  standing(request: FastifyRequest): Promise<StaffStanding>;
  /** The staff member of the request, allowed `permission` when one is named; throws AUTH_* or STAFF_* errors otherwise. */
  require(request: FastifyRequest, permission?: Permission): Promise<StaffPrincipal>;
}

/** A refused permission, as the audit trail records it (in a transaction of its own: nothing else changes). */
export interface AccessDenial extends RequestContext {
  actor: Actor;
  action: 'staff.access_denied';
  target: { type: 'permission'; id: Permission };
  outcome: 'denied';
}

export interface StaffGuardDeps {
  sessionOf: (request: FastifyRequest) => Promise<Session | undefined>;
  /** The account's staff role, read from the database on every request. */
  roleOf: (userId: string) => Promise<StaffRole | undefined>;
  mfaEnabled: (userId: string) => Promise<boolean>;
  recordDenial: (denial: AccessDenial) => Promise<void>;
  /** Local accounts: staff must have MFA on. With Cognito the user pool owns the second factor. */
  mfaEnforcedHere: boolean;
}

/** Whether the request's staff member may `permission`, without refusing (nothing is recorded): for work done before a route's own check. */
export async function staffMay(guard: Pick<StaffGuard, 'standing'>, request: FastifyRequest, permission: Permission): Promise<boolean> {
  const standing = await guard.standing(request);
  return standing.kind === 'staff' && can(standing.principal.role, permission);
}

export function createStaffGuard(deps: StaffGuardDeps): StaffGuard {
  const resolved = new WeakMap<FastifyRequest, Promise<StaffStanding>>();

  const resolve = async (request: FastifyRequest): Promise<StaffStanding> => {
    const session = await deps.sessionOf(request);
    if (session === undefined) return { kind: 'signed_out' };
    if (!session.mfaVerified) return { kind: 'mfa_pending', session };
    const role = await deps.roleOf(session.userId);
    if (role === undefined) return { kind: 'not_staff', session };
    if (deps.mfaEnforcedHere && !(await deps.mfaEnabled(session.userId))) return { kind: 'mfa_enrolment_required', session, role };
    return { kind: 'staff', principal: { userId: session.userId, role, sessionId: session.id } };
  };

  const guard: StaffGuard = {
    standing(request) {
      let found = resolved.get(request);
      if (found === undefined) {
        found = resolve(request);
        resolved.set(request, found);
      }
      return found;
    },

    async require(request, permission) {
      const standing = await guard.standing(request);
      switch (standing.kind) {
        case 'signed_out':
          throw signInRequired();
        case 'mfa_pending':
          throw mfaRequired();
        case 'not_staff':
          request.log.warn({ staffEvent: 'staff.denied', userId: standing.session.userId, permission }, 'not staff');
          throw staffAccessDenied();
        case 'mfa_enrolment_required':
          throw staffMfaEnrolmentRequired();
        case 'staff':
          if (permission !== undefined && !can(standing.principal.role, permission)) {
            request.log.warn({ staffEvent: 'staff.denied', userId: standing.principal.userId, role: standing.principal.role, permission }, 'permission denied');
            await deps.recordDenial({
              actor: { type: 'staff', id: standing.principal.userId, role: standing.principal.role },
              action: 'staff.access_denied',
              target: { type: 'permission', id: permission },
              outcome: 'denied',
              ...requestContext(request),
            });
            throw staffAccessDenied(permission);
          }
          return standing.principal;
      }
    },
  };
  return guard;
}
