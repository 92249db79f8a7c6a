/**
 * The checkout module's public face: the shopper's path from the cart to a placed and paid order.
 *
 * Steps at /checkout (contact and address → delivery → payment → review → place), each a GET page and a
 * POST form that work without JavaScript, with state in `checkout_session` (one row per cart, the
 * personal data sealed); the completion page the gateway returns to (/checkout/complete/:number); and
 * the JSON API `POST /api/v1/checkout` (Idempotency-Key required) with `GET /api/v1/checkout/quote`.
 * It uses the cart, pricing, orders, payments and customers modules through what app.ts passes in, and
 * registers one recurring outbox job, `checkout.purge`, that deletes checkouts left untouched.
 */
export { checkoutPlugin } from './checkout.plugin.js';
export type { CheckoutRouteDeps } from './checkout.routes.js';
export { createCheckoutService, purgeJob, type CheckoutDeps, type CheckoutService } from './checkout.service.js';
export type { CheckoutCart, CheckoutOrders, CheckoutPayments, CheckoutPricing, CompletedOrder } from './checkout.ports.js';
