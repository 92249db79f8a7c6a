import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../../kernel/errors.js';
import { sendPrivatePage } from '../../web/html-reply.js';
import type { PageContext } from '../../web/page-context.js';
import { fullSessionOr as fullSessionOrRedirect, type Session } from '../auth/index.js';
import type { OrdersService } from './orders.service.js';
import { OrderDetailPage, OrdersListPage } from './pages/order-pages.js';

export interface OrderPageDeps {
  orders: OrdersService;
  pageContext: (path: string) => Promise<PageContext>;
  sessionOf: (request: FastifyRequest) => Promise<Session | undefined>;
}

const pageSize = 20;
const ListQuery = Type.Object({ page: Type.Integer({ minimum: 1, maximum: 10_000, default: 1 }) });
const DetailParams = Type.Object({ number: Type.String({ maxLength: 20 }) });
const DetailQuery = Type.Object({ token: Type.Optional(Type.String({ maxLength: 100 })) });

const isNotFound = (err: unknown) => err instanceof AppError && err.code === 'ORDER_NOT_FOUND';

/**
 * The customer's order pages: `/account/orders` (signed in) and `/account/orders/:number`, opened by
 * its owner or by anyone holding the guest link's token (`?token=`). A wrong token, a changed one, or
 * someone else's order answer the same 404 page as an order that does not exist.
 */
export function registerOrderPages(app: FastifyInstance, deps: OrderPageDeps): void {
  const { orders, pageContext, sessionOf } = deps;
  const fullSessionOr = fullSessionOrRedirect(sessionOf);

  app.get<{ Querystring: { page: number } }>('/account/orders', { schema: { hide: true, querystring: ListQuery } }, async (request, reply) => {
    const session = await fullSessionOr(request, reply);
    if (session === undefined) return reply;
    const { page } = request.query;
    const [ctx, list] = await Promise.all([pageContext('/account/orders'), orders.listForCustomer(session.userId, { limit: pageSize, offset: (page - 1) * pageSize })]);
    return sendPrivatePage(reply, <OrdersListPage ctx={ctx} orders={list.items} total={list.total} page={page} pageSize={pageSize} />);
  });

  app.get<{ Params: { number: string }; Querystring: { token?: string } }>(
    '/account/orders/:number',
    { schema: { hide: true, params: DetailParams, querystring: DetailQuery } },
    async (request, reply) => {
      const { number } = request.params;
      const { token } = request.query;
      const path = `/account/orders/${encodeURIComponent(number)}`;
      try {
        if (token !== undefined) {
          const order = await orders.getByLink(number, token);
          // The token is in this page's address: it never leaves in a Referer.
          reply.header('referrer-policy', 'no-referrer');
          return sendPrivatePage(reply, <OrderDetailPage ctx={await pageContext(path)} order={order} guest />);
        }
        const session = await fullSessionOr(request, reply);
        if (session === undefined) return reply;
        const order = await orders.getForCustomer(session.userId, number);
        return sendPrivatePage(reply, <OrderDetailPage ctx={await pageContext(path)} order={order} guest={false} />);
      } catch (err) {
        if (isNotFound(err)) {
          reply.header('referrer-policy', 'no-referrer');
          return reply.callNotFound();
        }
        throw err;
      }
    },
  );
}
