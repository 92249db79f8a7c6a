import type { FastifyInstance } from 'fastify';
import type { Permission, StaffPrincipal } from '../kernel/permissions.js';
import type { AdminNavEntry } from './admin-layout.js';
import type { StaffGuard } from './guard.js';
import type { AdminPageGuard } from './page-guard.js';
import type { HomeCardView } from './shell-pages.js';

/** What the shell hands each contribution: the guard for API routes, the page guard for pages. */
export interface AdminShell {
  guard: StaffGuard;
  pages: AdminPageGuard;
}

/** A KPI card on the home page, loaded only for roles holding its permission. */
export interface HomeCard {
  permission: Permission;
  /** Position on the dashboard, lowest first (sales 10, orders 20, stock 30, payments 40, outbox 90); unset: 50. */
  order?: number;
  /** Loads the card's figures as `principal` (a service may check the permission again). */
  load(principal: StaffPrincipal): Promise<HomeCardView>;
}

/**
 * What a module adds to the back office: sidebar sections, home cards, and its /admin pages and
 * /api/v1/admin routes. `register` runs inside the shell's encapsulated plugin, so the shell's hooks
 * (private, never stored, never indexed) apply to exactly these routes.
 */
export interface AdminContribution {
  name: string;
  navigation?: readonly AdminNavEntry[];
  homeCards?: readonly HomeCard[];
  register(app: FastifyInstance, shell: AdminShell): void | Promise<void>;
}
