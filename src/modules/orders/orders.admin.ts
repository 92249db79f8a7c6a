import type { AdminContribution } from '../../backoffice/index.js';
import { orderHomeCards, type PaymentFigures } from './admin/order-cards.js';
import { registerOrderPages } from './admin/order-pages.routes.js';
import { registerOrdersAdminApi } from './orders.admin-api.js';
import type { OrdersService } from './orders.service.js';

/**
 * Orders in the back office: the staff API under /api/v1/admin/orders, the pages under /admin/orders
 * (admin/), their sidebar entry, and the dashboard's sales, to-fulfil and failed-payment cards.
 */
export function ordersAdmin(deps: { orders: OrdersService; locale: string; now?: () => Date; paymentStats?: (since: Date) => Promise<PaymentFigures> }): AdminContribution {
  return {
    name: 'orders',
    navigation: [{ href: '/admin/orders', label: 'Orders', permission: 'orders.read', order: 10 }],
    homeCards: orderHomeCards({ orders: deps.orders, locale: deps.locale, now: deps.now ?? (() => new Date()), ...(deps.paymentStats ? { paymentStats: deps.paymentStats } : {}) }),
    register(app, shell) {
      registerOrdersAdminApi(app, shell, deps);
      registerOrderPages(app, shell, deps);
    },
  };
}
