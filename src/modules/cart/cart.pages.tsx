import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Csrf } from '../../http/csrf.js';
import { countryOptions, isCountryCode } from '../../kernel/countries.js';
import type { FormError } from '../../web/forms/fields.js';
import { formErrorsOf } from '../../web/forms/page-replies.js';
import { sendPrivatePage } from '../../web/html-reply.js';
import type { PageContextOf } from '../../web/page-context.js';
import { invalidQuantity } from './cart.errors.js';
import type { CartCookies } from './cart.http.js';
import type { CartOperations, CartOwner } from './cart.service.js';
import { CartPage, type CartNotice } from './pages/cart-page.js';

export interface CartPageDeps {
  cart: CartOperations;
  cookies: CartCookies;
  csrf: Csrf;
  pageContext: PageContextOf;
  pricing: { destinations(): Promise<string[]>; defaultCountry: string };
  maxLineQuantity: number;
  /** The add-to-cart enhancement (also loaded by the cart page, for nothing but consistency it is not). */
  scripts?: readonly string[];
}

// Form bodies are text; every field optional so an incomplete form gets the cart's own sentence.
const strict = { additionalProperties: false } as const;
const text = (max: number) => Type.Optional(Type.String({ maxLength: max }));
const AddForm = Type.Object({ variantId: text(64), quantity: text(12) }, strict);
const QuantityForm = Type.Object({ quantity: text(12) }, strict);
const CodeForm = Type.Object({ code: text(64) }, strict);
const EmptyForm = Type.Union([Type.Null(), Type.Undefined(), Type.Object({}, strict)]);
const LineParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const CartPageQuery = Type.Object({ country: Type.Optional(Type.String({ maxLength: 2 })), notice: Type.Optional(Type.String({ maxLength: 200 })) }, strict);

/**
 * The notices a redirect may name, by key: the cart's own forms' and the checkout's when it sends the
 * shopper back. Any other value is ignored, never shown: the page writes only these sentences.
 */
const notices: Record<string, CartNotice> = {
  added: { text: 'Added to your cart.', tone: 'success' },
  updated: { text: 'Your cart is updated.', tone: 'success' },
  removed: { text: 'The item is removed from your cart.', tone: 'success' },
  discount: { text: 'The discount code is applied.', tone: 'success' },
  'no-discount': { text: 'The discount code is removed.', tone: 'success' },
  'checkout-empty': { text: 'Your cart is empty, so there is nothing to check out yet. Add something first, then check out.', tone: 'warning' },
  'checkout-unavailable': { text: 'Some items in your cart cannot be bought as they are now. Change or remove the items marked below, then check out again.', tone: 'warning' },
};

/** A form's whole-number quantity ('' or anything else is CART_INVALID_QUANTITY, as from the API). */
function quantityOf(value: string | undefined, fallback?: number): number {
  if ((value === undefined || value.trim() === '') && fallback !== undefined) return fallback;
  if (value === undefined || !/^\s*\d{1,7}\s*$/.test(value)) throw invalidQuantity();
  return Number(value);
}

/**
 * /cart and its forms: each form posts here with its CSRF token, then redirects (303) back to /cart with
 * a notice; a refusal shows the cart again with the error summary and the status of the error. The add
 * form may also come from a page cached for everyone (the product page of a visitor with no cookie):
 * that post needs no token when it carries no cookie and proves it is same-origin (see csrf.ts).
 */
export function registerCartPages(app: FastifyInstance, deps: CartPageDeps): void {
  const { cart, cookies, csrf } = deps;
  const hide = { hide: true };

  const render = async (request: FastifyRequest, reply: FastifyReply, owner: CartOwner, extra: { notice?: CartNotice; errors?: FormError[]; country?: string; codeValue?: string } = {}) => {
    const destinations = await deps.pricing.destinations();
    const wanted = extra.country !== undefined && isCountryCode(extra.country) ? extra.country : deps.pricing.defaultCountry;
    const country = destinations.includes(wanted) || destinations.length === 0 ? wanted : destinations.includes(deps.pricing.defaultCountry) ? deps.pricing.defaultCountry : destinations[0]!;
    const [ctx, view] = await Promise.all([deps.pageContext(request.url.split('?')[0]!, request), cart.view(owner, { country })]);
    const names = new Map(countryOptions(ctx.locale).map((c) => [c.code, c.name]));
    const countries = [...new Set([...destinations, country])].map((code) => ({ code, name: names.get(code) ?? code })).sort((a, b) => a.name.localeCompare(b.name, ctx.locale));
    const page = (
      <CartPage
        ctx={{ ...ctx, cartCount: view.itemCount }}
        view={view}
        csrf={csrf.token(request)}
        countries={countries}
        country={country}
        notice={extra.notice}
        errors={extra.errors ?? []}
        maxLineQuantity={deps.maxLineQuantity}
        {...(extra.codeValue !== undefined ? { codeValue: extra.codeValue } : {})}
      />
    );
    return sendPrivatePage(reply, page);
  };

  const back = (reply: FastifyReply, notice: string) => reply.redirect(`/cart?notice=${notice}`, 303);

  app.get<{ Querystring: { country?: string; notice?: string } }>('/cart', { schema: { ...hide, querystring: CartPageQuery } }, async (request, reply) => {
    const owner = await cart.ownerOf(request);
    const notice = request.query.notice !== undefined && Object.hasOwn(notices, request.query.notice) ? notices[request.query.notice] : undefined;
    return render(request, reply, owner, { ...(notice ? { notice } : {}), ...(request.query.country ? { country: request.query.country.toUpperCase() } : {}) });
  });

  app.post<{ Body: { variantId?: string; quantity?: string } }>(
    '/cart/items',
    { schema: { ...hide, body: AddForm }, config: { csrfTokenlessWithoutCookies: true } },
    async (request, reply) => {
      const owner = await cart.ownerOf(request);
      try {
        const { issuedToken } = await cart.add(owner, request.body.variantId ?? '', quantityOf(request.body.quantity, 1));
        if (issuedToken !== undefined) await cookies.set(reply, issuedToken);
        return back(reply, 'added');
      } catch (err) {
        return render(request, reply, owner, { errors: formErrorsOf(err, reply) });
      }
    },
  );

  app.post<{ Params: { id: string }; Body: { quantity?: string } }>('/cart/items/:id', { schema: { ...hide, params: LineParams, body: QuantityForm } }, async (request, reply) => {
    const owner = await cart.ownerOf(request);
    try {
      const quantity = quantityOf(request.body.quantity);
      // Zero from the quantity box means "none of these": the line goes.
      if (quantity === 0) {
        await cart.remove(owner, request.params.id);
        return back(reply, 'removed');
      }
      await cart.setQuantity(owner, request.params.id, quantity);
      return back(reply, 'updated');
    } catch (err) {
      const view = await cart.view(owner);
      const index = view.lines.findIndex((l) => l.lineId === request.params.id);
      return render(request, reply, owner, { errors: formErrorsOf(err, reply, () => (index >= 0 ? `quantity-${index}` : undefined)) });
    }
  });

  app.post<{ Params: { id: string } }>('/cart/items/:id/remove', { schema: { ...hide, params: LineParams, body: EmptyForm } }, async (request, reply) => {
    const owner = await cart.ownerOf(request);
    try {
      await cart.remove(owner, request.params.id);
      return back(reply, 'removed');
    } catch (err) {
      return render(request, reply, owner, { errors: formErrorsOf(err, reply) });
    }
  });

  app.post<{ Body: { code?: string } }>('/cart/discount', { schema: { ...hide, body: CodeForm } }, async (request, reply) => {
    const owner = await cart.ownerOf(request);
    const code = request.body.code ?? '';
    try {
      await cart.applyDiscount(owner, code);
      return back(reply, 'discount');
    } catch (err) {
      return render(request, reply, owner, { errors: formErrorsOf(err, reply, () => 'discount-code'), codeValue: code });
    }
  });

  app.post('/cart/discount/remove', { schema: { ...hide, body: EmptyForm } }, async (request, reply) => {
    await cart.removeDiscount(await cart.ownerOf(request));
    return back(reply, 'no-discount');
  });
}
