import type { FastifyInstance } from 'fastify';
import { registerCheckoutRoutes, type CheckoutRouteDeps } from './checkout.routes.js';

/** The checkout's pages and API, in their own scope (nothing they answer is ever stored). */
export async function checkoutPlugin(app: FastifyInstance, options: CheckoutRouteDeps): Promise<void> {
  registerCheckoutRoutes(app, options);
}
