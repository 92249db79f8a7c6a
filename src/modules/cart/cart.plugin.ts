import type { FastifyInstance } from 'fastify';
import { registerCartPages, type CartPageDeps } from './cart.pages.js';
import { registerCartApi } from './cart.routes.js';
import { refusePriceFields } from './cart.schemas.js';

export type CartPluginOptions = CartPageDeps;

/**
 * The cart: its JSON API (own scope: never cached) and its pages. Every body that names a price, total,
 * tax or amount, form or JSON, is refused (CART_PRICE_FIELDS_REFUSED) before its schema is checked.
 */
export async function cartPlugin(app: FastifyInstance, options: CartPluginOptions): Promise<void> {
  app.addHook('preValidation', async (request) => refusePriceFields(request.body));
  await app.register(async (api) => registerCartApi(api, options));
  registerCartPages(app, options);
}
