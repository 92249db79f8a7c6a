import { Type } from 'typebox';
import type { AdminContribution } from '../../../backoffice/index.js';
import { sendAdminPage } from '../../../backoffice/index.js';
import { can } from '../../../kernel/permissions.js';
import { requestContext } from '../../../kernel/request-context.js';
import { CustomerDetailPage, CustomerListPage, type CustomerOrderLine } from './customer-pages.js';
import { createCustomerSupport, revealPermission, type CustomerSupportDeps } from './customer-support.js';

const pageSize = 50;

const ListQuery = Type.Object({
  email: Type.Optional(Type.String({ maxLength: 254 })),
  page: Type.Integer({ minimum: 1, maximum: 100_000, default: 1 }),
});
const CustomerParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const RevealForm = Type.Object({ _csrf: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false });

export interface CustomersAdminDeps extends CustomerSupportDeps {
  locale: string;
  /** The customer's latest orders, from the orders module (absent: no orders section). */
  ordersOf?: (customerId: string) => Promise<{ items: CustomerOrderLine[]; total: number }>;
}

/**
 * Customers in the back office, for support: the list and the detail page (`customers.read`), personal
 * data masked; revealing it needs `customers.write` and is audited (docs/security.md).
 */
export function customersAdmin(deps: CustomersAdminDeps): AdminContribution {
  const support = createCustomerSupport(deps);
  const { locale } = deps;
  return {
    name: 'customers',
    navigation: [{ href: '/admin/customers', label: 'Customers', permission: 'customers.read', order: 30 }],
    register(app, shell) {
      const { pages } = shell;

      app.get<{ Querystring: { email?: string; page: number } }>('/admin/customers', { schema: { hide: true, querystring: ListQuery } }, async (request, reply) => {
        const principal = await pages.staffOr(request, reply, 'customers.read');
        if (principal === undefined) return reply;
        const { email = '', page } = request.query;
        const [ctx, list] = await Promise.all([pages.contextOf(request, principal), support.list({ email, limit: pageSize, offset: (page - 1) * pageSize })]);
        return sendAdminPage(reply, <CustomerListPage ctx={ctx} locale={locale} list={list} email={email.trim()} page={page} pageSize={pageSize} />);
      });

      app.get<{ Params: { id: string } }>('/admin/customers/:id', { schema: { hide: true, params: CustomerParams } }, async (request, reply) => {
        const principal = await pages.staffOr(request, reply, 'customers.read');
        if (principal === undefined) return reply;
        const [ctx, customer, orders] = await Promise.all([pages.contextOf(request, principal), support.view(request.params.id), deps.ordersOf?.(request.params.id)]);
        return sendAdminPage(reply, <CustomerDetailPage ctx={ctx} locale={locale} customer={customer} canReveal={can(principal.role, revealPermission)} orders={orders} />);
      });

      // A POST (with the form token) so a link, a prefetch or a crawler never reveals anything; the answer
      // is the page itself, private and never stored, so the data is shown once.
      app.post<{ Params: { id: string } }>('/admin/customers/:id/reveal', { schema: { hide: true, params: CustomerParams, body: RevealForm } }, async (request, reply) => {
        const principal = await pages.staffOr(request, reply, revealPermission);
        if (principal === undefined) return reply;
        const customer = await support.reveal(request.params.id, { principal, context: requestContext(request) });
        const [ctx, orders] = await Promise.all([pages.contextOf(request, principal), deps.ordersOf?.(request.params.id)]);
        return sendAdminPage(reply, <CustomerDetailPage ctx={ctx} locale={locale} customer={customer} canReveal orders={orders} />);
      });
    },
  };
}
