import type { FastifyInstance } from 'fastify';
import { registerCustomerPages, type CustomerPageDeps } from './customers.pages.js';
import { registerCustomerRoutes } from './customers.routes.js';

/** The customer's own data: the /api/v1/me API (its own scope: nothing stored) and the account pages. */
export async function customersPlugin(app: FastifyInstance, options: CustomerPageDeps): Promise<void> {
  await app.register(async (api) => registerCustomerRoutes(api, options));
  registerCustomerPages(app, options);
}
