import type { FastifyRequest } from 'fastify';
import type { Csrf } from '../../http/csrf.js';
import type { AdminContext } from './pages/admin-layout.js';
import type { StaffPrincipal } from './staff.service.js';

/** What a back-office page module needs to build the shell's context. */
export interface AdminContextDeps {
  shopName: string;
  stylesheet: string;
  csrf: Csrf;
  /** The signed-in staff member's address, for the top bar (the account directory's `emailOf`). */
  emailOf: (userId: string) => Promise<string | undefined>;
}

/**
 * The AdminContext of a back-office page (`AdminLayout`'s `ctx`), as staff.pages.tsx builds it: the
 * current path for the navigation's aria-current, the form token for sign-out, who is signed in.
 */
export async function adminContextOf(deps: AdminContextDeps, request: FastifyRequest, principal: StaffPrincipal): Promise<AdminContext> {
  return {
    shopName: deps.shopName,
    stylesheet: deps.stylesheet,
    currentPath: request.url.split('?')[0] ?? '/admin',
    csrf: deps.csrf.token(request),
    staff: { ...principal, email: (await deps.emailOf(principal.userId)) ?? '' },
  };
}
