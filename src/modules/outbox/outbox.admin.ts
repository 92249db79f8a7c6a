import type { AdminContribution } from '../../backoffice/index.js';
import { registerOutboxRoutes } from './outbox.routes.js';
import type { OutboxService } from './outbox.service.js';

/** The outbox in the back office: the dead-jobs page and API, its entry in the sidebar and a home card. */
export function outboxAdmin(deps: { outbox: OutboxService; locale: string }): AdminContribution {
  return {
    name: 'outbox',
    navigation: [{ href: '/admin/outbox', label: 'Outbox', permission: 'outbox.manage', order: 90 }],
    homeCards: [
      {
        permission: 'outbox.manage',
        load: async () => {
          const counts = await deps.outbox.counts();
          return { label: 'Dead jobs', value: counts.dead.toLocaleString(deps.locale), note: `${counts.ready.toLocaleString(deps.locale)} waiting to run` };
        },
      },
    ],
    register(app, shell) {
      registerOutboxRoutes(app, shell, deps);
    },
  };
}
