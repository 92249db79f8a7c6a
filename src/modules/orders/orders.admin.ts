import type { AdminContribution } from '../../backoffice/index.js';
import { registerOrdersAdminApi } from './orders.admin-api.js';
import type { OrdersService } from './orders.service.js';

/**
 * Orders in the back office: the staff API under /api/v1/admin/orders. The pages under /admin/orders,
 * their navigation entry and the dashboard's cards are built on the same service (admin/).
 */
export function ordersAdmin(deps: { orders: OrdersService; locale: string }): AdminContribution {
  return {
    name: 'orders',
    register(app, shell) {
      registerOrdersAdminApi(app, shell, deps);
    },
  };
}
