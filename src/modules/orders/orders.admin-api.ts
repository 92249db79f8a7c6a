import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AdminShell } from '../../backoffice/index.js';
import type { StaffPrincipal } from '../../kernel/permissions.js';
import { requestContext } from '../../kernel/request-context.js';
import { detailFor, listFor } from './orders.admin-masking.js';
import { jsonOf } from './orders.json.js';
import * as S from './orders.schemas.js';
import type { OrdersService } from './orders.service.js';
import type { OrderStatus, ResendableMail, StaffAction } from './orders.types.js';

const tags = ['orders (staff)'];

/** The staff member and request facts a change is audited with. */
export const staffAction = (principal: StaffPrincipal, request: FastifyRequest): StaffAction => ({
  actor: { type: 'staff', id: principal.userId, role: principal.role },
  ...requestContext(request),
});

/**
 * The staff API under /api/v1/admin/orders: reading needs `orders.read`; fulfilling, delivering,
 * cancelling and resending a mail `orders.fulfil`; refunding, and cancelling a paid order (a full
 * refund), `orders.refund` as well. Each change is audited by
 * the service in its transaction. Thin: schema, guard, one service call.
 */
export function registerOrdersAdminApi(app: FastifyInstance, shell: AdminShell, deps: { orders: OrdersService }): void {
  const { orders } = deps;
  const { guard } = shell;

  app.get<{ Querystring: { status?: OrderStatus | 'to_fulfil'; from?: string; to?: string; q?: string; limit: number; offset: number } }>(
    '/api/v1/admin/orders',
    { schema: { tags, summary: 'Orders, newest first; filter by status and creation date, search by order number or exact e-mail', querystring: S.AdminListQuery, response: { 200: S.AdminList } } },
    async (request) => {
      const principal = await guard.require(request, 'orders.read');
      const { status, from, to, q, limit, offset } = request.query;
      const page = await orders.list({ status, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined, q, limit, offset });
      return jsonOf({ ...listFor(principal.role, page), limit, offset });
    },
  );

  app.get<{ Querystring: { days: number } }>(
    '/api/v1/admin/orders/stats',
    { schema: { tags, summary: "Sales today and this week, orders to fulfil, and daily sales for the dashboard's chart", querystring: S.StatsQuery, response: { 200: S.Stats } } },
    async (request) => {
      await guard.require(request, 'orders.read');
      return orders.stats({ days: request.query.days });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/admin/orders/:id',
    { schema: { tags, summary: 'One order: lines, addresses, payments, history and shipments', params: S.IdParams, response: { 200: S.Detail } } },
    async (request) => {
      const principal = await guard.require(request, 'orders.read');
      return jsonOf(detailFor(principal.role, await orders.detail(request.params.id)));
    },
  );

  app.post<{ Params: { id: string }; Body: { lines?: { orderLineId: string; quantity: number }[]; carrier?: string | null; trackingNumber?: string | null } }>(
    '/api/v1/admin/orders/:id/fulfilments',
    { schema: { tags, summary: 'Ships every remaining unit, or the lines given, with a carrier and tracking number; mails the shopper', params: S.IdParams, body: S.FulfilBody, response: { 201: S.Detail } } },
    async (request, reply) => {
      const principal = await guard.require(request, 'orders.fulfil');
      const detail = await orders.fulfil(request.params.id, request.body, staffAction(principal, request));
      return reply.code(201).send(jsonOf(detailFor(principal.role, detail)));
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/admin/orders/:id/delivered',
    { schema: { tags, summary: 'Marks a shipped order delivered', params: S.IdParams, body: S.EmptyBody, response: { 200: S.Detail } } },
    async (request) => {
      const principal = await guard.require(request, 'orders.fulfil');
      return jsonOf(detailFor(principal.role, await orders.markDelivered(request.params.id, staffAction(principal, request))));
    },
  );

  app.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/api/v1/admin/orders/:id/cancel',
    {
      schema: {
        tags,
        summary:
          'Cancels an unpaid order, or a paid one with nothing shipped (refunded in full first, so it also needs orders.refund); stock and discount go back',
        params: S.IdParams,
        body: S.CancelBody,
        response: { 200: S.Detail },
      },
    },
    async (request) => {
      const principal = await guard.require(request, 'orders.fulfil');
      return jsonOf(detailFor(principal.role, await orders.cancel(request.params.id, request.body.reason, staffAction(principal, request))));
    },
  );

  app.post<{ Params: { id: string }; Body: { amount: { amount: number; currency: string }; reason: string } }>(
    '/api/v1/admin/orders/:id/refunds',
    { schema: { tags, summary: 'Refunds part or all of what was paid, through the payment provider; never more than paid', params: S.IdParams, body: S.RefundBody, response: { 201: S.Detail } } },
    async (request, reply) => {
      const principal = await guard.require(request, 'orders.refund');
      const detail = await orders.refund(request.params.id, request.body, staffAction(principal, request));
      return reply.code(201).send(jsonOf(detailFor(principal.role, detail)));
    },
  );

  app.post<{ Params: { id: string }; Body: { mail: ResendableMail } }>(
    '/api/v1/admin/orders/:id/mails',
    { schema: { tags, summary: 'Sends the confirmation, shipping or refund mail again', params: S.IdParams, body: S.MailBody, response: { 202: S.Detail } } },
    async (request, reply) => {
      const principal = await guard.require(request, 'orders.fulfil');
      const detail = await orders.resendMail(request.params.id, request.body.mail, staffAction(principal, request));
      return reply.code(202).send(jsonOf(detailFor(principal.role, detail)));
    },
  );
}
