import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../kernel/errors.js';
import type { PostalAddressFields } from '../../kernel/address.js';
import { storeNothing } from '../../http/answers.js';
import type { Csrf } from '../../http/csrf.js';
import { readCookie } from '../../http/csrf.js';
import { isSecureRequest } from '../../http/proxy-trust.js';
import { CheckoutLayout } from '../../web/checkout-layout.js';
import type { FormError } from '../../web/forms/fields.js';
import { formErrorsOf } from '../../web/forms/page-replies.js';
import { sendPrivatePage } from '../../web/html-reply.js';
import type { PageContext } from '../../web/page-context.js';
import type { Session } from '../auth/index.js';
import type { CustomersService } from '../customers/index.js';
import { fieldProblemsOf, idempotencyKeyRequired, priceFieldRefused } from './checkout.errors.js';
import type { CheckoutCart } from './checkout.ports.js';
import * as S from './checkout.schemas.js';
import type { CartRef, CheckoutService, CheckoutState, ContactInput, OneShotInput, Placed, Step, Who } from './checkout.service.js';
import { CompletePage, ContactPage, PaymentPage, ReviewPage, ShippingPage, type ContactValues, type SavedAddress } from './pages/checkout-pages.js';

export interface CheckoutRouteDeps {
  checkout: CheckoutService;
  cart: CheckoutCart;
  customers: Pick<CustomersService, 'listAddresses' | 'addAddress'>;
  csrf: Csrf;
  pageContext: (path: string) => Promise<PageContext>;
  sessionOf: (request: FastifyRequest) => Promise<Session | undefined>;
  providers: CheckoutStateProviders;
  /** A signed-in customer's e-mail address, to fill in the contact step. */
  emailOf: (session: Session) => Promise<string | undefined>;
}
type CheckoutStateProviders = readonly NonNullable<CheckoutState['provider']>[];

/** The cookie that lets this browser open the completion page of the order it placed. */
const accessCookie = 'checkout_access';
const accessMaxAgeSeconds = 30 * 24 * 3600;

const stepPaths: Record<Step, string> = { contact: '/checkout', shipping: '/checkout/shipping', payment: '/checkout/payment', review: '/checkout/review' };
const hide = { hide: true };
const tags = ['checkout'];

type ContactForm = Partial<Record<(typeof S.contactFormFields)[number], string>>;
const addressKeys = ['name', 'line1', 'line2', 'city', 'region', 'postalCode', 'country', 'phone'] as const;
const cap = (k: string) => `${k.charAt(0).toUpperCase()}${k.slice(1)}`;

function addressOfForm(body: ContactForm, prefix: 'ship' | 'bill'): Partial<Record<keyof PostalAddressFields, string>> {
  const out: Partial<Record<keyof PostalAddressFields, string>> = {};
  for (const k of addressKeys) {
    const v = (body as Record<string, string | undefined>)[`${prefix}${cap(k)}`];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** Words for the cart page when the checkout sends the shopper back there. */
const cartNotice = { empty: '/cart?notice=checkout-empty', unavailable: '/cart?notice=checkout-unavailable' } as const;

/**
 * The checkout's pages (GET page + POST form per step, working without JavaScript; the CSRF token is
 * checked by the edge for every form post), the completion page the gateway returns to, and the JSON
 * API (`POST /api/v1/checkout`, `GET /api/v1/checkout/quote`). Routes read the cart and session, call
 * the service and render; the rules are in checkout.service.ts. Nothing here is ever cached.
 */
export function registerCheckoutRoutes(app: FastifyInstance, deps: CheckoutRouteDeps): void {
  const { checkout, cart, csrf, pageContext, sessionOf } = deps;
  storeNothing(app);

  const whoOf = async (request: FastifyRequest): Promise<{ who: Who; session: Session | undefined }> => {
    const session = await sessionOf(request);
    // Only a fully signed-in customer is one; a session still waiting for its second factor is a guest here.
    const full = session !== undefined && session.mfaVerified ? session : undefined;
    return { who: full ? { customerId: full.userId } : {}, session: full };
  };
  const cartOf = async (request: FastifyRequest): Promise<CartRef | undefined> => cart.cartOf(request);
  const ctxOf = (request: FastifyRequest) => pageContext(request.url);

  const setAccessCookie = (request: FastifyRequest, reply: FastifyReply, token: string) => {
    const secure = isSecureRequest(request);
    reply.header('set-cookie', `${accessCookie}=${token}; Path=/checkout; Max-Age=${accessMaxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`);
  };

  /**
   * What a refused step becomes for a browser: back to the cart, or to the step still to do; a field's
   * problem is shown at the field (the status set on the reply). Anything else is rethrown.
   */
  const pageErrors = (err: unknown, reply: FastifyReply): FormError[] | { redirect: string } => {
    if (err instanceof AppError) {
      if (err.code === 'CHECKOUT_CART_EMPTY') return { redirect: cartNotice.empty };
      if (err.code === 'CHECKOUT_CART_UNPURCHASABLE') return { redirect: cartNotice.unavailable };
      if (err.code === 'CHECKOUT_STEP_INCOMPLETE') return { redirect: stepPaths[(err.details?.step as Step | undefined) ?? 'contact'] };
    }
    const errors = formErrorsOf(err, reply);
    return fieldProblemsOf(err) ?? errors;
  };

  /** Loads the cart's checkout for a step page, or answers with the redirect it needs. */
  const viewOr = async (request: FastifyRequest, reply: FastifyReply, who: Who) => {
    try {
      return await checkout.view(await cartOf(request), who);
    } catch (err) {
      const handled = pageErrors(err, reply);
      if ('redirect' in handled) {
        void reply.redirect(handled.redirect, 303);
        return undefined;
      }
      throw err;
    }
  };

  const savedAddresses = async (session: Session | undefined): Promise<SavedAddress[]> => {
    if (session === undefined) return [];
    return (await deps.customers.listAddresses(session)).map((a) => ({ ...a }));
  };

  // --- 1. contact and addresses ------------------------------------------------------------------------
  const contactValuesOf = (state: CheckoutState, saved: SavedAddress[]): ContactValues => {
    const d = state.details;
    if (d !== null) {
      const match = saved.find((a) => addressKeys.every((k) => (a[k] ?? null) === (d.shipping[k] ?? null)));
      return { email: d.email, ship: d.shipping, billingSame: d.billing === null, bill: d.billing ?? {}, saveAddress: d.saveAddress, savedAddress: match?.id ?? 'new' };
    }
    const preferred = saved.find((a) => a.isDefaultShipping) ?? saved[0];
    return { email: '', ship: {}, billingSame: true, bill: {}, saveAddress: false, savedAddress: preferred?.id ?? 'new' };
  };

  app.get('/checkout', { schema: hide }, async (request, reply) => {
    const { who, session } = await whoOf(request);
    const view = await viewOr(request, reply, who);
    if (view === undefined) return reply;
    const saved = await savedAddresses(session);
    const values = contactValuesOf(view.state, saved);
    if (view.state.details === null && session !== undefined && values.email === '') values.email = (await deps.emailOf(session)) ?? '';
    return sendPrivatePage(
      reply,
      <ContactPage ctx={await ctxOf(request)} csrf={csrf.token(request)} quote={view.quote} next={view.next} values={values} saved={saved} signedIn={session !== undefined} />,
    );
  });

  app.post<{ Body: ContactForm }>('/checkout', { schema: { ...hide, body: S.ContactForm } }, async (request, reply) => {
    const { who, session } = await whoOf(request);
    const body = request.body;
    const saved = await savedAddresses(session);
    const chosen = body.savedAddress !== undefined && body.savedAddress !== 'new' ? saved.find((a) => a.id === body.savedAddress) : undefined;
    const shipping = chosen ? { ...chosen } : addressOfForm(body, 'ship');
    const input: ContactInput = {
      email: body.email ?? '',
      shipping,
      billingSameAsShipping: body.billing !== 'different',
      billing: addressOfForm(body, 'bill'),
      // A saved address is saved already.
      saveAddress: body.saveAddress === 'yes' && chosen === undefined && session !== undefined,
    };
    const c = await cartOf(request);
    try {
      const { accessToken } = await checkout.saveContact(c, who, input);
      if (accessToken) setAccessCookie(request, reply, accessToken);
      return reply.redirect('/checkout/shipping', 303);
    } catch (err) {
      const handled = pageErrors(err, reply);
      if ('redirect' in handled) return reply.redirect(handled.redirect, 303);
      const view = await checkout.view(c, who);
      const values: ContactValues = {
        email: body.email ?? '',
        ship: addressOfForm(body, 'ship'),
        billingSame: body.billing !== 'different',
        bill: addressOfForm(body, 'bill'),
        saveAddress: body.saveAddress === 'yes',
        savedAddress: body.savedAddress ?? 'new',
      };
      return sendPrivatePage(
        reply,
        <ContactPage ctx={await ctxOf(request)} csrf={csrf.token(request)} quote={view.quote} next={view.next} values={values} saved={saved} signedIn={session !== undefined} errors={handled} />,
      );
    }
  });

  // --- 2. shipping method ------------------------------------------------------------------------------
  app.get('/checkout/shipping', { schema: hide }, async (request, reply) => {
    const { who } = await whoOf(request);
    const view = await viewOr(request, reply, who);
    if (view === undefined) return reply;
    if (view.state.details === null) return reply.redirect(stepPaths.contact, 303);
    return sendPrivatePage(
      reply,
      <ShippingPage ctx={await ctxOf(request)} csrf={csrf.token(request)} quote={view.quote} next={view.next} chosen={view.state.shippingMethodId} shipTo={view.state.details.shipping} />,
    );
  });

  app.post<{ Body: { shippingMethodId?: string } }>('/checkout/shipping', { schema: { ...hide, body: S.ShippingForm } }, async (request, reply) => {
    const { who } = await whoOf(request);
    const c = await cartOf(request);
    try {
      await checkout.chooseShipping(c, who, request.body.shippingMethodId);
      return reply.redirect(stepPaths.payment, 303);
    } catch (err) {
      const handled = pageErrors(err, reply);
      if ('redirect' in handled) return reply.redirect(handled.redirect, 303);
      const view = await checkout.view(c, who);
      return sendPrivatePage(
        reply,
        <ShippingPage ctx={await ctxOf(request)} csrf={csrf.token(request)} quote={view.quote} next={view.next} chosen={null} shipTo={view.state.details!.shipping} errors={handled} />,
      );
    }
  });

  // --- 3. payment method -------------------------------------------------------------------------------
  app.get('/checkout/payment', { schema: hide }, async (request, reply) => {
    const { who } = await whoOf(request);
    const view = await viewOr(request, reply, who);
    if (view === undefined) return reply;
    if (view.next === 'contact' || view.next === 'shipping') return reply.redirect(stepPaths[view.next], 303);
    return sendPrivatePage(reply, <PaymentPage ctx={await ctxOf(request)} csrf={csrf.token(request)} quote={view.quote} next={view.next} providers={deps.providers} chosen={view.state.provider} />);
  });

  app.post<{ Body: { provider?: string } }>('/checkout/payment', { schema: { ...hide, body: S.PaymentForm } }, async (request, reply) => {
    const { who } = await whoOf(request);
    const c = await cartOf(request);
    try {
      await checkout.choosePayment(c, who, request.body.provider);
      return reply.redirect(stepPaths.review, 303);
    } catch (err) {
      const handled = pageErrors(err, reply);
      if ('redirect' in handled) return reply.redirect(handled.redirect, 303);
      const view = await checkout.view(c, who);
      return sendPrivatePage(reply, <PaymentPage ctx={await ctxOf(request)} csrf={csrf.token(request)} quote={view.quote} next={view.next} providers={deps.providers} chosen={null} errors={handled} />);
    }
  });

  // --- 4. review, discount code and placing ------------------------------------------------------------
  const reviewPage = async (request: FastifyRequest, reply: FastifyReply, who: Who, extra: { errors?: FormError[]; notice?: string }) => {
    const view = await viewOr(request, reply, who);
    if (view === undefined) return reply;
    if (view.next !== 'review' || view.state.attemptKey === null) return reply.redirect(stepPaths[view.next === 'review' ? 'payment' : view.next], 303);
    const s = view.state;
    return sendPrivatePage(
      reply,
      <ReviewPage
        ctx={await ctxOf(request)}
        csrf={csrf.token(request)}
        quote={view.quote}
        email={s.details!.email}
        shipTo={s.details!.shipping}
        billTo={s.details!.billing}
        provider={s.provider!}
        attemptKey={s.attemptKey!}
        discountCode={view.quote.appliedDiscount?.code ?? null}
        errors={extra.errors}
        notice={extra.notice}
      />,
    );
  };

  const reviewNotices: Record<string, string> = {
    cancelled: 'The payment was cancelled and nothing was charged. You can try again or choose another way to pay.',
    expired: 'Your order changed since you last saw it. Please check it and place it again.',
  };

  app.get<{ Querystring: { cancelled?: string; expired?: string } }>('/checkout/review', { schema: { ...hide, querystring: S.ReviewQuery } }, async (request, reply) => {
    const { who } = await whoOf(request);
    const notice = request.query.cancelled !== undefined ? reviewNotices.cancelled : request.query.expired !== undefined ? reviewNotices.expired : undefined;
    return reviewPage(request, reply, who, notice ? { notice } : {});
  });

  app.post<{ Body: { discountCode?: string } }>('/checkout/discount', { schema: { ...hide, body: S.DiscountForm } }, async (request, reply) => {
    const { who } = await whoOf(request);
    try {
      await checkout.applyDiscount(await cartOf(request), who, request.body.discountCode ?? null);
      return reply.redirect(stepPaths.review, 303);
    } catch (err) {
      const handled = pageErrors(err, reply);
      if ('redirect' in handled) return reply.redirect(handled.redirect, 303);
      return reviewPage(request, reply, who, { errors: handled });
    }
  });

  app.post<{ Body: { attempt: string } }>('/checkout/place', { schema: { ...hide, body: S.PlaceForm } }, async (request, reply) => {
    const { who, session } = await whoOf(request);
    const saveAddress = session ? async (fields: PostalAddressFields) => void (await deps.customers.addAddress(session, { ...fields })) : undefined;
    try {
      const placed = await checkout.place(request.body.attempt, { ...who, ...(saveAddress ? { saveAddress } : {}) }, await cartOf(request));
      return reply.redirect(placed.redirectTo, 303);
    } catch (err) {
      if (err instanceof AppError) {
        if (err.code === 'CHECKOUT_ATTEMPT_EXPIRED') return reply.redirect('/checkout/review?expired=1', 303);
        if (err.category === 'conflict' && err.code !== 'CHECKOUT_STEP_INCOMPLETE') {
          // Sold out (or otherwise not purchasable) at the last moment: say which item, and go back to the cart.
          reply.code(409);
          return sendPrivatePage(reply, <CannotPlacePage ctx={await ctxOf(request)} message={err.message} />);
        }
      }
      const handled = pageErrors(err, reply);
      if ('redirect' in handled) return reply.redirect(handled.redirect, 303);
      return reviewPage(request, reply, who, { errors: handled });
    }
  });

  // --- 5. return from the gateway ----------------------------------------------------------------------
  app.get<{ Params: { number: string }; Querystring: { token?: string } }>(
    '/checkout/complete/:number',
    { schema: { ...hide, params: S.CompleteParams, querystring: S.CompleteQuery } },
    async (request, reply) => {
      const token = readCookie(request.headers.cookie, accessCookie);
      const completion = await checkout.completion(request.params.number, { token, link: request.query.token });
      return sendPrivatePage(reply, <CompletePage ctx={await ctxOf(request)} order={completion.order} orderPath={completion.orderPath} state={completion.state} />);
    },
  );

  // --- the JSON API ------------------------------------------------------------------------------------
  const placedDto = (p: Placed) => ({
    order: { ...p.order, createdAt: p.order.createdAt.toISOString() },
    payment: { id: p.payment.id, action: p.payment.action },
    next: p.redirectTo,
  });

  app.post<{ Body: OneShotApiBody }>(
    '/api/v1/checkout',
    {
      schema: { tags, headers: S.IdempotencyHeaders, body: S.CheckoutBody, response: { 200: S.PlacedResponse, 201: S.PlacedResponse } },
      // Before the schema: a price, total or tax is refused with its own code, not a generic shape error.
      preValidation: async (request) => {
        const found = S.priceFieldsIn(request.body);
        if (found.length > 0) throw priceFieldRefused(found);
        const key = request.headers['idempotency-key'];
        if (typeof key !== 'string' || !/^[A-Za-z0-9_-]{16,128}$/.test(key)) throw idempotencyKeyRequired();
      },
    },
    async (request, reply) => {
      const { who } = await whoOf(request);
      const b = request.body;
      const input: OneShotInput = {
        email: b.email,
        shipping: b.shippingAddress,
        billingSameAsShipping: b.billingAddress === undefined,
        billing: b.billingAddress,
        saveAddress: false,
        shippingMethodId: b.shippingMethodId,
        provider: b.provider,
        discountCode: b.discountCode ?? null,
        ...(b.currency !== undefined ? { currency: b.currency } : {}),
      };
      const placed = await checkout.placeAll(await cartOf(request), who, input, String(request.headers['idempotency-key']), (cartId) => cart.holds(request, cartId));
      if (placed.accessToken) setAccessCookie(request, reply, placed.accessToken);
      return reply.code(placed.created ? 201 : 200).send(placedDto(placed));
    },
  );

  app.get<{ Querystring: { country?: string; region?: string; shippingMethodId?: string; discountCode?: string } }>(
    '/api/v1/checkout/quote',
    { schema: { tags, querystring: S.QuoteQuery } },
    async (request) => {
      const { who } = await whoOf(request);
      return checkout.preview(await cartOf(request), who, request.query);
    },
  );
}

type OneShotApiBody = {
  email: string;
  shippingAddress: Partial<Record<keyof PostalAddressFields, string | null>>;
  billingAddress?: Partial<Record<keyof PostalAddressFields, string | null>>;
  shippingMethodId: string;
  provider: string;
  discountCode?: string | null;
  currency?: string;
};

function CannotPlacePage({ ctx, message }: { ctx: PageContext; message: string }) {
  return (
    <CheckoutLayout ctx={ctx} title="Your order could not be placed">
      <div class="completion completion--failed">
        <h1 class="checkout-title">Your order could not be placed</h1>
        <p class="completion__lede" role="alert">
          {message}
        </p>
        <p>Nothing was charged. Your cart shows what is still available.</p>
        <p class="button-row">
          <a class="button" href="/cart">
            Return to your cart
          </a>
        </p>
      </div>
    </CheckoutLayout>
  );
}
