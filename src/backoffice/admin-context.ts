import type { FastifyRequest } from 'fastify';
import type { Csrf } from '../http/csrf.js';
import { can, type StaffPrincipal } from '../kernel/permissions.js';
import type { AdminContext, AdminNavEntry } from './admin-layout.js';

/** What the shell needs to build a page's context. */
export interface AdminContextDeps {
  shopName: string;
  stylesheet: string;
  csrf: Csrf;
  /** Every contributed section, in sidebar order. */
  navigation: readonly AdminNavEntry[];
  /** The signed-in staff member's address, for the top bar (the account directory's `emailOf`). */
  emailOf: (userId: string) => Promise<string | undefined>;
}

/**
 * The AdminContext of a back-office page (`AdminLayout`'s `ctx`): the current path for the navigation's
 * aria-current, the form token for sign-out, who is signed in, and the sections their role may open.
 */
export async function adminContextOf(deps: AdminContextDeps, request: FastifyRequest, principal: StaffPrincipal): Promise<AdminContext> {
  return {
    shopName: deps.shopName,
    stylesheet: deps.stylesheet,
    currentPath: request.url.split('?')[0] ?? '/admin',
    csrf: deps.csrf.token(request),
    staff: { ...principal, email: (await deps.emailOf(principal.userId)) ?? '' },
    navigation: deps.navigation.filter((s) => s.permission === undefined || can(principal.role, s.permission)),
  };
}
