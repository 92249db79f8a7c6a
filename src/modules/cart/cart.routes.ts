import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { storeNothing } from '../../http/answers.js';
import type { CartCookies } from './cart.http.js';
import * as S from './cart.schemas.js';
import type { CartOperations, CartView } from './cart.service.js';

export interface CartApiDeps {
  cart: CartOperations;
  cookies: CartCookies;
}

/** The JSON view of a cart: the quote, each line's id, and whether its price moved since it was added. */
export const cartJson = (view: CartView) => ({
  id: view.cartId ?? null,
  itemCount: view.itemCount,
  discountCode: view.discountCode ?? null,
  ...view.quote,
  lines: view.lines,
});

/**
 * /api/v1/cart: the request's cart as a quote, and its changes. Nothing here is ever stored by a cache;
 * a body naming a price, total, tax or amount is refused (CART_PRICE_FIELDS_REFUSED) before anything else.
 */
export function registerCartApi(app: FastifyInstance, deps: CartApiDeps): void {
  const { cart, cookies } = deps;
  storeNothing(app);
  const tags = ['cart'];

  const reply = async (request: FastifyRequest, res: FastifyReply, issuedToken?: string, status = 200) => {
    if (issuedToken !== undefined) await cookies.set(res, issuedToken);
    const owner = await cart.ownerOf(request);
    const view = await cart.view(issuedToken !== undefined ? { ...owner, guestToken: issuedToken } : owner);
    return res.code(status).send(cartJson(view));
  };

  app.get<{ Querystring: S.CartQuery }>('/api/v1/cart', { schema: { tags, summary: 'The cart, priced now: lines, states, tax, shipping, discount, totals', querystring: S.CartQuery } }, async (request) => {
    const owner = await cart.ownerOf(request);
    const { country, region } = request.query;
    return cartJson(await cart.view(owner, country ? { country, ...(region ? { region } : {}) } : undefined));
  });

  app.post<{ Body: S.AddItemBody }>('/api/v1/cart/items', { schema: { tags, summary: 'Add units of a variant (never a price: the server prices every line)', body: S.AddItemBody } }, async (request, res) => {
    const { issuedToken, view } = await cart.add(await cart.ownerOf(request), request.body.variantId, request.body.quantity ?? 1);
    if (issuedToken !== undefined) await cookies.set(res, issuedToken);
    return res.code(201).send(cartJson(await view()));
  });

  app.patch<{ Params: { id: string }; Body: { quantity: number } }>(
    '/api/v1/cart/items/:id',
    { schema: { tags, summary: "Set a line's quantity", params: S.LineParams, body: S.SetQuantityBody } },
    async (request, res) => {
      await cart.setQuantity(await cart.ownerOf(request), request.params.id, request.body.quantity);
      return reply(request, res);
    },
  );

  app.delete<{ Params: { id: string } }>('/api/v1/cart/items/:id', { schema: { tags, summary: 'Remove a line', params: S.LineParams } }, async (request, res) => {
    await cart.remove(await cart.ownerOf(request), request.params.id);
    return reply(request, res);
  });

  app.post<{ Body: { code: string } }>('/api/v1/cart/discount', { schema: { tags, summary: 'Apply a discount code (one per cart)', body: S.DiscountBody } }, async (request, res) => {
    await cart.applyDiscount(await cart.ownerOf(request), request.body.code);
    return reply(request, res);
  });

  app.delete('/api/v1/cart/discount', { schema: { tags, summary: 'Remove the discount code' } }, async (request, res) => {
    await cart.removeDiscount(await cart.ownerOf(request));
    return reply(request, res);
  });
}
