/** The customers module's public face: what other modules, the back office and app.ts may use. */
export { customersPlugin } from './customers.plugin.js';
export { createCustomersService, type CustomersService } from './customers.service.js';
export { customersAdmin, type CustomersAdminDeps } from './admin/customers.admin.js';
export type { CustomerOrderLine } from './admin/customer-pages.js';
