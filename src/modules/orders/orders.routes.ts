import type { FastifyInstance, FastifyRequest } from 'fastify';
import { storeNothing } from '../../http/answers.js';
import { mfaRequired, signInRequired } from '../../kernel/errors.js';
import type { Session } from '../auth/index.js';
import { jsonOf } from './orders.json.js';
import * as S from './orders.schemas.js';
import type { OrdersService } from './orders.service.js';

export interface OrderRouteDeps {
  orders: OrdersService;
  sessionOf: (request: FastifyRequest) => Promise<Session | undefined>;
}

const tags = ['orders'];

/**
 * The customer's orders API: their own orders only. Another customer's order answers ORDER_NOT_FOUND
 * exactly as a missing one does, so an id reveals nothing. Never stored by a browser or a proxy.
 */
export function registerOrderRoutes(app: FastifyInstance, deps: OrderRouteDeps): void {
  const { orders, sessionOf } = deps;
  storeNothing(app);

  const customerOf = async (request: FastifyRequest): Promise<string> => {
    const session = await sessionOf(request);
    if (session === undefined) throw signInRequired();
    if (!session.mfaVerified) throw mfaRequired();
    return session.userId;
  };

  app.get<{ Querystring: { limit: number; offset: number } }>(
    '/api/v1/orders',
    { schema: { tags, summary: "The signed-in customer's orders, newest first", querystring: S.PageQuery, response: { 200: S.CustomerList } } },
    async (request) => {
      const customerId = await customerOf(request);
      const { limit, offset } = request.query;
      const page = await orders.listForCustomer(customerId, { limit, offset });
      return jsonOf({ ...page, limit, offset });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/orders/:id',
    { schema: { tags, summary: 'One of your orders, by id or number', params: S.CustomerOrderParams, response: { 200: S.View } } },
    async (request) => jsonOf(await orders.getForCustomer(await customerOf(request), request.params.id)),
  );
}
