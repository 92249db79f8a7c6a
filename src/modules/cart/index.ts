/**
 * The cart module's public face. Other modules use the `CartService` part:
 *
 *   const cart = await carts.cartOf(request);                 // { id, lines: [{ variantId, quantity }] } | undefined
 *   await carts.markOrdered(trx, cart.id, orderId);           // in the order's transaction
 *   await carts.restoreFrom(trx, orderId);                    // payment failed: the shopper's lines come back
 *   const n = await carts.countOf(request);                   // the header's count
 *
 * Guest carts live behind a signed cookie (cart.http.ts); a guest cart is merged into the customer's on
 * the first read after sign-in. Totals always come from a fresh pricing quote.
 */
export { cartPlugin, type CartPluginOptions } from './cart.plugin.js';
export { createCartCookies, type CartCookies } from './cart.http.js';
export { createCartService, type CartDeps, type CartLineView, type CartOperations, type CartOwner, type CartService, type CartView } from './cart.service.js';
export { readCartSettings, type CartSettings } from './cart.settings.js';
