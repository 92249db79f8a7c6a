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
        order: 90,
        load: async () => {
          const counts = await deps.outbox.counts();
          const n = (k: number) => k.toLocaleString(deps.locale);
          return {
            label: 'Dead jobs',
            value: n(counts.dead),
            note: `${n(counts.ready)} waiting to run`,
            link: { href: '/admin/outbox', label: 'View dead jobs' },
            ...(counts.dead > 0 ? { todo: `${n(counts.dead)} dead outbox job${counts.dead === 1 ? '' : 's'} (mail or webhooks that could not be sent)` } : {}),
          };
        },
      },
    ],
    register(app, shell) {
      registerOutboxRoutes(app, shell, deps);
    },
  };
}
