import type { AdminContribution } from '../../backoffice/index.js';
import { registerInventoryRoutes } from './inventory.routes.js';
import type { StockAdmin } from './inventory.stock-admin.js';

/** Stock in the back office: the list, the ledger and adjustment page per variant, the staff API, a home card. */
export function inventoryAdmin(deps: { stock: StockAdmin; locale: string }): AdminContribution {
  return {
    name: 'inventory',
    navigation: [{ href: '/admin/inventory', label: 'Inventory', permission: 'catalog.read', order: 26 }],
    homeCards: [
      {
        permission: 'catalog.read',
        order: 30,
        load: async () => {
          const { counts } = await deps.stock.list({ filter: 'sold_out', limit: 1, offset: 0 });
          const n = new Intl.NumberFormat(deps.locale);
          const variants = (k: number) => `${n.format(k)} variant${k === 1 ? '' : 's'}`;
          return {
            label: 'Low stock',
            value: n.format(counts.low),
            note: counts.soldOut === 0 ? 'Nothing sold out' : `${variants(counts.soldOut)} sold out`,
            link: { href: counts.low === 0 && counts.soldOut > 0 ? '/admin/inventory?filter=sold_out' : '/admin/inventory?filter=low', label: 'View stock' },
            ...(counts.low + counts.soldOut > 0 ? { todo: [counts.low > 0 ? `${variants(counts.low)} running low` : '', counts.soldOut > 0 ? `${variants(counts.soldOut)} sold out` : ''].filter(Boolean).join(', ') } : {}),
          };
        },
      },
    ],
    register(app, shell) {
      registerInventoryRoutes(app, shell, deps);
    },
  };
}
