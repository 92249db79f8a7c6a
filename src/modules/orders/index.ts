/**
 * The orders module's public face: placing orders, their state machine, payments' events, the customer's
 * orders (API, pages, guest link), staff actions and the dashboard's figures.
 *
 * The checkout places an order, then starts its payment outside the transaction:
 *
 *   const { order, created, guestPath } = await orders.place({ idempotencyKey, cartId, email, shippingAddress,
 *     shippingMethodId, provider, customerId });        // ORDER_ITEM_SOLD_OUT, ORDER_LINES_UNAVAILABLE, ...
 *   await payments.start({ orderId: order.id, orderNumber: order.number, amount: order.total, ... });
 *
 * app.ts passes `orders.paymentEvents` to the payments module, `orders.personalData` to the customers
 * module's contributors, `ordersAdmin` to the back office, and registers `ordersPlugin`.
 */
import type { FastifyInstance } from 'fastify';
import { registerOrderPages, type OrderPageDeps } from './orders.pages.js';
import { registerOrderRoutes } from './orders.routes.js';

export { ordersAdmin } from './orders.admin.js';
export { registerOrdersAdminApi, staffAction } from './orders.admin-api.js';
export { createOrderMetrics } from './orders.metrics.js';
export type { OrderCart, OrderMetrics, OrderPaymentEvents, OrderPayments, OrderPricing, OrderQuote, OrderQuoteInput } from './orders.ports.js';
export { createOrdersService, holdExpiryJob, reconcileJob, type OrdersDeps, type OrdersPersonalData, type OrdersService, type ReconcileReport } from './orders.service.js';
export { readOrdersSettings, type OrdersSettings } from './orders.settings.js';
export { canTransition, refundable, shippable, statusLabels, transitions } from './orders.state-machine.js';
export * from './orders.types.js';

/** The customer's orders: the /api/v1/orders API (its own scope: nothing stored) and the account pages. */
export async function ordersPlugin(app: FastifyInstance, options: OrderPageDeps): Promise<void> {
  await app.register(async (api) => registerOrderRoutes(api, options));
  registerOrderPages(app, options);
}
