import type { AdminContribution } from '../../backoffice/index.js';
import { registerAuditRoutes, type AuditRouteDeps } from './audit.routes.js';
import type { AuditService } from './audit.service.js';

/** The audit trail in the back office: /admin/audit, its API and CSV export, and a home card. */
export function auditAdmin(deps: AuditRouteDeps & { audit: AuditService }): AdminContribution {
  return {
    name: 'audit',
    navigation: [{ href: '/admin/audit', label: 'Audit trail', permission: 'audit.read', order: 80 }],
    homeCards: [
      {
        permission: 'audit.read',
        load: async () => ({
          label: 'Audit events',
          value: (await deps.audit.count()).toLocaleString(deps.locale),
          note: 'Hash-chained; check with npm run audit:verify',
        }),
      },
    ],
    register(app, shell) {
      registerAuditRoutes(app, shell, deps);
    },
  };
}
