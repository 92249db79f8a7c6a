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
        load: async () => {
          const { counts } = await deps.stock.list({ filter: 'sold_out', limit: 1, offset: 0 });
          const n = new Intl.NumberFormat(deps.locale);
          return { label: 'Sold out', value: n.format(counts.soldOut), note: `${n.format(counts.low)} running low` };
        },
      },
    ],
    register(app, shell) {
      registerInventoryRoutes(app, shell, deps);
    },
  };
}
