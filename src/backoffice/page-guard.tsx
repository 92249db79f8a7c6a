import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { AppError } from '../kernel/errors.js';
import { sendPrivatePage } from '../web/html-reply.js';
import { adminContextOf, type AdminContextDeps } from './admin-context.js';
import type { Permission, StaffPrincipal } from '../kernel/permissions.js';
import type { AdminContext } from './admin-layout.js';
import type { StaffGuard } from './guard.js';
import { ForbiddenPage, GateMessagePage } from './shell-pages.js';

/** Back-office pages hold personal data and form tokens: private, never stored, never indexed. */
export function sendAdminPage(reply: FastifyReply, page: VNode): FastifyReply {
  return sendPrivatePage(reply.header('x-robots-tag', 'noindex'), page);
}

export interface AdminPageGuard {
  /**
   * The page's staff member with `permission`, or undefined after answering with where to go instead:
   * no session → sign-in; MFA pending → the code step; no MFA → enrolment; not staff or lacking the
   * permission → a 403 page.
   */
  staffOr: (request: FastifyRequest, reply: FastifyReply, permission?: Permission) => Promise<StaffPrincipal | undefined>;
  contextOf: (request: FastifyRequest, principal: StaffPrincipal) => Promise<AdminContext>;
}

/** The one page-side use of the staff guard, shared by every contributed back-office page. */
export function createAdminPageGuard(deps: AdminContextDeps & { guard: StaffGuard }): AdminPageGuard {
  const contextOf = (request: FastifyRequest, principal: StaffPrincipal) => adminContextOf(deps, request, principal);
  return {
    contextOf,
    staffOr: async (request, reply, permission) => {
      const standing = await deps.guard.standing(request);
      switch (standing.kind) {
        case 'signed_out':
          await reply.redirect('/admin/sign-in', 303);
          return undefined;
        case 'mfa_pending':
          await reply.redirect('/admin/mfa', 303);
          return undefined;
        case 'mfa_enrolment_required':
          await reply.redirect('/admin/mfa-setup', 303);
          return undefined;
        case 'not_staff':
          reply.code(403);
          await sendAdminPage(
            reply,
            <GateMessagePage shopName={deps.shopName} stylesheet={deps.stylesheet} title="No back-office access" message="This account is not on the shop's staff. If you should have access, ask an owner or administrator for an invitation." link={{ href: '/', label: 'Go to the shop' }} />,
          );
          return undefined;
        case 'staff':
          if (permission === undefined) return standing.principal;
          try {
            return await deps.guard.require(request, permission);
          } catch (err) {
            if (!(err instanceof AppError) || err.code !== 'STAFF_ACCESS_DENIED') throw err;
            reply.code(403);
            await sendAdminPage(reply, <ForbiddenPage ctx={await contextOf(request, standing.principal)} />);
            return undefined;
          }
      }
    },
  };
}
