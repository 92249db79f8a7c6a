import type { FastifyInstance } from 'fastify';
import { can } from '../kernel/permissions.js';
import type { Csrf } from '../http/csrf.js';
import { storeNothing } from '../http/answers.js';
import type { AdminNavEntry } from './admin-layout.js';
import type { AdminContribution, AdminShell } from './contribution.js';
import { createStaffGuard, type StaffGuard, type StaffGuardDeps } from './guard.js';
import { createAdminPageGuard, sendAdminPage } from './page-guard.js';
import { AdminHomePage } from './shell-pages.js';

export interface BackOfficeDeps extends StaffGuardDeps {
  shopName: string;
  stylesheet: string;
  csrf: Csrf;
  emailOf: (userId: string) => Promise<string | undefined>;
  /** The shop's locale and clock, for the dashboard's date. */
  locale: string;
  now: () => Date;
  contributions: readonly AdminContribution[];
}

const home: AdminNavEntry = { href: '/admin', label: 'Home', order: 0 };

/**
 * The staff back office: one encapsulated plugin holding the home page and every module's contributed
 * pages and staff API, all behind the staff guard. Its hooks mark every answer private and unindexed.
 */
export async function registerBackOffice(app: FastifyInstance, deps: BackOfficeDeps): Promise<{ guard: StaffGuard }> {
  const guard = createStaffGuard(deps);
  const navigation = [home, ...deps.contributions.flatMap((c) => c.navigation ?? [])].sort((a, b) => a.order - b.order);
  const pages = createAdminPageGuard({ guard, csrf: deps.csrf, shopName: deps.shopName, stylesheet: deps.stylesheet, emailOf: deps.emailOf, navigation });
  const shell: AdminShell = { guard, pages };
  const cards = deps.contributions.flatMap((c) => c.homeCards ?? []).sort((a, b) => (a.order ?? 50) - (b.order ?? 50));

  await app.register(async (backOffice) => {
    storeNothing(backOffice);
    backOffice.addHook('onSend', async (_request, reply, payload) => {
      reply.header('x-robots-tag', 'noindex');
      return payload;
    });

    backOffice.get('/admin', { schema: { hide: true } }, async (request, reply) => {
      const principal = await pages.staffOr(request, reply);
      if (principal === undefined) return reply;
      const allowed = cards.filter((card) => can(principal.role, card.permission));
      const views = await Promise.all(allowed.map((card) => card.load(principal)));
      const today = new Intl.DateTimeFormat(deps.locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(deps.now());
      return sendAdminPage(reply, <AdminHomePage ctx={await pages.contextOf(request, principal)} cards={views} today={today} />);
    });

    for (const contribution of deps.contributions) await contribution.register(backOffice, shell);
  });
  return { guard };
}
