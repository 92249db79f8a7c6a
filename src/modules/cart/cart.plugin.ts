import type { FastifyInstance } from 'fastify';
import { registerCartApi, type CartApiDeps } from './cart.routes.js';

export type CartPluginOptions = CartApiDeps;

/** The cart: its JSON API (own scope: never cached, price fields refused) and, beside it, the pages. */
export async function cartPlugin(app: FastifyInstance, options: CartPluginOptions): Promise<void> {
  await app.register(async (api) => registerCartApi(api, options));
}
